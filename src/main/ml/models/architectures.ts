import * as tf from '@tensorflow/tfjs';
import { FACE_SIZE, NUM_CLASSES } from '@shared/emotions';
import { ARCHITECTURES, type Architecture } from '@shared/training';

export { ARCHITECTURES, type Architecture };

export function isArchitecture(value: string): value is Architecture {
  return (ARCHITECTURES as readonly string[]).includes(value);
}

/**
 * The original design, layer for layer (Keras: 2,345,607 parameters, about 62% on FER2013 after
 * 50 epochs of Adam 1e-4). Kept so users can reproduce the starting point.
 */
export function buildSeedModel(): tf.LayersModel {
  return tf.sequential({
    name: 'seed',
    layers: [
      tf.layers.conv2d({ inputShape: [FACE_SIZE, FACE_SIZE, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.dropout({ rate: 0.25 }),
      tf.layers.conv2d({ filters: 128, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 128, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.dropout({ rate: 0.25 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 1024, activation: 'relu' }),
      tf.layers.dropout({ rate: 0.5 }),
      tf.layers.dense({ units: NUM_CLASSES, activation: 'softmax' }),
    ],
  });
}

/** conv3x3 (no bias: batch norm follows) -> batch norm -> relu. */
function convBlock(filters: number): tf.layers.Layer[] {
  return [
    tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: 'heNormal' }),
    tf.layers.batchNormalization({ momentum: 0.9 }),
    tf.layers.activation({ activation: 'relu' }),
  ];
}

/** Channel widths of the default model's four stages (48, 24, 12 and 6 pixels). */
export const DEFAULT_WIDTHS = [24, 48, 96, 192] as const;

/**
 * Our default: a VGG-style stack with batch norm, sized for accuracy per CPU second (see docs/models.md).
 * The 48-pixel stage has a single conv because a second one there would cost as much as a whole
 * later stage; global average pooling replaces the seed's 2M-parameter dense layer.
 */
export function buildDefaultModel(widths: readonly number[] = DEFAULT_WIDTHS, name = 'default'): tf.LayersModel {
  const [w48, w24, w12, w6] = widths;
  return tf.sequential({
    name,
    layers: [
      // No batch norm at full resolution: its reductions over 48x48 maps cost more than the conv.
      tf.layers.conv2d({
        inputShape: [FACE_SIZE, FACE_SIZE, 1],
        filters: w48,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: 'heNormal',
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      ...convBlock(w24),
      ...convBlock(w24),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      ...convBlock(w12),
      ...convBlock(w12),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      ...convBlock(w6),
      ...convBlock(w6),
      // Keep the 3x3 layout (where the mouth is matters) rather than averaging it away.
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      // No dropout in front of batch norm: it would skew the statistics inference uses.
      tf.layers.dense({ units: 128, useBias: false, kernelInitializer: 'heNormal' }),
      tf.layers.batchNormalization({ momentum: 0.9 }),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.dropout({ rate: 0.4 }),
      tf.layers.dense({ units: NUM_CLASSES, activation: 'softmax' }),
    ],
  });
}

/**
 * The fast model's widths: half the default's, a quarter of its multiply-adds (~14 M), measured
 * fastest per accuracy on wasm among plain narrow stacks (depthwise convolutions are slow there).
 */
export const FAST_WIDTHS = [12, 24, 48, 96] as const;

/** `widths`: the stage widths, when a recipe changes them (default and fast only). */
export function buildModel(architecture: Architecture, widths?: readonly number[]): tf.LayersModel {
  if (architecture === 'seed') return buildSeedModel();
  if (architecture === 'fast') return buildDefaultModel(widths ?? FAST_WIDTHS, 'fast');
  return buildDefaultModel(widths);
}
