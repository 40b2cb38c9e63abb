import { FACE_SIZE } from '@shared/emotions';
import { FACE_PIXELS } from '../data/image';
import { blurFaces } from '../data/sharpness';
import { applyJpegArtifacts } from './jpeg-artifacts';
import type { Random } from './random';

export interface AugmentOptions {
  /** Largest shift, in pixels, along each axis. */
  maxShift: number;
  /** Largest rotation, in degrees. */
  maxRotation: number;
  /** Scale drawn from [1 - maxZoom, 1 + maxZoom]. */
  maxZoom: number;
  flip: boolean;
  /** Probability of erasing one random rectangle (random erasing, Zhong et al. 2017). */
  eraseProbability: number;
  /** Largest brightness / contrast change, as a fraction. */
  maxIntensity: number;
  /**
   * Webcam conditions (absent in recipes from before they existed: off). Gamma drawn
   * log-uniformly from [1 / (1 + maxGamma), 1 + maxGamma].
   */
  maxGamma?: number;
  /** Probability of a Gaussian blur of sigma 0.4 to maxBlurSigma (focus, motion, a small face upscaled). */
  blurProbability?: number;
  maxBlurSigma?: number;
  /** Sensor noise: Gaussian, its standard deviation drawn from [0, maxNoise] (intensities in [0, 1]). */
  maxNoise?: number;
  /** Probability of JPEG compression at a quality drawn from [JPEG_QUALITY_MIN, JPEG_QUALITY_MAX]. */
  jpegProbability?: number;
}

export const JPEG_QUALITY_MIN = 25;
export const JPEG_QUALITY_MAX = 85;

export const DEFAULT_AUGMENT: AugmentOptions = {
  maxShift: 4,
  maxRotation: 10,
  maxZoom: 0.1,
  flip: true,
  eraseProbability: 0.25,
  maxIntensity: 0.2,
};

/** What the default model trains with: the geometric and intensity jitter above plus webcam conditions. */
export const WEBCAM_AUGMENT: AugmentOptions = {
  ...DEFAULT_AUGMENT,
  maxZoom: 0.15,
  maxGamma: 0.4,
  blurProbability: 0.25,
  maxBlurSigma: 1.2,
  maxNoise: 0.03,
  jpegProbability: 0.25,
};

/** A standard normal deviate (Box-Muller). */
function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

/** Blur, gamma, noise and JPEG compression, in the order a camera and its encoder apply them. */
function applyCaptureConditions(out: Float32Array, offset: number, random: Random, options: AugmentOptions): void {
  const face = out.subarray(offset, offset + FACE_PIXELS);
  if (options.blurProbability && options.maxBlurSigma && random.next() < options.blurProbability) {
    face.set(blurFaces(face, random.uniform(0.4, options.maxBlurSigma)));
  }
  if (options.maxGamma) {
    const gamma = Math.exp(random.uniform(-1, 1) * Math.log(1 + options.maxGamma));
    for (let i = 0; i < FACE_PIXELS; i++) face[i] = face[i] ** gamma;
  }
  if (options.maxNoise) {
    const sigma = random.uniform(0, options.maxNoise);
    for (let i = 0; i < FACE_PIXELS; i++) {
      const value = face[i] + sigma * gaussian(random);
      face[i] = value < 0 ? 0 : value > 1 ? 1 : value;
    }
  }
  if (options.jpegProbability && random.next() < options.jpegProbability) {
    applyJpegArtifacts(face, 0, random.uniform(JPEG_QUALITY_MIN, JPEG_QUALITY_MAX));
  }
}

/** Copies a face to floats in [0, 1] unchanged. */
export function faceToFloats(source: Uint8Array, offset: number, out: Float32Array, outOffset: number): void {
  for (let i = 0; i < FACE_PIXELS; i++) out[outOffset + i] = source[offset + i] / 255;
}

