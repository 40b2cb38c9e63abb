import { describe, expect, it } from 'vitest';
import { decodeFace, FACE_PIXELS, ImageDecodeError, resizeToFace } from './image';
import { encodeJpegGray, encodePng, patternPixel } from '../test-support/fixtures';

describe('decodeFace', () => {
  it('decodes a 48x48 grayscale JPEG to its pixels', () => {
    const face = decodeFace(encodeJpegGray(48, 48, 3));
    expect(face).toHaveLength(FACE_PIXELS);
    // JPEG is lossy even at quality 100: allow a few levels.
    let worst = 0;
    for (let y = 0; y < 48; y++)
      for (let x = 0; x < 48; x++) worst = Math.max(worst, Math.abs(face[y * 48 + x] - patternPixel(x, y, 3)));
    expect(worst).toBeLessThanOrEqual(4);
  });

  it('converts a colour PNG to luma', () => {
    const face = decodeFace(encodePng(48, 48, () => [255, 0, 0]));
    expect(face[0]).toBe(Math.round(0.299 * 255));
    expect(new Set(face).size).toBe(1);
  });

  it('resizes larger images by area averaging, after a centre crop', () => {
    // 96x144 image: the centre 96x96 is a left/right split, top and bottom bands are white.
    const png = encodePng(96, 144, (x, y) =>
      y < 24 || y >= 120 ? [255, 255, 255] : x < 48 ? [0, 0, 0] : [200, 200, 200],
    );
    const face = decodeFace(png);
    expect(face[0]).toBe(0);
    expect(face[47]).toBe(200);
    expect(face[47 * 48]).toBe(0);
  });

  it('upscales small images', () => {
    const gray = new Float32Array([0, 100, 200, 255]);
    const face = resizeToFace(gray, 2, 2);
    expect(face[0]).toBe(0);
    expect(face[47]).toBe(100);
    expect(face[FACE_PIXELS - 1]).toBe(255);
  });

  it('rejects files that are not images, and corrupt images, with a clear error', () => {
    expect(() => decodeFace(Buffer.from('hello'))).toThrow(ImageDecodeError);
    const truncated = encodeJpegGray(48, 48, 1).subarray(0, 200);
    expect(() => decodeFace(truncated)).toThrow(/corrupt image/);
  });
});
