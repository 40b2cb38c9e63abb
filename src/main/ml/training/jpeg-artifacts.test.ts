import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { FACE_PIXELS, FACE_SIZE } from '@shared/emotions';
import { applyJpegArtifacts, quantisationTable } from './jpeg-artifacts';

/** A face-like test image: smooth shading with a few sharp edges. */
const face = Float32Array.from({ length: FACE_PIXELS }, (_, i) => {
  const x = i % FACE_SIZE;
  const y = Math.floor(i / FACE_SIZE);
  const edge = (x - 24) ** 2 + (y - 20) ** 2 < 100 ? 0.3 : 0;
  return Math.min(1, 0.2 + 0.01 * x + 0.005 * y + edge);
});

/** Luma of a real JPEG encode and decode (jpeg-js) of the face, in [0, 1]. */
function realJpeg(quality: number): Float32Array {
  const rgba = Buffer.alloc(FACE_PIXELS * 4);
  face.forEach((v, i) => rgba.set([Math.round(v * 255), Math.round(v * 255), Math.round(v * 255), 255], i * 4));
  const decoded = jpeg.decode(jpeg.encode({ data: rgba, width: FACE_SIZE, height: FACE_SIZE }, quality).data, {
    useTArray: true,
  });
  return Float32Array.from({ length: FACE_PIXELS }, (_, i) => decoded.data[i * 4] / 255);
}

const meanAbsolute = (a: Float32Array, b: Float32Array) =>
  a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0) / a.length;

describe('JPEG artifacts', () => {
  it("scales libjpeg's quantisation table with quality", () => {
    expect(quantisationTable(50)[0]).toBe(16);
    expect(quantisationTable(100).every((q) => q === 1)).toBe(true);
    expect(quantisationTable(10)[0]).toBe(80);
  });

  it('matches what a real JPEG encoder and decoder make of the face', () => {
    for (const quality of [20, 50, 80]) {
      const ours = face.slice();
      applyJpegArtifacts(ours, 0, quality);
      const real = realJpeg(quality);
      // The same loss: our result is much closer to the real JPEG than the original face is.
      expect(meanAbsolute(ours, real)).toBeLessThan(0.004);
      expect(meanAbsolute(face, real)).toBeGreaterThan(2 * meanAbsolute(ours, real));
    }
  });

  it('works in place at an offset and leaves the rest alone', () => {
    const two = new Float32Array(2 * FACE_PIXELS);
    two.set(face, FACE_PIXELS);
    applyJpegArtifacts(two, FACE_PIXELS, 30);
    expect(two.subarray(0, FACE_PIXELS).every((v) => v === 0)).toBe(true);
    expect(meanAbsolute(two.subarray(FACE_PIXELS), face)).toBeGreaterThan(0.002);
  });
});
