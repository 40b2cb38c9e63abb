import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { FACE_SIZE, NUM_CLASSES } from '@shared/emotions';
import {
  checkModelFolder,
  writeMetadata,
  MODEL_FILE,
  ModelLoadError,
  WEIGHTS_FILE,
  writeAtomic,
  type ModelMetadata,
} from './model-folder';
import { errorMessage } from '@shared/errors';

export * from './model-folder';

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
      await writeMetadata(dir, metadata);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/** Loads a model folder, checking every file before TensorFlow.js sees it. */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const { metadata, manifest, specs, weights } = await checkModelFolder(dir);
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
    throw new ModelLoadError(`TensorFlow.js could not build the model: ${errorMessage(error)}`);
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
