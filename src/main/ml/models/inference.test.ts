import { beforeAll, describe, expect, it } from 'vitest';
import { blurFaces } from '../data/sharpness';
import { initBackend } from '../runtime/backend';
import { buildDefaultModel } from './architectures';
import { argmaxRows, predictProbabilities } from './inference';

beforeAll(async () => {
  await initBackend({ candidates: ['wasm'] });
});

const faces = new Uint8Array(3 * 2304).map((_, i) => (i * 37) % 256);

describe('predictProbabilities', () => {
  it('gives one probability row per face, in batches of any size', async () => {
    const model = buildDefaultModel();
    const whole = await predictProbabilities(model, faces);
    const inTwos = await predictProbabilities(model, faces, { batchSize: 2 });
    expect(whole).toHaveLength(21);
    inTwos.forEach((p, i) => expect(p).toBeCloseTo(whole[i], 5));
    for (let f = 0; f < 3; f++) expect(whole.slice(f * 7, f * 7 + 7).reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    model.dispose();
  });

  it('blurs faces first when the model asks for it, and averages with the mirror image for TTA', async () => {
    const model = buildDefaultModel();
    const blurred = blurFaces(faces, 2).map((v) => v / 255);
    const viaOption = await predictProbabilities(model, faces, { blurSigma: 2 });
    const byHand = await predictProbabilities(model, blurred);
    viaOption.forEach((p, i) => expect(p).toBeCloseTo(byHand[i], 5));
    const plain = await predictProbabilities(model, faces);
    expect(Array.from(viaOption)).not.toEqual(Array.from(plain));
    const flipped = await predictProbabilities(model, faces, { testTimeFlip: true });
    expect(Array.from(flipped)).not.toEqual(Array.from(plain));
    model.dispose();
  });

  it('averages over ten views with shifts: the face and its mirror, each moved 2 px four ways', async () => {
    const model = buildDefaultModel();
    // Reflected at the edges without repeating the edge pixel, as tf.mirrorPad's 'reflect' does.
    const reflect = (i: number) => (i < 0 ? -i : i > 47 ? 94 - i : i);
    const view = (dy: number, dx: number, mirrored: boolean) =>
      faces.map((_, k) => {
        const face = Math.floor(k / 2304);
        const y = reflect(Math.floor((k % 2304) / 48) + dy);
        const x = reflect((k % 48) + dx);
        return faces[face * 2304 + y * 48 + (mirrored ? 47 - x : x)];
      });
    const byHand = new Float32Array(21);
    for (const [dy, dx] of [
      [0, 0],
      [-2, 0],
      [2, 0],
      [0, -2],
      [0, 2],
    ])
      for (const mirrored of [false, true]) {
        const p = await predictProbabilities(model, view(dy, dx, mirrored));
        p.forEach((v, i) => (byHand[i] += v / 10));
      }
    const viaOption = await predictProbabilities(model, faces, { testTimeFlip: true, testTimeShifts: true });
    viaOption.forEach((p, i) => expect(p).toBeCloseTo(byHand[i], 5));
    const mirroredOnly = await predictProbabilities(model, faces, { testTimeFlip: true });
    expect(Array.from(viaOption)).not.toEqual(Array.from(mirroredOnly));
    model.dispose();
  });
});

describe('argmaxRows', () => {
  it('picks the largest of each row of seven', () => {
    const rows = new Float32Array([0, 0, 0.9, 0, 0, 0.1, 0, 0.5, 0, 0, 0, 0, 0, 0.5]);
    expect(Array.from(argmaxRows(rows))).toEqual([2, 0]);
  });
});
