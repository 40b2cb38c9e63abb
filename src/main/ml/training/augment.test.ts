import { describe, expect, it } from 'vitest';
import { FACE_PIXELS } from '../data/image';
import { faceSharpness } from '../data/sharpness';
import { augmentFace, DEFAULT_AUGMENT, faceToFloats, WEBCAM_AUGMENT, type AugmentOptions } from './augment';
import { Random } from './random';

const face = new Uint8Array(FACE_PIXELS).map((_, i) => (i % 48) * 5); // brightness grows left to right

describe('augmentFace', () => {
  const none: AugmentOptions = {
    maxShift: 0,
    maxRotation: 0,
    maxZoom: 0,
    flip: false,
    eraseProbability: 0,
    maxIntensity: 0,
  };

  it('is the identity with every transform off', () => {
    const out = new Float32Array(FACE_PIXELS);
    const plain = new Float32Array(FACE_PIXELS);
    augmentFace(face, 0, out, 0, new Random(1), none);
    faceToFloats(face, 0, plain, 0);
    out.forEach((v, i) => expect(v).toBeCloseTo(plain[i], 5));
  });

  it('mirrors horizontally when flipping', () => {
    const flips = Array.from({ length: 20 }, (_, seed) => {
      const out = new Float32Array(FACE_PIXELS);
      augmentFace(face, 0, out, 0, new Random(seed), { ...none, flip: true });
      return out[0] > out[47];
    });
    expect(flips).toContain(true);
    expect(flips).toContain(false);
  });

  it('stays in [0, 1], changes the face, and is reproducible from its seed', () => {
    const a = new Float32Array(FACE_PIXELS);
    const b = new Float32Array(FACE_PIXELS);
    augmentFace(face, 0, a, 0, new Random(9), DEFAULT_AUGMENT);
    augmentFace(face, 0, b, 0, new Random(9), DEFAULT_AUGMENT);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.every((v) => v >= 0 && v <= 1)).toBe(true);
    const plain = new Float32Array(FACE_PIXELS);
    faceToFloats(face, 0, plain, 0);
    expect(a.some((v, i) => Math.abs(v - plain[i]) > 0.05)).toBe(true);
  });

  it('adds webcam conditions: blur softens, gamma keeps the order of pixel values, noise and JPEG stay in [0, 1]', () => {
    const plain = new Float32Array(FACE_PIXELS);
    faceToFloats(face, 0, plain, 0);
    const run = (options: typeof none, seed: number) => {
      const out = new Float32Array(FACE_PIXELS);
      augmentFace(face, 0, out, 0, new Random(seed), options);
      return out;
    };
    // Blur on a face of one-pixel stripes (blur lowers their contrast; wide edges only spread).
    const stripes = new Uint8Array(FACE_PIXELS).map((_, i) => (i % 2 ? 200 : 50));
    const sharp = new Float32Array(FACE_PIXELS);
    const blurred = new Float32Array(FACE_PIXELS);
    faceToFloats(stripes, 0, sharp, 0);
    augmentFace(stripes, 0, blurred, 0, new Random(3), { ...none, blurProbability: 1, maxBlurSigma: 1.2 });
    expect(faceSharpness(blurred, 0)).toBeLessThan(0.8 * faceSharpness(sharp, 0));

    const gammas = Array.from({ length: 10 }, (_, seed) => run({ ...none, maxGamma: 0.4 }, seed));
    for (const out of gammas) {
      for (let i = 1; i < 48; i++) expect(out[i]).toBeGreaterThanOrEqual(out[i - 1]); // brightness still grows
    }
    expect(gammas.some((out) => Math.abs(out[24] - plain[24]) > 0.02)).toBe(true);

    const noisy = run({ ...none, maxNoise: 0.05 }, 5);
    expect(noisy.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(noisy.some((v, i) => Math.abs(v - plain[i]) > 0.005)).toBe(true);

    const compressed = run({ ...none, jpegProbability: 1 }, 6);
    expect(compressed.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(compressed.some((v, i) => Math.abs(v - plain[i]) > 0.002)).toBe(true);
  });

  it('draws the same numbers as before when no webcam condition is on, so older recipes reproduce', () => {
    const a = new Float32Array(FACE_PIXELS);
    const b = new Float32Array(FACE_PIXELS);
    augmentFace(face, 0, a, 0, new Random(4), DEFAULT_AUGMENT);
    augmentFace(face, 0, b, 0, new Random(4), { ...DEFAULT_AUGMENT, maxGamma: 0, maxNoise: 0 });
    expect(Array.from(a)).toEqual(Array.from(b));
    const c = new Float32Array(FACE_PIXELS);
    augmentFace(face, 0, c, 0, new Random(4), WEBCAM_AUGMENT);
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });
});
