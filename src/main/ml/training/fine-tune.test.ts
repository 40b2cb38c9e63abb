import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FaceDataset, FaceSplit } from '../data/dataset';
import { FACE_PIXELS } from '../data/image';
import { loadModel } from '../models/model-io';
import { initBackend } from '../runtime/backend';
import { temporaryDir } from '../test-support/fixtures';
import { Random } from './random';
import { recipeFor } from './recipes';
import { trainModel } from './trainer';

const BUNDLED_DEFAULT = path.resolve('resources/models/default');

function noise(count: number, seed: number): FaceSplit {
  const random = new Random(seed);
  return {
    images: Uint8Array.from({ length: count * FACE_PIXELS }, () => random.int(256)),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 7),
  };
}

/** The first convolution's kernel of a saved model. */
async function firstKernel(dir: string): Promise<Float32Array> {
  const { model } = await loadModel(dir);
  const kernel = model.layers.find((l) => l.getClassName() === 'Conv2D')!.getWeights()[0];
  const values = (await kernel.data()) as Float32Array;
  model.dispose();
  return values;
}

const maxDifference = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('fine-tuning', { timeout: 300_000 }, () => {
  const dataset: FaceDataset = {
    splits: { train: noise(32, 1), test: noise(14, 2) },
    report: {
      source: 'noise',
      format: 'folder',
      counts: {},
      totalImages: 46,
      skippedCount: 0,
      skipped: [],
      sharpness: {},
      notes: [],
    },
    fingerprint: 'noise',
  };
  // A learning rate so small that one step leaves the weights where they started.
  const recipe = { ...recipeFor('default'), epochs: 1, batchSize: 16, learningRate: 1e-12, augment: null };

  beforeAll(async () => {
    await initBackend({ candidates: ['wasm'] });
  });

  it("starts from the given model's weights, not from fresh ones", async () => {
    const start = await firstKernel(BUNDLED_DEFAULT);
    const tuned = await temporaryDir();
    await trainModel({ dataset, recipe, outDir: tuned, initFrom: BUNDLED_DEFAULT, backendCandidates: ['wasm'] });
    const scratch = await temporaryDir();
    await trainModel({ dataset, recipe, outDir: scratch, backendCandidates: ['wasm'] });
    // Saved as float16: equal to the start up to that rounding.
    expect(maxDifference(await firstKernel(tuned), start)).toBeLessThan(2e-3);
    expect(maxDifference(await firstKernel(scratch), start)).toBeGreaterThan(0.05);
  });
});
