import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { FACE_PIXELS, FACE_SIZE } from '@shared/emotions';
import { rgbaToLuma } from '@shared/pixels';
import { errorMessage } from '@shared/errors';

export { FACE_PIXELS };

export class ImageDecodeError extends Error {}

interface RgbaImage {
  width: number;
  height: number;
  /** 4 bytes per pixel. */
  data: Uint8Array;
}

function decodeRgba(bytes: Uint8Array): RgbaImage {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    // maxMemoryUsageInMB guards against decompression bombs in user datasets.
    const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 256 });
    return { width: image.width, height: image.height, data: image.data };
  }
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    const image = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { width: image.width, height: image.height, data: image.data };
  }
  throw new ImageDecodeError('not a JPEG or PNG file');
}

/**
 * Resamples a grayscale image to FACE_SIZE x FACE_SIZE by area averaging (each output pixel is
 * the mean of the source area it covers), after a centre crop to a square.
 */
export function resizeToFace(gray: Float32Array, width: number, height: number): Uint8Array {
  const side = Math.min(width, height);
  const x0 = (width - side) / 2;
  const y0 = (height - side) / 2;
  const out = new Uint8Array(FACE_PIXELS);
  const scale = side / FACE_SIZE;
  for (let oy = 0; oy < FACE_SIZE; oy++) {
    const sy0 = y0 + oy * scale;
    const sy1 = sy0 + scale;
    for (let ox = 0; ox < FACE_SIZE; ox++) {
      const sx0 = x0 + ox * scale;
      const sx1 = sx0 + scale;
      let sum = 0;
      let weight = 0;
      // When upscaling (scale < 1) the covered area is a fraction of one source pixel.
      for (let y = Math.floor(sy0); y < Math.min(height, Math.ceil(sy1)); y++) {
        const wy = Math.min(y + 1, sy1) - Math.max(y, sy0);
        for (let x = Math.floor(sx0); x < Math.min(width, Math.ceil(sx1)); x++) {
          const w = wy * (Math.min(x + 1, sx1) - Math.max(x, sx0));
          sum += gray[y * width + x] * w;
          weight += w;
        }
      }
      out[oy * FACE_SIZE + ox] = Math.round(sum / weight);
    }
  }
  return out;
}

/** Decodes a JPEG or PNG of any size or colour into a 48x48 grayscale face (row-major bytes). */
export function decodeFace(bytes: Uint8Array): Uint8Array {
  let image: RgbaImage;
  try {
    image = decodeRgba(bytes);
  } catch (error) {
    if (error instanceof ImageDecodeError) throw error;
    throw new ImageDecodeError(`corrupt image: ${errorMessage(error)}`);
  }
  const { width, height, data } = image;
  if (width < 1 || height < 1) throw new ImageDecodeError('image has no pixels');
  const gray = new Float32Array(width * height);
  rgbaToLuma(data, gray);
  if (width === FACE_SIZE && height === FACE_SIZE) {
    // A plain loop: Uint8Array.from with a map function took as long as decoding the JPEG itself.
    const face = new Uint8Array(FACE_PIXELS);
    for (let i = 0; i < FACE_PIXELS; i++) face[i] = Math.round(gray[i]);
    return face;
  }
  return resizeToFace(gray, width, height);
}
