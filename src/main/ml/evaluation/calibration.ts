/**
 * Honest confidence: temperature scaling (Guo et al., 2017, "On Calibration of Modern Neural
 * Networks") and the expected calibration error it is judged by.
 *
 * The models end in a softmax, so their logits are log(p) up to a constant per face, and
 * softmax(logits / T) = p^(1/T) / sum(p^(1/T)): the temperature can be applied to the
 * probabilities themselves, with no change to the model.
 */
import { NUM_CLASSES, topEmotionIndex } from '@shared/emotions';
import { MIN_CALIBRATION_FACES, type EvaluatedSplit } from '@shared/training';
import type { ModelMetadata } from '../models/model-folder';

/** Equal-width confidence bins for the expected calibration error (the usual 15). */
export const ECE_BINS = 15;

/** Smallest probability taken into a logarithm: float32 softmax outputs can be exactly 0. */
const FLOOR = 1e-12;

/** Probabilities as if the model's logits had been divided by `temperature` (a new array). */
export function applyTemperature(probabilities: Float32Array, temperature: number): Float32Array<ArrayBuffer> {
  const out = new Float32Array(probabilities.length);
  if (temperature === 1) {
    out.set(probabilities);
    return out;
  }
  const inverse = 1 / temperature;
  for (let row = 0; row < probabilities.length; row += NUM_CLASSES) {
    // Work in logs relative to the row's largest value, so p^(1/T) cannot underflow to all zeros.
    let largest = -Infinity;
    for (let c = 0; c < NUM_CLASSES; c++)
      largest = Math.max(largest, Math.log(Math.max(FLOOR, probabilities[row + c])));
    let sum = 0;
    for (let c = 0; c < NUM_CLASSES; c++) {
      const value = Math.exp((Math.log(Math.max(FLOOR, probabilities[row + c])) - largest) * inverse);
      out[row + c] = value;
      sum += value;
    }
    for (let c = 0; c < NUM_CLASSES; c++) out[row + c] /= sum;
  }
  return out;
}

/** Mean negative log-likelihood of the true labels. */
export function negativeLogLikelihood(probabilities: Float32Array, labels: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum -= Math.log(Math.max(FLOOR, probabilities[i * NUM_CLASSES + labels[i]]));
  return sum / labels.length;
}

/**
 * The temperature that minimises the negative log-likelihood of `labels` (golden-section search
 * over log T in [1/20, 20]; the likelihood is unimodal in T). 1 (none) on fewer than
 * MIN_CALIBRATION_FACES faces, too few to fit it.
 */
export function fitTemperature(probabilities: Float32Array, labels: ArrayLike<number>): number {
  if (labels.length < MIN_CALIBRATION_FACES) return 1;
  const loss = (logT: number) => negativeLogLikelihood(applyTemperature(probabilities, Math.exp(logT)), labels);
  const ratio = (Math.sqrt(5) - 1) / 2;
  let low = Math.log(1 / 20);
  let high = Math.log(20);
  let a = high - ratio * (high - low);
  let b = low + ratio * (high - low);
  let lossA = loss(a);
  let lossB = loss(b);
  while (high - low > 1e-4) {
    if (lossA < lossB) {
      high = b;
      b = a;
      lossB = lossA;
      a = high - ratio * (high - low);
      lossA = loss(a);
    } else {
      low = a;
      a = b;
      lossA = lossB;
      b = low + ratio * (high - low);
      lossB = loss(b);
    }
  }
  return Math.round(Math.exp((low + high) / 2) * 1e4) / 1e4;
}

/**
 * Expected calibration error: faces binned by their top probability into `bins` equal-width
 * bins; the mean over faces of |accuracy - mean confidence| of their bin.
 */
export function expectedCalibrationError(
  probabilities: Float32Array,
  labels: ArrayLike<number>,
  bins = ECE_BINS,
): number {
  const count = new Array<number>(bins).fill(0);
  const correct = new Array<number>(bins).fill(0);
  const confidence = new Array<number>(bins).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const top = topEmotionIndex(probabilities, i * NUM_CLASSES);
    const p = probabilities[i * NUM_CLASSES + top];
    // Bins are (k/bins, (k+1)/bins]; a confidence of exactly 0 cannot occur for a top class.
    const bin = Math.min(bins - 1, Math.max(0, Math.ceil(p * bins) - 1));
    count[bin]++;
    confidence[bin] += p;
    if (top === labels[i]) correct[bin]++;
  }
  let error = 0;
  for (let k = 0; k < bins; k++) if (count[k] > 0) error += Math.abs(correct[k] - confidence[k]);
  return labels.length === 0 ? 0 : error / labels.length;
}

/** One temperature per way of predicting (one pass, mirrored, ten views), each fitted on what that way gave. */
export function calibrationFrom(
  rawByKind: { single: Float32Array; mirrored: Float32Array; shifted?: Float32Array },
  labels: Uint8Array,
  split: EvaluatedSplit,
): NonNullable<ModelMetadata['calibration']> {
  const { shifted } = rawByKind;
  return {
    single: fitTemperature(rawByKind.single, labels),
    mirrored: fitTemperature(rawByKind.mirrored, labels),
    ...(shifted ? { shifted: fitTemperature(shifted, labels) } : {}),
    fittedOn: split,
    images: labels.length,
  };
}
