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
});

describe('argmaxRows', () => {
  it('picks the largest of each row of seven', () => {
    const rows = new Float32Array([0, 0, 0.9, 0, 0, 0.1, 0, 0.5, 0, 0, 0, 0, 0, 0.5]);
    expect(Array.from(argmaxRows(rows))).toEqual([2, 0]);
  });
});
