import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../runtime/backend';
import { buildDefaultModel, buildSeedModel } from './architectures';

beforeAll(async () => {
  await initBackend({ candidates: ['wasm'] });
});

describe('seed architecture', () => {
  it('reproduces the Keras design layer for layer, with 2,345,607 parameters', () => {
    const model = buildSeedModel();
    expect(model.countParams()).toBe(2_345_607);
    const summary = model.layers.map((layer) => {
      const config = layer.getConfig();
      return [layer.getClassName(), config.filters ?? config.units ?? config.rate ?? config.poolSize, config.activation]
        .filter((v) => v !== undefined)
        .join(' ');
    });
    expect(summary).toEqual([
      'Conv2D 32 relu',
      'Conv2D 64 relu',
      'MaxPooling2D 2,2',
      'Dropout 0.25',
      'Conv2D 128 relu',
      'MaxPooling2D 2,2',
      'Conv2D 128 relu',
      'MaxPooling2D 2,2',
      'Dropout 0.25',
      'Flatten',
      'Dense 1024 relu',
      'Dropout 0.5',
      'Dense 7 softmax',
    ]);
    expect(model.layers.slice(0, 2).map((l) => l.outputShape)).toEqual([
      [null, 46, 46, 32],
      [null, 44, 44, 64],
    ]);
    expect(model.layers[9].outputShape).toEqual([null, 2048]);
    model.dispose();
  });
});

describe('default architecture', () => {
  it('maps 48x48x1 faces to 7 probabilities', () => {
    const model = buildDefaultModel();
    const output = model.predict(tf.zeros([2, 48, 48, 1])) as tf.Tensor;
    expect(output.shape).toEqual([2, 7]);
    const sums = tf.sum(output, 1).arraySync() as number[];
    sums.forEach((s) => expect(s).toBeCloseTo(1, 5));
    expect(model.countParams()).toBeLessThan(1_000_000);
    model.dispose();
  });
});
