/**
 * Model folders without TensorFlow.js: what a model folder holds, and checks of every file, so the
 * main process (the model library) can validate models without loading TensorFlow.js.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { EMOTIONS, FACE_SIZE } from '@shared/emotions';
import type { EpochRecord, EvaluatedSplit, EvaluationReport } from '@shared/training';
import type { Recipe } from '../training/recipes';
import type { Architecture } from './architectures';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const METADATA_FILE = 'metadata.json';

export interface ModelMetadata {
  formatVersion: 1;
  name: string;
  architecture: Architecture;
  /** Output order: labels[i] is output i. */
  labels: string[];
  /** blurSigma: Gaussian blur to apply before the model (0: none); see Recipe.matchInputSharpness. */
  input: { width: number; height: number; channels: 1; normalisation: 'pixel / 255'; blurSigma: number };
  recipe: Recipe;
  epochsTrained: number;
  /** The epoch whose weights the folder holds (see Recipe.keepBestEpoch); absent: the last, epochsTrained. */
  keptEpoch?: number;
  dataset: { source: string; fingerprint: string; trainImages: number; validationImages: number };
  /** The saved weights on the validation/test split, when measured. */
  evaluation?: EvaluationReport;
  /**
   * Temperature scaling fitted on the validation split (evaluation/calibration.ts): one temperature
   * for single predictions (the live view), one for mirror-averaged ones and, when
   * training or `evaluate --save-evaluation` fitted it, one for the ten views of testTimeShifts.
   * Absent: 1, none.
   */
  calibration?: { single: number; mirrored: number; shifted?: number; fittedOn: EvaluatedSplit; images: number };
  /**
   * The mean distribution it gives neutral faces (evaluation/neutral-reference.ts), which a
   * participant's neutral baseline is matched to. Absent: the live view cannot calibrate with it.
   */
  neutralReference?: { distribution: number[]; faces: number; split: EvaluatedSplit };
  history: EpochRecord[];
  /** A weight-space blend of two models (models/blend.ts): their names, and the fine-tune's share. */
  blend?: { base: string; tuned: string; weight: number };
  backend: string;
  trainingSeconds: number;
  createdAt: string;
  weightsDtype: 'float32' | 'float16';
}

export class ModelLoadError extends Error {}

/** Which views of each face a prediction averages (see inference.ts). */
export interface TestTimeViews {
  testTimeFlip: boolean;
  testTimeShifts?: boolean;
}

/** The calibration entry for these views: each way of predicting has its own temperature. */
export function viewKind(views: TestTimeViews): 'single' | 'mirrored' | 'shifted' {
  return views.testTimeShifts ? 'shifted' : views.testTimeFlip ? 'mirrored' : 'single';
}

/** The views a model is evaluated with: those of its stored evaluation, else its recipe's. */
export function modelViews(metadata: Pick<ModelMetadata, 'evaluation' | 'recipe'>): TestTimeViews {
  const source = metadata.evaluation ?? metadata.recipe;
  return { testTimeFlip: source?.testTimeFlip ?? false, testTimeShifts: source?.testTimeShifts ?? false };
}

/**
 * The temperature for this model's probabilities predicted from these views. Shifted views without
 * their own fitted temperature take the mirrored one: averaging more views softens the probabilities
 * a little more, which the evaluation's ECE then shows.
 */
export function temperatureFor(metadata: Pick<ModelMetadata, 'calibration'>, views: TestTimeViews): number {
  const calibration = metadata.calibration;
  if (!calibration) return 1;
  const kind = viewKind(views);
  return kind === 'shifted' ? (calibration.shifted ?? calibration.mirrored) : calibration[kind];
}

export async function writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${file}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, file);
}

/** Writes a model folder's metadata.json (atomically: a crash leaves the old one). */
export async function writeMetadata(dir: string, metadata: ModelMetadata): Promise<void> {
  await writeAtomic(path.join(dir, METADATA_FILE), `${JSON.stringify(metadata, null, 2)}\n`);
}

