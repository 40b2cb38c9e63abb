import type { FaceSplit } from '../data/dataset';
import { argmaxRows } from '../models/inference';
import { temperatureFor, viewKind, type LoadedModel, type ModelMetadata, type TestTimeViews } from '../models/model-io';
import type { EvaluatedSplit, EvaluationReport } from '@shared/training';
import { applyTemperature, calibrationFrom, expectedCalibrationError } from './calibration';
import { classificationMetrics } from './metrics';
import { predictSavedModel } from './parallel-predict';

export interface ScoreOptions extends TestTimeViews {
  split: EvaluatedSplit;
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
 * metadata) and scores it, its temperature applied. Uses every core on wasm. Returns the raw
 * probabilities too, for fitting a temperature.
 */
export async function evaluateModel(
  modelDir: string,
  loaded: LoadedModel,
  faces: FaceSplit,
  options: TestTimeViews & { split: EvaluatedSplit; threads?: number },
): Promise<{ report: EvaluationReport; probabilities: Float32Array<ArrayBuffer>; raw: Float32Array<ArrayBuffer> }> {
  const { threads, ...scored } = options;
  const raw = await predictSavedModel(modelDir, loaded, faces.images, {
    testTimeFlip: options.testTimeFlip,
    testTimeShifts: options.testTimeShifts,
    blurSigma: loaded.metadata.input.blurSigma,
    threads,
  });
  const scoredRaw = scoreProbabilities(faces.labels, raw, {
    ...scored,
    temperature: temperatureFor(loaded.metadata, options),
  });
  return { ...scoredRaw, raw };
}

/**
 * A temperature for every way of predicting (single, mirrored, ten views), all fitted on `faces`;
 * `known` are raw probabilities already predicted one of those ways, not predicted again.
 */
export async function fitCalibration(
  modelDir: string,
  loaded: LoadedModel,
  faces: FaceSplit,
  split: EvaluatedSplit,
  known: { views: TestTimeViews; raw: Float32Array },
): Promise<NonNullable<ModelMetadata['calibration']>> {
  const predict = async (views: TestTimeViews): Promise<Float32Array> =>
    viewKind(views) === viewKind(known.views)
      ? known.raw
      : predictSavedModel(modelDir, loaded, faces.images, { ...views, blurSigma: loaded.metadata.input.blurSigma });
  const single = await predict({ testTimeFlip: false });
  const mirrored = await predict({ testTimeFlip: true });
  const shifted = await predict({ testTimeFlip: true, testTimeShifts: true });
  return calibrationFrom({ single, mirrored, shifted }, faces.labels, split);
}
