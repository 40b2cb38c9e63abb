import { describe, expect, it } from 'vitest';
import { FACE_PIXELS } from '../data/image';
import { augmentFace, DEFAULT_AUGMENT, faceToFloats } from './augment';
import { Random } from './random';

const face = new Uint8Array(FACE_PIXELS).map((_, i) => (i % 48) * 5); // brightness grows left to right

describe('augmentFace', () => {
  const none = { maxShift: 0, maxRotation: 0, maxZoom: 0, flip: false, eraseProbability: 0, maxIntensity: 0 };

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
});
