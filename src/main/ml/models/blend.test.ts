import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMOTIONS } from '@shared/emotions';
import { initBackend } from '../runtime/backend';
import { temporaryDir } from '../test-support/fixtures';
import { FAST_RECIPE } from '../training/recipes';
import { buildModel, type Architecture } from './architectures';
import { blendMetadata, blendWeights } from './blend';
import { predictProbabilities } from './inference';
import { loadModel, ModelLoadError, saveModel, type ModelMetadata } from './model-io';

const run = promisify(execFile);

const metadataFor = (name: string, architecture: Architecture = 'fast'): ModelMetadata => ({
  formatVersion: 1,
  name,
  architecture,
  labels: [...EMOTIONS],
  input: { width: 48, height: 48, channels: 1, normalisation: 'pixel / 255', blurSigma: 0 },
  recipe: FAST_RECIPE,
  epochsTrained: 3,
  dataset: { source: 'none', fingerprint: '0', trainImages: 0, validationImages: 0 },
  calibration: { single: 1.3, mirrored: 1.2, fittedOn: 'test', images: 10 },
  neutralReference: { distribution: [0, 0, 0, 0, 0, 0, 1], faces: 1, split: 'test' },
  history: [],
  backend: 'wasm',
  trainingSeconds: 0,
  createdAt: new Date(0).toISOString(),
  weightsDtype: 'float32',
});

const faces = new Uint8Array(3 * 2304).map((_, i) => (i * 13) % 256);

/** A fast model whose weights all differ from a fresh build's: every weight shifted by `offset`. */
function shiftedModel(offset: number): tf.LayersModel {
  const model = buildModel('fast');
  model.setWeights(model.getWeights().map((w) => w.add(offset)));
  return model;
}

beforeAll(async () => {
  await initBackend({ candidates: ['wasm'] });
});

describe('weight-space blends', () => {
  it('makes every weight, batch-norm statistics included, (1 - w) x base + w x tuned', async () => {
    const base = shiftedModel(0.01);
    const tuned = shiftedModel(-0.02);
    const blended = blendWeights(base, tuned, 0.25);
    const from = base.getWeights();
    const to = tuned.getWeights();
    expect(blended).toHaveLength(from.length);
    expect(base.weights.some((w) => w.name.includes('moving_mean'))).toBe(true);
    for (let i = 0; i < blended.length; i++) {
      const expected = from[i].mul(0.75).add(to[i].mul(0.25));
      expect(tf.max(tf.abs(blended[i].sub(expected))).dataSync()[0]).toBeLessThan(1e-6);
    }
  });

  it('gives the base at weight 0 and the fine-tune at weight 1', async () => {
    const base = shiftedModel(0.01);
    const tuned = shiftedModel(-0.02);
    const expectBlendPredicts = async (weight: number, model: tf.LayersModel) => {
      const probe = buildModel('fast');
      probe.setWeights(blendWeights(base, tuned, weight));
      const got = await predictProbabilities(probe, faces);
      const want = await predictProbabilities(model, faces);
      got.forEach((p, i) => expect(p).toBeCloseTo(want[i], 5));
    };
    await expectBlendPredicts(0, base);
    await expectBlendPredicts(1, tuned);
  });

  it('refuses models of different shapes and weights outside 0..1', () => {
    expect(() => blendWeights(buildModel('fast'), buildModel('default'), 0.5)).toThrow(ModelLoadError);
    expect(() => blendWeights(buildModel('fast'), buildModel('fast'), 1.5)).toThrow(RangeError);
  });

  it("keeps the fine-tune's metadata and names both parents, but not the fine-tune's evaluation or temperatures", () => {
    const loaded = (name: string, architecture?: Architecture) => ({
      dir: `/models/${name}`,
      loaded: { model: buildModel('fast'), metadata: metadataFor(name, architecture) },
    });
    const metadata = blendMetadata(loaded('default'), loaded('framed'), 0.4, 'blend');
    expect(metadata).toMatchObject({
      name: 'blend',
      epochsTrained: 3,
      blend: { base: 'default', tuned: 'framed', weight: 0.4 },
    });
    expect(metadata.calibration).toBeUndefined();
    expect(metadata.neutralReference).toBeUndefined();
    expect(() => blendMetadata(loaded('default', 'default'), loaded('framed'), 0.4, 'blend')).toThrow(
      /a default model and .* a fast one/,
    );
  });

  it('npm run blend writes a loadable model folder that predicts as the blend does', async () => {
    const baseDir = await temporaryDir();
    const tunedDir = await temporaryDir();
    const base = shiftedModel(0.01);
    const tuned = shiftedModel(-0.02);
    await saveModel(baseDir, base, metadataFor('default'));
    await saveModel(tunedDir, tuned, metadataFor('framed'));
    const out = path.join(await temporaryDir(), 'blend');
    const cli = path.resolve('src/main/ml/cli/blend.ts');
    const args = ['--base', baseDir, '--tuned', tunedDir, '--weight', '0.5', '--out', out];
    await run(process.execPath, ['--import', 'tsx', cli, ...args]);

    const written = await loadModel(out);
    expect(written.metadata.blend).toEqual({ base: 'default', tuned: 'framed', weight: 0.5 });
    const probe = buildModel('fast');
    probe.setWeights(blendWeights(base, tuned, 0.5));
    const want = await predictProbabilities(probe, faces);
    const got = await predictProbabilities(written.model, faces);
    got.forEach((p, i) => expect(p).toBeCloseTo(want[i], 5));

    const again = await run(process.execPath, ['--import', 'tsx', cli, ...args]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(again).toMatchObject({ code: 2, stderr: expect.stringMatching(/already holds a model/) });
  }, 120_000);
});
