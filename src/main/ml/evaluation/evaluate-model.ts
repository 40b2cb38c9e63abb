import type * as tf from '@tensorflow/tfjs';
import type { FaceSplit } from '../data/dataset';
import { argmaxRows, predictProbabilities } from '../models/inference';
import type { EvaluationReport } from '../../../shared/training';
import { evaluatePredictions } from './metrics';

/** Classifies every face of a split and scores the predictions against its labels. */
export async function evaluateModel(
  model: tf.LayersModel,
  split: FaceSplit,
  options: { testTimeFlip?: boolean; blurSigma?: number } = {},
): Promise<EvaluationReport> {
  const probabilities = await predictProbabilities(model, split.images, options);
  return evaluatePredictions(split.labels, argmaxRows(probabilities), options.testTimeFlip ?? false);
}
