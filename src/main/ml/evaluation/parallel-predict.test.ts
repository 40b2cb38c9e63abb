import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FACE_PIXELS } from '../data/image';
import { fuseForInference } from '../models/fused-inference';
import { predictProbabilities } from '../models/inference';
import { loadModel, type LoadedModel } from '../models/model-io';
import { initBackend } from '../runtime/backend';
import { Random } from '../training/random';
import { predictSavedModel } from './parallel-predict';

const BUNDLED_DEFAULT = path.resolve('resources/models/default');

describe('predictSavedModel', () => {
  let loaded: LoadedModel;
  const faceCount = 1003; // not a multiple of the threads: the last share is shorter
  const faces = new Uint8Array(faceCount * FACE_PIXELS);

  beforeAll(async () => {
    await initBackend({ candidates: ['wasm'] });
    loaded = await loadModel(BUNDLED_DEFAULT);
    const random = new Random(3);
    for (let i = 0; i < faces.length; i++) faces[i] = Math.floor(random.next() * 256);
  });

  it('shares the faces among worker threads and returns what one thread computes, in order', async () => {
    const fused = fuseForInference(loaded.model)!;
    const expected = await predictProbabilities(fused, faces, { testTimeFlip: true });
    fused.dispose();
    const inProcess = await predictSavedModel(BUNDLED_DEFAULT, loaded, faces, { testTimeFlip: true, threads: 1 });
    const threaded = await predictSavedModel(BUNDLED_DEFAULT, loaded, faces, { testTimeFlip: true, threads: 2 });
    expect(inProcess).toEqual(expected);
    expect(threaded).toHaveLength(expected.length);
    let largest = 0;
    for (let i = 0; i < expected.length; i++) largest = Math.max(largest, Math.abs(threaded[i] - expected[i]));
    expect(largest).toBeLessThan(1e-6);
  });

  it('fails clearly when a worker cannot load the model', async () => {
    await expect(
      predictSavedModel(path.resolve('no/such/model'), loaded, faces, { testTimeFlip: false, threads: 2 }),
    ).rejects.toThrow(/no[/\\]such[/\\]model/);
  });
});
