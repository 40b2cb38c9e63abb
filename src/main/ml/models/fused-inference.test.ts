import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FACE_SIZE } from '@shared/emotions';
import { initBackend } from '../runtime/backend';
import { buildDefaultModel, buildSeedModel } from './architectures';
import { fuseForInference } from './fused-inference';

/** Gives batch-norm layers statistics and affine weights that are not the identity. */
function randomiseBatchNorm(model: tf.LayersModel): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const [gamma, beta, mean, variance] = layer.getWeights();
    layer.setWeights([
      tf.randomUniform(gamma.shape, 0.5, 1.5),
      tf.randomUniform(beta.shape, -0.2, 0.2),
      tf.randomUniform(mean.shape, -0.3, 0.3),
      tf.randomUniform(variance.shape, 0.5, 2),
    ]);
  }
}

describe('fuseForInference', () => {
  beforeAll(async () => {
    await initBackend({ candidates: ['wasm'] });
  });

  it.each([
    ['default', buildDefaultModel],
    ['seed', buildSeedModel],
  ])('gives the %s model the same probabilities as model.predict, and leaks no tensors', (_name, build) => {
    const model = build();
    randomiseBatchNorm(model);
    const fused = fuseForInference(model);
    expect(fused).toBeDefined();
    const x = tf.randomUniform([5, FACE_SIZE, FACE_SIZE, 1], 0, 1, 'float32', 3);
    const expected = (model.predict(x) as tf.Tensor).arraySync() as number[][];
    const before = tf.memory().numTensors;
    const actual = (fused!.predict(x) as tf.Tensor).arraySync() as number[][];
    for (let i = 0; i < expected.length; i++) {
      for (let c = 0; c < expected[i].length; c++) expect(actual[i][c]).toBeCloseTo(expected[i][c], 4);
    }
    expect(tf.memory().numTensors).toBe(before + 1); // only the output survives predict
    fused!.dispose();
    model.dispose();
    x.dispose();
  });

  it('declines a model with a layer it does not handle', () => {
    const model = tf.sequential({
      layers: [tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, activation: 'tanh' })],
    });
    expect(fuseForInference(model)).toBeUndefined();
    model.dispose();
  });
});
