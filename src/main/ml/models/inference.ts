import * as tf from '@tensorflow/tfjs';
import { FACE_SIZE, NUM_CLASSES, topEmotionIndex } from '../../../shared/emotions';
import { FACE_PIXELS } from '../data/image';
import { blurFaces } from '../data/sharpness';
import type { Predictor } from './fused-inference';

export interface PredictOptions {
  batchSize?: number;
  /** Average with the prediction for the mirrored face. */
  testTimeFlip?: boolean;
  /** Gaussian blur applied first, to match a model trained on blurrier faces (metadata.input.blurSigma). */
  blurSigma?: number;
}

/** A batch of faces as model input: [n, 48, 48, 1] floats in [0, 1]. */
export function facesToTensor(faces: Float32Array | Uint8Array, count: number): tf.Tensor4D {
  return tf.tidy(() => {
    const raw = tf.tensor4d(faces.subarray(0, count * FACE_PIXELS), [count, FACE_SIZE, FACE_SIZE, 1], 'float32');
    return faces instanceof Uint8Array ? tf.div(raw, 255) : raw;
  });
}

/** Class probabilities for `faces` (FACE_PIXELS values per face), NUM_CLASSES per face. */
export async function predictProbabilities(
  model: Predictor,
  faces: Float32Array | Uint8Array,
  options: PredictOptions = {},
): Promise<Float32Array<ArrayBuffer>> {
  if (options.blurSigma && options.blurSigma > 0) {
    const blurred = blurFaces(faces, options.blurSigma);
    if (faces instanceof Uint8Array) for (let i = 0; i < blurred.length; i++) blurred[i] /= 255;
    faces = blurred;
  }
  const count = faces.length / FACE_PIXELS;
  const batchSize = options.batchSize ?? 128;
  const out = new Float32Array(count * NUM_CLASSES);
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    const probabilities = tf.tidy(() => {
      const x = facesToTensor(faces.subarray(start * FACE_PIXELS, (start + size) * FACE_PIXELS), size);
      const p = model.predict(x) as tf.Tensor;
      if (!options.testTimeFlip) return p;
      return tf.div(tf.add(p, model.predict(tf.reverse(x, 2)) as tf.Tensor), 2);
    });
    out.set(await probabilities.data(), start * NUM_CLASSES);
    probabilities.dispose();
  }
  return out;
}

/** Index of the largest of each row of NUM_CLASSES values. */
export function argmaxRows(probabilities: Float32Array): Uint8Array {
  const count = probabilities.length / NUM_CLASSES;
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = topEmotionIndex(probabilities, i * NUM_CLASSES);
  return out;
}