export async function readMetadata(dir: string): Promise<ModelMetadata> {
  let text: string;
  try {
    text = await readFile(path.join(dir, METADATA_FILE), 'utf8');
  } catch {
    throw new ModelLoadError(`${dir} is not a model folder: ${METADATA_FILE} is missing`);
  }
  let metadata: ModelMetadata;
  try {
    metadata = JSON.parse(text) as ModelMetadata;
  } catch {
    throw new ModelLoadError(`${path.join(dir, METADATA_FILE)} is not valid JSON`);
  }
  if (metadata.formatVersion !== 1)
    throw new ModelLoadError(`unsupported model format version ${String(metadata.formatVersion)}`);
  if (!Array.isArray(metadata.labels) || metadata.labels.join() !== EMOTIONS.join()) {
    throw new ModelLoadError(`model labels ${JSON.stringify(metadata.labels)} do not match ${EMOTIONS.join(', ')}`);
  }
  if (metadata.input?.width !== FACE_SIZE || metadata.input?.height !== FACE_SIZE || metadata.input?.channels !== 1) {
    throw new ModelLoadError(`model input must be ${FACE_SIZE}x${FACE_SIZE}x1`);
  }
  const kept = metadata.keptEpoch;
  if (kept !== undefined && !(Number.isInteger(kept) && kept >= 1 && kept <= metadata.epochsTrained)) {
    throw new ModelLoadError(
      `model keptEpoch ${JSON.stringify(kept)} is not one of its ${metadata.epochsTrained} epochs`,
    );
  }
  const calibration = metadata.calibration;
  const validTemperature = (t: unknown) => typeof t === 'number' && Number.isFinite(t) && t > 0;
  if (
    calibration !== undefined &&
    !(validTemperature(calibration?.single) && validTemperature(calibration?.mirrored))
  ) {
    throw new ModelLoadError(`model calibration ${JSON.stringify(calibration)} needs two temperatures above 0`);
  }
  const reference = metadata.neutralReference?.distribution;
  if (
    metadata.neutralReference !== undefined &&
    !(
      Array.isArray(reference) &&
      reference.length === EMOTIONS.length &&
      reference.every((p) => typeof p === 'number' && p >= 0 && p <= 1) &&
      Math.abs(reference.reduce((sum, p) => sum + p, 0) - 1) < 1e-3
    )
  ) {
    throw new ModelLoadError(`model neutralReference must be a distribution over the ${EMOTIONS.length} emotions`);
  }
  return metadata;
}

/** Bytes the weights file must have for these specs (float16 storage takes 2 per value). */
export function expectedWeightBytes(specs: tf.io.WeightsManifestEntry[]): number {
  const bytesPer = (s: tf.io.WeightsManifestEntry) =>
    s.quantization?.dtype === 'float16' ? 2 : s.quantization?.dtype === 'uint8' ? 1 : 4;
  return specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * bytesPer(s), 0);
}

export interface CheckedModelFolder {
  metadata: ModelMetadata;
  manifest: { modelTopology: object; weightsManifest: tf.io.WeightsManifestConfig };
  specs: tf.io.WeightsManifestEntry[];
  weights: Buffer;
}

/**
 * Checks every file of a model folder: metadata, model.json, and a weights file of exactly the
 * size its manifest needs. A refusal says why, in a ModelLoadError.
 */
export async function checkModelFolder(dir: string): Promise<CheckedModelFolder> {
  const metadata = await readMetadata(dir);
  let manifest: { modelTopology?: object; weightsManifest?: tf.io.WeightsManifestConfig };
  try {
    manifest = JSON.parse(await readFile(path.join(dir, MODEL_FILE), 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ModelLoadError(`${path.join(dir, MODEL_FILE)} is ${missing ? 'missing' : 'not valid JSON'}`);
  }
  const specs = (manifest.weightsManifest ?? []).flatMap((group) => group.weights);
  if (!manifest.modelTopology || !manifest.weightsManifest || specs.length === 0)
    throw new ModelLoadError(`${MODEL_FILE} has no topology or weights manifest`);
  let weights: Buffer;
  try {
    weights = await readFile(path.join(dir, WEIGHTS_FILE));
  } catch {
    throw new ModelLoadError(`${path.join(dir, WEIGHTS_FILE)} is missing`);
  }
  const expected = expectedWeightBytes(specs);
  if (weights.length !== expected) {
    throw new ModelLoadError(
      `${WEIGHTS_FILE} has ${weights.length} bytes where the manifest needs ${expected}: the file is truncated or does not belong to this model`,
    );
  }
  return {
    metadata,
    manifest: { modelTopology: manifest.modelTopology, weightsManifest: manifest.weightsManifest },
    specs,
    weights,
  };
}

export async function removeModel(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
