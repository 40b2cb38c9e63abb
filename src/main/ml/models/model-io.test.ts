import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMOTIONS } from '@shared/emotions';
import { initBackend } from '../runtime/backend';
import { temporaryDir } from '../test-support/fixtures';
import { SEED_RECIPE } from '../training/recipes';
import { buildDefaultModel } from './architectures';
import { predictProbabilities } from './inference';
import { loadModel, METADATA_FILE, MODEL_FILE, WEIGHTS_FILE, saveModel, type ModelMetadata } from './model-io';

const metadata = (weightsDtype: ModelMetadata['weightsDtype']): ModelMetadata => ({
  formatVersion: 1,
  name: 'test',
  architecture: 'default',
  labels: [...EMOTIONS],
  input: { width: 48, height: 48, channels: 1, normalisation: 'pixel / 255', blurSigma: 0 },
  recipe: SEED_RECIPE,
  epochsTrained: 0,
  dataset: { source: 'none', fingerprint: '0', trainImages: 0, validationImages: 0 },
  history: [],
  backend: 'wasm',
  trainingSeconds: 0,
  createdAt: new Date(0).toISOString(),
  weightsDtype,
});

const faces = new Uint8Array(4 * 2304).map((_, i) => (i * 7) % 256);

beforeAll(async () => {
  await initBackend({ candidates: ['wasm'] });
});

describe('model folders', () => {
  it('round-trips a model with float32 weights exactly, and with float16 weights at half the size', async () => {
    const model = buildDefaultModel();
    const expected = await predictProbabilities(model, faces);
    const dir32 = await temporaryDir();
    const dir16 = await temporaryDir();
    await saveModel(dir32, model, metadata('float32'));
    await saveModel(dir16, model, metadata('float16'));
    const size32 = (await readFile(path.join(dir32, WEIGHTS_FILE))).length;
    const size16 = (await readFile(path.join(dir16, WEIGHTS_FILE))).length;
    expect(size16 * 2).toBe(size32);

    const loaded32 = await loadModel(dir32);
    expect(loaded32.metadata.name).toBe('test');
    expect(Array.from(await predictProbabilities(loaded32.model, faces))).toEqual(Array.from(expected));
    const loaded16 = await loadModel(dir16);
    const half = await predictProbabilities(loaded16.model, faces);
    half.forEach((p, i) => expect(p).toBeCloseTo(expected[i], 2));
    [model, loaded32.model, loaded16.model].forEach((m) => m.dispose());
  });

  it('refuses missing, truncated and mismatched model folders with the reason', async () => {
    const model = buildDefaultModel();
    const good = await temporaryDir();
    await saveModel(good, model, metadata('float32'));
    model.dispose();
    const copy = async (edit: (dir: string) => Promise<void>) => {
      const dir = await temporaryDir();
      for (const file of [MODEL_FILE, WEIGHTS_FILE, METADATA_FILE])
        await writeFile(path.join(dir, file), await readFile(path.join(good, file)));
      await edit(dir);
      return dir;
    };
    await expect(loadModel(await temporaryDir())).rejects.toThrow(/metadata\.json is missing/);
    const truncated = await copy(async (dir) => {
      const weights = await readFile(path.join(dir, WEIGHTS_FILE));
      await writeFile(path.join(dir, WEIGHTS_FILE), weights.subarray(0, 1000));
    });
    await expect(loadModel(truncated)).rejects.toThrow(/truncated/);
    const noWeights = await copy((dir) => rm(path.join(dir, WEIGHTS_FILE)));
    await expect(loadModel(noWeights)).rejects.toThrow(/weights\.bin is missing/);
    const badJson = await copy((dir) => writeFile(path.join(dir, MODEL_FILE), '{"modelTopology": '));
    await expect(loadModel(badJson)).rejects.toThrow(/model\.json is not valid JSON/);
    const wrongLabels = await copy((dir) =>
      writeFile(path.join(dir, METADATA_FILE), JSON.stringify({ ...metadata('float32'), labels: ['happy', 'sad'] })),
    );
    await expect(loadModel(wrongLabels)).rejects.toThrow(/labels .* do not match/);
    const brokenReference = await copy((dir) =>
      writeFile(
        path.join(dir, METADATA_FILE),
        JSON.stringify({
          ...metadata('float32'),
          neutralReference: { distribution: [0.5, 0.5], faces: 2, split: 'test' },
        }),
      ),
    );
    await expect(loadModel(brokenReference)).rejects.toThrow(/neutralReference must be a distribution/);
    const keptBeyondTraining = await copy((dir) =>
      writeFile(
        path.join(dir, METADATA_FILE),
        JSON.stringify({ ...metadata('float32'), epochsTrained: 3, keptEpoch: 4 }),
      ),
    );
    await expect(loadModel(keptBeyondTraining)).rejects.toThrow(/keptEpoch 4 is not one of its 3 epochs/);
    const brokenTopology = await copy(async (dir) => {
      const json = JSON.parse(await readFile(path.join(dir, MODEL_FILE), 'utf8'));
      json.modelTopology.config.layers[0].class_name = 'NoSuchLayer';
      await writeFile(path.join(dir, MODEL_FILE), JSON.stringify(json));
    });
    await expect(loadModel(brokenTopology)).rejects.toThrow(/could not build the model/);
  });
});
