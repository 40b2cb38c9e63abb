import type { FaceSplit } from '../data/dataset';
import { argmaxRows } from '../models/inference';
import { temperatureFor, type LoadedModel } from '../models/model-io';
import type { EvaluatedSplit, EvaluationReport } from '../../../shared/training';
import { applyTemperature, expectedCalibrationError } from './calibration';
import { classificationMetrics } from './metrics';
import { predictSavedModel } from './parallel-predict';

export interface ScoreOptions {
  split: EvaluatedSplit;
  testTimeFlip: boolean;
  /** The model's temperature for this way of predicting (1: none). */
  temperature: number;
}

/**
 * Scores a model's raw probabilities for `labels`: metrics of its predictions and the calibration
 * error before and after its temperature. Returns the probabilities as the app shows them.
 */
export function scoreProbabilities(
  labels: Uint8Array,
  raw: Float32Array,
  options: ScoreOptions,
): { report: EvaluationReport; probabilities: Float32Array<ArrayBuffer> } {
  const probabilities = applyTemperature(raw, options.temperature);
  const report: EvaluationReport = {
    ...classificationMetrics(labels, argmaxRows(probabilities)),
    ...options,
    ece: expectedCalibrationError(probabilities, labels),
    eceUncalibrated: expectedCalibrationError(raw, labels),
  };
  return { report, probabilities };
}

/**
 * Classifies every face of a split with the model saved in `modelDir` (already loaded, for its
 * metadata) and scores it, its temperature applied. Uses every core on wasm.
 */
export async function evaluateModel(
  modelDir: string,
  loaded: LoadedModel,
  faces: FaceSplit,
  options: { split: EvaluatedSplit; testTimeFlip: boolean; threads?: number },
): Promise<{ report: EvaluationReport; probabilities: Float32Array<ArrayBuffer> }> {
  const { threads, ...scored } = options;
  const raw = await predictSavedModel(modelDir, loaded, faces.images, {
    testTimeFlip: options.testTimeFlip,
    blurSigma: loaded.metadata.input.blurSigma,
    threads,
  });
  return scoreProbabilities(faces.labels, raw, {
    ...scored,
    temperature: temperatureFor(loaded.metadata, options.testTimeFlip),
  });
}
