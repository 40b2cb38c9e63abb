import type * as tf from '@tensorflow/tfjs';

/**
 * Multiply-adds of one forward pass per face: convolutions and dense layers, which are nearly all
 * of the work (batch norm, pooling and activations are a few percent and left out). Training costs
 * about three forward passes (the pass itself, the input gradient and the weight gradient), which is
 * how `npm run bench` turns images/s into achieved GFLOP/s.
 */
export function multiplyAddsPerFace(model: tf.LayersModel): number {
  let total = 0;
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if (kind !== 'Conv2D' && kind !== 'Dense') continue;
    const kernel = layer.getWeights()[0].shape;
    const weightsPerOutput = kernel.slice(0, -1).reduce((a, b) => a * b, 1) * kernel[kernel.length - 1];
    // A convolution applies its kernel at every output position; a dense layer once.
    const output = layer.outputShape as number[];
    const positions = kind === 'Conv2D' ? output[1] * output[2] : 1;
    total += positions * weightsPerOutput;
  }
  return total;
}
