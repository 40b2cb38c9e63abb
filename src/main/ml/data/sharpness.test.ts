import { describe, expect, it } from 'vitest';
import { FACE_PIXELS } from './image';
import { blurFaces, faceSharpness, matchingBlurSigma, medianSharpness } from './sharpness';

/** Faces of random noise: as sharp as faces get. */
function noiseFaces(count: number, seed: number): Uint8Array {
  let state = seed;
  return new Uint8Array(count * FACE_PIXELS).map(() => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % 256;
  });
}

describe('sharpness', () => {
  it('is zero for a flat face and the mean neighbour difference otherwise', () => {
    expect(faceSharpness(new Uint8Array(FACE_PIXELS).fill(80), 0)).toBe(0);
    const stripes = new Uint8Array(FACE_PIXELS).map((_, i) => (i % 2) * 100);
    expect(faceSharpness(stripes, 0)).toBe(100);
  });

  it('falls as the blur grows, and blurring keeps the mean brightness', () => {
    const faces = noiseFaces(20, 1);
    const values = [0, 1, 2, 4].map((sigma) => medianSharpness(blurFaces(faces, sigma)));
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThan(values[i - 1]);
    const blurred = blurFaces(faces, 2);
    const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
    expect(mean(blurred)).toBeCloseTo(mean(faces), 0);
  });

  it('finds the blur that turns sharp faces into ones like a blurred set, and none for matching sets', () => {
    const reference = blurFaces(noiseFaces(40, 2), 2.5);
    const sigma = matchingBlurSigma(reference, noiseFaces(40, 3));
    expect(sigma).toBeGreaterThan(2.2);
    expect(sigma).toBeLessThan(2.8);
    expect(matchingBlurSigma(noiseFaces(40, 4), noiseFaces(40, 5))).toBe(0);
  });
});
