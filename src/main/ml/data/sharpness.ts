import { FACE_SIZE } from '@shared/emotions';
import { FACE_PIXELS } from './image';

/** Mean absolute difference between horizontal neighbours: high for sharp faces, low for blurred ones. */
export function faceSharpness(faces: ArrayLike<number>, index: number): number {
  const offset = index * FACE_PIXELS;
  let total = 0;
  for (let y = 0; y < FACE_SIZE; y++) {
    const row = offset + y * FACE_SIZE;
    for (let x = 0; x < FACE_SIZE - 1; x++) total += Math.abs(faces[row + x + 1] - faces[row + x]);
  }
  return total / (FACE_SIZE * (FACE_SIZE - 1));
}

/** Median sharpness over up to `sample` faces spread evenly through the array. */
export function medianSharpness(faces: ArrayLike<number>, sample = 1000): number {
  const count = Math.floor(faces.length / FACE_PIXELS);
  const step = Math.max(1, Math.floor(count / sample));
  const values: number[] = [];
  for (let i = 0; i < count; i += step) values.push(faceSharpness(faces, i));
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] ?? 0;
}

function gaussianKernel(sigma: number): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  return kernel.map((v) => v / sum);
}

/** Gaussian blur of each face (separable, edges clamped); values keep their scale. */
export function blurFaces(faces: ArrayLike<number>, sigma: number): Float32Array {
  const count = Math.floor(faces.length / FACE_PIXELS);
  const out = new Float32Array(count * FACE_PIXELS);
  if (sigma <= 0) {
    for (let i = 0; i < out.length; i++) out[i] = faces[i];
    return out;
  }
  const kernel = gaussianKernel(sigma);
  const radius = (kernel.length - 1) / 2;
  const last = FACE_SIZE - 1;
  const row = new Float32Array(FACE_PIXELS);
  for (let f = 0; f < count; f++) {
    const base = f * FACE_PIXELS;
    for (let y = 0; y < FACE_SIZE; y++) {
      for (let x = 0; x < FACE_SIZE; x++) {
        let acc = 0;
        for (let k = -radius; k <= radius; k++)
          acc += kernel[k + radius] * faces[base + y * FACE_SIZE + Math.min(last, Math.max(0, x + k))];
        row[y * FACE_SIZE + x] = acc;
      }
    }
    for (let y = 0; y < FACE_SIZE; y++) {
      for (let x = 0; x < FACE_SIZE; x++) {
        let acc = 0;
        for (let k = -radius; k <= radius; k++)
          acc += kernel[k + radius] * row[Math.min(last, Math.max(0, y + k)) * FACE_SIZE + x];
        out[base + y * FACE_SIZE + x] = acc;
      }
    }
  }
  return out;
}

/**
 * The Gaussian blur that makes `sharp` faces as smooth as `reference` faces (by median sharpness),
 * or 0 when `sharp` is not clearly sharper. Used when a dataset's training images are blurrier
 * than the faces the model will see, so inputs can be brought to the training distribution.
 */
export function matchingBlurSigma(reference: ArrayLike<number>, sharp: ArrayLike<number>): number {
  const target = medianSharpness(reference);
  const sample = Array.prototype.slice.call(sharp, 0, Math.min(sharp.length, 300 * FACE_PIXELS)) as number[];
  if (medianSharpness(sample) <= target * 1.25) return 0;
  let low = 0;
  let high = 8;
  for (let i = 0; i < 12; i++) {
    const mid = (low + high) / 2;
    if (medianSharpness(blurFaces(sample, mid)) > target) low = mid;
    else high = mid;
  }
  return Math.round(((low + high) / 2) * 100) / 100;
}
