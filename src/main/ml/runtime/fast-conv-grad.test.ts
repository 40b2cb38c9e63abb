import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './backend';

/** Runs `compute` on a backend and returns plain arrays, so results from two backends can be compared. */
async function on(backend: 'wasm' | 'cpu', compute: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const tensors = tf.tidy(compute);
  const values = await Promise.all(tensors.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(tensors);
  return values;
}

function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

function expectClose(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(1, ...Array.from(expected, Math.abs));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst / scale).toBeLessThan(1e-4);
}

beforeAll(async () => {
  await initBackend({ candidates: ['wasm'] });
});

describe('fast wasm gradients match the stock cpu kernels', () => {
  it('registers a Conv2DBackpropFilter kernel, which stock wasm lacks', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  const cases: [string, number[], number[], 'valid' | 'same'][] = [
    ['valid 3x3, 1 -> 8 channels', [3, 10, 10, 1], [3, 3, 1, 8], 'valid'],
    ['valid 3x3, 8 -> 16 channels', [4, 9, 11, 8], [3, 3, 8, 16], 'valid'],
    ['same 3x3, 6 -> 5 channels', [2, 8, 8, 6], [3, 3, 6, 5], 'same'],
    ['same 5x5, 4 -> 4 channels', [2, 7, 6, 4], [5, 5, 4, 4], 'same'],
    ['same 2x2 (asymmetric padding)', [2, 6, 6, 3], [2, 2, 3, 4], 'same'],
  ];
  it.each(cases)('Conv2D gradients: %s', async (_name, xShape, wShape, pad) => {
    const compute = () => {
      const x = seeded(xShape, 1);
      const w = seeded(wShape, 2);
      const outShape = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, pad).shape;
      const r = seeded(outShape, 3);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, pad), r)),
      )([x, w]);
      return [dx, dw];
    };
    const [fast, stock] = [await on('wasm', compute), await on('cpu', compute)];
    expectClose(fast[0], stock[0]);
    expectClose(fast[1], stock[1]);
  });

  it('fused conv2d + bias + relu gradients (the tfjs-layers path)', async () => {
    const compute = () => {
      const x = seeded([3, 8, 8, 4], 4);
      const w = seeded([3, 3, 4, 6], 5);
      const b = seeded([6], 6);
      const r = seeded([3, 8, 8, 6], 7);
      return tf.grads((a: tf.Tensor, f: tf.Tensor, bias: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.fused.conv2d({
              x: a as tf.Tensor4D,
              filter: f as tf.Tensor4D,
              strides: 1,
              pad: 'same',
              bias,
              activation: 'linear',
            }),
            r,
          ),
        ),
      )([x, w, b]);
    };
    const [fast, stock] = [await on('wasm', compute), await on('cpu', compute)];
    fast.forEach((values, i) => expectClose(values, stock[i]));
  });

  it('2x2 max-pool gradients', async () => {
    const compute = () => {
      const x = seeded([2, 8, 6, 3], 8);
      const r = seeded([2, 4, 3, 3], 9);
      return [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid'), r)))(x)];
    };
    const [fast, stock] = [await on('wasm', compute), await on('cpu', compute)];
    expectClose(fast[0], stock[0]);
  });

  it('matrix products with transposed operands', async () => {
    const compute = () => {
      const a = seeded([5, 7], 10);
      const b = seeded([5, 3], 11);
      const c = seeded([4, 7], 12);
      return [tf.matMul(a, b, true, false), tf.matMul(a, c, false, true), tf.matMul(b, a, true, false)];
    };
    const [fast, stock] = [await on('wasm', compute), await on('cpu', compute)];
    fast.forEach((values, i) => expectClose(values, stock[i]));
  });

  it('batch-norm gradients through batch statistics (training mode)', async () => {
    const compute = () => {
      const x = seeded([4, 5, 5, 3], 13);
      const gamma = seeded([3], 14);
      const beta = seeded([3], 15);
      const r = seeded([4, 5, 5, 3], 16);
      return tf.grads((a: tf.Tensor, g: tf.Tensor, o: tf.Tensor) => {
        const { mean, variance } = tf.moments(a, [0, 1, 2]);
        return tf.sum(tf.mul(tf.batchNorm(a, mean, variance, o, g, 1e-3), r));
      })([x, gamma, beta]);
    };
    const [fast, stock] = [await on('wasm', compute), await on('cpu', compute)];
    fast.forEach((values, i) => expectClose(values, stock[i]));
  });

  it('sums and means over leading axes, and every other reduction as before', async () => {
    const compute = () => {
      const x = seeded([3, 4, 5, 6], 17);
      // 1,152 rows: whole blocks of eight; the small input (60 rows) ends with a partial block.
      const large = seeded([8, 12, 12, 6], 18);
      return [
        tf.sum(large, [0, 1, 2]),
        tf.mean(large, [0, 1, 2], true),
        tf.sum(large),
        tf.mean(tf.reshape(large, [1152, 6]), 0),
        tf.sum(x, [0, 1, 2]),
        tf.sum(x, [1, 0], true),
        tf.mean(x, [0, 1, 2]),
        tf.mean(x, 0, true),
        tf.sum(x),
        tf.sum(x, [1, 2]),
        tf.mean(x, -1),
        tf.sum(tf.cast(tf.greater(x, 0), 'int32'), 0),
      ];
    };
    const [fast, stock] = [await on('wasm', compute), await on('cpu', compute)];
    fast.forEach((values, i) => expectClose(values, stock[i]));
    await tf.setBackend('wasm');
    expect(tf.sum(seeded([3, 4, 5, 6], 17), [0, 1], true).shape).toEqual([1, 1, 5, 6]);
  });
});
