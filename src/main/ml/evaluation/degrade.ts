/**
 * What a camera and the app's own framing do to a face, one at a time and at measured strengths:
 * the conditions of `npm run bench:sensitivity`, which says how much of the model's accuracy each
 * one costs (docs/benchmarks.md). Every condition is deterministic for a seed.
 */
import { FACE_SIZE } from '@shared/emotions';
import { FACE_PIXELS } from '../data/image';
import { blurFaces } from '../data/sharpness';
import { warpFace, type FaceWarp } from '../training/augment';
import { applyJpegArtifacts } from '../training/jpeg-artifacts';
import { Random } from '../training/random';

export interface Condition {
  group: 'none' | 'framing' | 'resolution' | 'blur' | 'jpeg' | 'noise' | 'lighting';
  name: string;
  /** The faces (bytes) so degraded, as floats in [0, 1]. */
  apply(faces: Uint8Array, seed: number): Float32Array;
}

const NO_WARP: FaceWarp = { angle: 0, scale: 1, dx: 0, dy: 0, flip: false, gain: 1, bias: 0 };
const DEGREE = Math.PI / 180;

/** Each face warped by `warpOf` (drawn per face from a seeded generator). */
function warped(warpOf: (random: Random) => Partial<FaceWarp>): Condition['apply'] {
  return (faces, seed) => {
    const random = new Random(seed);
    const out = new Float32Array(faces.length);
    for (let offset = 0; offset < faces.length; offset += FACE_PIXELS)
      warpFace(faces, offset, out, offset, { ...NO_WARP, ...warpOf(random) });
    return out;
  };
}

/** Each float face changed in place by `change`, after conversion. */
function pointwise(change: (face: Float32Array, random: Random) => void): Condition['apply'] {
  return (faces, seed) => {
    const random = new Random(seed);
    const out = Float32Array.from(faces, (v) => v / 255);
    for (let offset = 0; offset < out.length; offset += FACE_PIXELS)
      change(out.subarray(offset, offset + FACE_PIXELS), random);
    return out;
  };
}

const sign = (random: Random) => (random.next() < 0.5 ? -1 : 1);
/** A standard normal deviate (Box-Muller). */
const normal = (random: Random) => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());

/** The face as a camera `side` px wide would see it: each block of pixels averaged, then scaled back up bilinearly. */
export function seenAt(faces: Uint8Array, side: number): Float32Array {
  const factor = FACE_SIZE / side;
  if (!Number.isInteger(factor)) throw new Error(`seenAt needs a side that divides ${FACE_SIZE}`);
  const out = new Float32Array(faces.length);
  const small = new Float32Array(side * side);
  for (let offset = 0; offset < faces.length; offset += FACE_PIXELS) {
    small.fill(0);
    for (let y = 0; y < FACE_SIZE; y++)
      for (let x = 0; x < FACE_SIZE; x++)
        small[Math.floor(y / factor) * side + Math.floor(x / factor)] += faces[offset + y * FACE_SIZE + x] / 255;
    for (let i = 0; i < small.length; i++) small[i] /= factor * factor;
    for (let y = 0; y < FACE_SIZE; y++) {
      const sy = Math.min(Math.max((y + 0.5) / factor - 0.5, 0), side - 1);
      const y0 = Math.floor(sy);
      const y1 = Math.min(y0 + 1, side - 1);
      for (let x = 0; x < FACE_SIZE; x++) {
        const sx = Math.min(Math.max((x + 0.5) / factor - 0.5, 0), side - 1);
        const x0 = Math.floor(sx);
        const x1 = Math.min(x0 + 1, side - 1);
        const fx = sx - x0;
        const top = small[y0 * side + x0] * (1 - fx) + small[y0 * side + x1] * fx;
        const bottom = small[y1 * side + x0] * (1 - fx) + small[y1 * side + x1] * fx;
        out[offset + y * FACE_SIZE + x] = top + (bottom - top) * (sy - y0);
      }
    }
  }
  return out;
}

export const CONDITIONS: Condition[] = [
  { group: 'none', name: 'as stored', apply: pointwise(() => {}) },
  ...[1, 2, 4].map((px) => ({
    group: 'framing' as const,
    name: `shifted ${px} px`,
    apply: warped((r) => ({ dx: px * sign(r), dy: px * sign(r) })),
  })),
  ...[0.1, 0.2].map((zoom) => ({
    group: 'framing' as const,
    name: `scaled ${zoom * 100}% (larger or smaller)`,
    apply: warped((r) => ({ scale: 1 + zoom * sign(r) })),
  })),
  ...[5, 10, 20].map((degrees) => ({
    group: 'framing' as const,
    name: `turned ${degrees}°`,
    apply: warped((r) => ({ angle: degrees * DEGREE * sign(r) })),
  })),
  {
    group: 'framing',
    name: "the detector's framing noise (shift 2.2 px, scale 10%, turn 5°, each a standard deviation)",
    apply: warped((r) => ({
      dx: 2.2 * normal(r),
      dy: 2.2 * normal(r),
      scale: Math.exp(0.1 * normal(r)),
      angle: 5 * DEGREE * normal(r),
    })),
  },
  ...[24, 16, 12].map((side) => ({
    group: 'resolution' as const,
    name: `seen ${side} px wide`,
    apply: (faces: Uint8Array) => seenAt(faces, side),
  })),
  ...[0.5, 1, 1.5, 2].map((sigma) => ({
    group: 'blur' as const,
    name: `blurred, sigma ${sigma} px`,
    apply: (faces: Uint8Array) =>
      blurFaces(
        Float32Array.from(faces, (v) => v / 255),
        sigma,
      ),
  })),
  ...[70, 40, 20].map((quality) => ({
    group: 'jpeg' as const,
    name: `JPEG quality ${quality}`,
    apply: pointwise((face) => applyJpegArtifacts(face, 0, quality)),
  })),
  ...[0.02, 0.05, 0.1].map((sigma) => ({
    group: 'noise' as const,
    name: `sensor noise, sigma ${sigma}`,
    apply: pointwise((face, r) => {
      for (let i = 0; i < face.length; i++) face[i] = Math.min(1, Math.max(0, face[i] + sigma * normal(r)));
    }),
  })),
  ...[
    { name: 'darker (gamma 2)', gamma: 2, gain: 1, bias: 0 },
    { name: 'brighter (gamma 0.5)', gamma: 0.5, gain: 1, bias: 0 },
    { name: 'half the contrast', gamma: 1, gain: 0.5, bias: 0 },
    { name: 'brightness -0.2', gamma: 1, gain: 1, bias: -0.2 },
  ].map(({ name, gamma, gain, bias }) => ({
    group: 'lighting' as const,
    name,
    apply: pointwise((face) => {
      for (let i = 0; i < face.length; i++)
        face[i] = Math.min(1, Math.max(0, (face[i] ** gamma - 0.5) * gain + 0.5 + bias));
    }),
  })),
];
