import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { EMOTIONS, FACE_SIZE, NUM_CLASSES } from '../../../shared/emotions';
import type { EvaluationReport } from '../evaluation/metrics';
import type { Recipe } from '../training/recipes';
import type { Architecture } from './architectures';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const METADATA_FILE = 'metadata.json';

export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
  seconds: number;
  learningRate: number;
}

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
  dataset: { source: string; fingerprint: string; trainImages: number; validationImages: number };
  /** On the validation/test split, when measured. */
  evaluation?: EvaluationReport & { split: string };
  history: EpochRecord[];
  backend: string;
  trainingSeconds: number;
  createdAt: string;
  weightsDtype: 'float32' | 'float16';
}

export class ModelLoadError extends Error {}

export interface LoadedModel {
  model: tf.LayersModel;
  metadata: ModelMetadata;
}

// --- float16 storage: half the size of float32, and accuracy-neutral for these models ---

const float32 = new Float32Array(1);
const bits32 = new Uint32Array(float32.buffer);

function toHalf(value: number): number {
  float32[0] = value;
  const x = bits32[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = ((x >>> 23) & 0xff) - 127 + 15;
  const mantissa = x & 0x7fffff;
  if (exponent <= 0) {
    if (exponent < -10) return sign; // underflows to zero
    const m = (mantissa | 0x800000) >>> (1 - exponent);
    return sign | ((m + 0x1000) >>> 13);
  }
  if (exponent >= 31) return sign | 0x7c00; // overflow to infinity
  return (sign | (exponent << 10) | (mantissa >>> 13)) + ((mantissa >>> 12) & 1);
}

function encodeHalf(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toHalf(values[i]);
  return out;
}

async function writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${file}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, file);
}

/** Saves a layers model and its metadata into `dir` (created if needed). */
export async function saveModel(dir: string, model: tf.LayersModel, metadata: ModelMetadata): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      let specs = artifacts.weightSpecs ?? [];
      let weightBytes: Uint8Array = new Uint8Array(
        tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0)),
      );
      if (metadata.weightsDtype === 'float16') {
        const floats = new Float32Array(weightBytes.buffer, weightBytes.byteOffset, weightBytes.byteLength / 4);
        if (specs.some((s) => s.dtype !== 'float32')) throw new Error('float16 storage needs float32 weights');
        weightBytes = new Uint8Array(encodeHalf(floats).buffer);
        specs = specs.map((s) => ({ ...s, quantization: { dtype: 'float16' as const } }));
      }
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }],
      };
      await writeAtomic(path.join(dir, WEIGHTS_FILE), weightBytes);
      await writeAtomic(path.join(dir, MODEL_FILE), JSON.stringify(modelJson));
      await writeAtomic(path.join(dir, METADATA_FILE), `${JSON.stringify(metadata, null, 2)}\n`);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
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
  return metadata;
}

function expectedWeightBytes(specs: tf.io.WeightsManifestEntry[]): number {
  const bytesPer = (s: tf.io.WeightsManifestEntry) =>
    s.quantization?.dtype === 'float16' ? 2 : s.quantization?.dtype === 'uint8' ? 1 : 4;
  return specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * bytesPer(s), 0);
}

/** Loads a model folder, checking every file before TensorFlow.js sees it. */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const metadata = await readMetadata(dir);
  let manifest: { modelTopology?: object; weightsManifest?: tf.io.WeightsManifestConfig };
  try {
    manifest = JSON.parse(await readFile(path.join(dir, MODEL_FILE), 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ModelLoadError(`${path.join(dir, MODEL_FILE)} is ${missing ? 'missing' : 'not valid JSON'}`);
  }
  const specs = (manifest.weightsManifest ?? []).flatMap((group) => group.weights);
  if (!manifest.modelTopology || specs.length === 0)
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
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: manifest.modelTopology,
        weightSpecs: specs,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      }),
    );
  } catch (error) {
    throw new ModelLoadError(
      `TensorFlow.js could not build the model: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const input = model.inputs[0].shape;
  const output = model.outputs[0].shape;
  if (input.join() !== [null, FACE_SIZE, FACE_SIZE, 1].join() || output.join() !== [null, NUM_CLASSES].join()) {
    model.dispose();
    throw new ModelLoadError(
      `model shape ${JSON.stringify(input)} -> ${JSON.stringify(output)} is not faces -> ${NUM_CLASSES} emotions`,
    );
  }
  return { model, metadata };
}

export async function removeModel(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