/** One affine warp of a face and an intensity change: what augmentation draws, or a sensitivity test sets. */
export interface FaceWarp {
  /** Radians, clockwise on screen. */
  angle: number;
  /** Above 1 the face looks larger (zoomed in). */
  scale: number;
  /** Pixels, right and down. */
  dx: number;
  dy: number;
  flip: boolean;
  /** value' = (value - 0.5) * gain + 0.5 + bias. */
  gain: number;
  bias: number;
}

/**
 * Writes `source`'s face (bytes) warped into `out` as floats in [0, 1]: bilinear sampling with
 * edge clamping about the face's centre.
 */
export function warpFace(
  source: Uint8Array,
  offset: number,
  out: Float32Array,
  outOffset: number,
  warp: FaceWarp,
): void {
  const centre = (FACE_SIZE - 1) / 2;
  const flip = warp.flip ? -1 : 1;
  // Inverse map: for each output pixel, where to sample in the source.
  const cos = Math.cos(warp.angle) / warp.scale;
  const sin = Math.sin(warp.angle) / warp.scale;
  const last = FACE_SIZE - 1;
  for (let y = 0; y < FACE_SIZE; y++) {
    const ry = y - centre - warp.dy;
    for (let x = 0; x < FACE_SIZE; x++) {
      const rx = (x - centre - warp.dx) * flip;
      let sx = cos * rx + sin * ry + centre;
      let sy = -sin * rx + cos * ry + centre;
      sx = sx < 0 ? 0 : sx > last ? last : sx;
      sy = sy < 0 ? 0 : sy > last ? last : sy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = x0 < last ? x0 + 1 : last;
      const y1 = y0 < last ? y0 + 1 : last;
      const fx = sx - x0;
      const fy = sy - y0;
      const row0 = offset + y0 * FACE_SIZE;
      const row1 = offset + y1 * FACE_SIZE;
      const top = source[row0 + x0] + (source[row0 + x1] - source[row0 + x0]) * fx;
      const bottom = source[row1 + x0] + (source[row1 + x1] - source[row1 + x0]) * fx;
      const value = ((top + (bottom - top) * fy) / 255 - 0.5) * warp.gain + 0.5 + warp.bias;
      out[outOffset + y * FACE_SIZE + x] = value < 0 ? 0 : value > 1 ? 1 : value;
    }
  }
}

/**
 * Writes one randomly transformed face (floats in [0, 1]) into `out`: one affine warp (shift,
 * rotation, zoom, mirror) with bilinear sampling and edge clamping, brightness/contrast jitter,
 * the capture conditions that are on, then random erasing.
 */
export function augmentFace(
  source: Uint8Array,
  offset: number,
  out: Float32Array,
  outOffset: number,
  random: Random,
  options: AugmentOptions,
): void {
  // Drawn in this order so that a seed gives the faces it always gave.
  const angle = (random.uniform(-options.maxRotation, options.maxRotation) * Math.PI) / 180;
  const scale = 1 + random.uniform(-options.maxZoom, options.maxZoom);
  const flip = options.flip && random.next() < 0.5;
  const dx = random.uniform(-options.maxShift, options.maxShift);
  const dy = random.uniform(-options.maxShift, options.maxShift);
  const gain = 1 + random.uniform(-options.maxIntensity, options.maxIntensity);
  const bias = random.uniform(-options.maxIntensity, options.maxIntensity) / 2;
  warpFace(source, offset, out, outOffset, { angle, scale, dx, dy, flip, gain, bias });
  applyCaptureConditions(out, outOffset, random, options);
  if (random.next() < options.eraseProbability) {
    const area = random.uniform(0.02, 0.2) * FACE_PIXELS;
    const aspect = Math.exp(random.uniform(Math.log(0.3), Math.log(3.3)));
    const h = Math.min(FACE_SIZE, Math.round(Math.sqrt(area * aspect)));
    const w = Math.min(FACE_SIZE, Math.round(Math.sqrt(area / aspect)));
    const top = random.int(FACE_SIZE - h + 1);
    const left = random.int(FACE_SIZE - w + 1);
    for (let y = top; y < top + h; y++) {
      for (let x = left; x < left + w; x++) out[outOffset + y * FACE_SIZE + x] = random.next();
    }
  }
}
