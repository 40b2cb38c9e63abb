import * as tf from '@tensorflow/tfjs';
import { ModelLoadError, type ModelMetadata } from './model-folder';
import type { LoadedModel } from './model-io';

/**
 * Weight-space ensembling (WiSE-FT, Wortsman et al. 2022): a model and a fine-tune of it lie in one
 * basin, so the straight line between their weights holds models that keep much of what each is
 * good at (here: FER2013's own crops and the app's framing) at one model's cost. Every weight,
 * batch-norm statistics included, becomes (1 - weight) x base + weight x tuned.
 */
export function blendWeights(base: tf.LayersModel, tuned: tf.LayersModel, weight: number): tf.Tensor[] {
  if (!(weight >= 0 && weight <= 1)) throw new RangeError(`the blend weight must be in 0..1, not ${weight}`);
  // Layer names carry a build counter (conv2d_3 vs conv2d_17), so shapes and order decide.
  const shapes = (model: tf.LayersModel) => model.weights.map((w) => w.shape.join('x')).join();
  if (shapes(base) !== shapes(tuned)) {
    throw new ModelLoadError(
      'the two models have different weights: only a model and a fine-tune of it can be blended',
    );
  }
  const from = base.getWeights();
  const to = tuned.getWeights();
  return tf.tidy(() => from.map((a, i) => a.mul(1 - weight).add(to[i].mul(weight))));
}

/**
 * The blend's metadata: the fine-tune's, naming both parents. Its evaluation, temperatures and
 * neutral reference were the fine-tune's alone, so they go: `npm run evaluate -- --save-evaluation`
 * measures the blend's own.
 */
export function blendMetadata(
  base: { dir: string; loaded: LoadedModel },
  tuned: { dir: string; loaded: LoadedModel },
  weight: number,
  name: string,
): ModelMetadata {
  if (base.loaded.metadata.architecture !== tuned.loaded.metadata.architecture) {
    throw new ModelLoadError(
      `${base.dir} is a ${base.loaded.metadata.architecture} model and ${tuned.dir} a ${tuned.loaded.metadata.architecture} one: they cannot be blended`,
    );
  }
  const metadata: ModelMetadata = {
    ...tuned.loaded.metadata,
    name,
    blend: { base: base.loaded.metadata.name, tuned: tuned.loaded.metadata.name, weight },
    createdAt: new Date().toISOString(),
  };
  delete metadata.evaluation;
  delete metadata.calibration;
  delete metadata.neutralReference;
  return metadata;
}
