/**
 * JPEG compression artifacts on a grayscale face, for augmentation. A grayscale JPEG loses
 * information only where its 8x8 DCT coefficients are quantised, so this does exactly that step
 * (the standard luminance table, scaled for `quality` as libjpeg does) and skips the lossless
 * entropy coding: about 0.1 ms per face, where encoding and decoding with jpeg-js takes 30.
 */
import { FACE_SIZE } from '@shared/emotions';

const BLOCK = 8;

/** ITU T.81 Annex K, table K.1: luminance quantisation at quality 50, row by row. */
const LUMINANCE_TABLE = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51,
  87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101,
  72, 92, 95, 98, 112, 100, 103, 99,
];

/** cosines[u * 8 + x] = c(u) cos((2x + 1) u pi / 16), the orthonormal DCT-II basis. */
const COSINES = Float64Array.from({ length: BLOCK * BLOCK }, (_, i) => {
  const u = Math.floor(i / BLOCK);
  const x = i % BLOCK;
  return (u === 0 ? Math.sqrt(1 / BLOCK) : Math.sqrt(2 / BLOCK)) * Math.cos(((2 * x + 1) * u * Math.PI) / (2 * BLOCK));
});

/** The quantisation table libjpeg uses for `quality` (1-100). */
export function quantisationTable(quality: number): Float64Array {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const scale = q < 50 ? 5000 / q : 200 - 2 * q;
  return Float64Array.from(LUMINANCE_TABLE, (base) =>
    Math.min(255, Math.max(1, Math.floor((base * scale + 50) / 100))),
  );
}

/**
 * Replaces the face at `offset` in `face` (floats in [0, 1], FACE_SIZE x FACE_SIZE) with what a
 * JPEG of it at `quality` decodes to.
 */
export function applyJpegArtifacts(face: Float32Array, offset: number, quality: number): void {
  const table = quantisationTable(quality);
  const block = new Float64Array(BLOCK * BLOCK);
  const temp = new Float64Array(BLOCK * BLOCK);
  for (let by = 0; by < FACE_SIZE; by += BLOCK) {
    for (let bx = 0; bx < FACE_SIZE; bx += BLOCK) {
      for (let y = 0; y < BLOCK; y++)
        for (let x = 0; x < BLOCK; x++) block[y * BLOCK + x] = face[offset + (by + y) * FACE_SIZE + bx + x] * 255 - 128;
      // Forward DCT: rows, then columns.
      for (let y = 0; y < BLOCK; y++)
        for (let u = 0; u < BLOCK; u++) {
          let sum = 0;
          for (let x = 0; x < BLOCK; x++) sum += COSINES[u * BLOCK + x] * block[y * BLOCK + x];
          temp[y * BLOCK + u] = sum;
        }
      for (let v = 0; v < BLOCK; v++)
        for (let u = 0; u < BLOCK; u++) {
          let sum = 0;
          for (let y = 0; y < BLOCK; y++) sum += COSINES[v * BLOCK + y] * temp[y * BLOCK + u];
          const k = v * BLOCK + u;
          block[k] = Math.round(sum / table[k]) * table[k];
        }
      // Inverse DCT: columns, then rows.
      for (let y = 0; y < BLOCK; y++)
        for (let u = 0; u < BLOCK; u++) {
          let sum = 0;
          for (let v = 0; v < BLOCK; v++) sum += COSINES[v * BLOCK + y] * block[v * BLOCK + u];
          temp[y * BLOCK + u] = sum;
        }
      for (let y = 0; y < BLOCK; y++)
        for (let x = 0; x < BLOCK; x++) {
          let sum = 0;
          for (let u = 0; u < BLOCK; u++) sum += COSINES[u * BLOCK + x] * temp[y * BLOCK + u];
          const value = Math.round(sum + 128) / 255;
          face[offset + (by + y) * FACE_SIZE + bx + x] = value < 0 ? 0 : value > 1 ? 1 : value;
        }
    }
  }
}
