import * as tf from '@tensorflow/tfjs';
import { FACE_SIZE, NUM_CLASSES, topEmotionIndex } from '@shared/emotions';
import { FACE_PIXELS } from '../data/image';
import { blurFaces } from '../data/sharpness';
import type { Predictor } from './fused-inference';
import type { TestTimeViews } from './model-folder';

/**
 * testTimeFlip: average with the prediction for the mirrored face; testTimeShifts: also over the
 * face shifted by SHIFT_PIXELS up, down, left and right (edges reflected).
 */
export interface PredictOptions extends Partial<TestTimeViews> {
  batchSize?: number;
  /** Gaussian blur applied first, to match a model trained on blurrier faces (metadata.input.blurSigma). */
  blurSigma?: number;
}

/** How far testTimeShifts moves the face: 2 px of 48 measured best (68.4% against 67.7% mirrored only). */
export const SHIFT_PIXELS = 2;

/** The views of a batch to average over: the faces, shifted copies and mirror images, as asked. */
function testTimeViews(x: tf.Tensor4D, options: PredictOptions): tf.Tensor4D[] {
  const views = [x];
  if (options.testTimeShifts) {
    const s = SHIFT_PIXELS;
    const padded = tf.mirrorPad(
      x,
      [
        [0, 0],
        [s, s],
        [s, s],
        [0, 0],
      ],
      'reflect',
    );
    const [n] = x.shape;
    for (const [dy, dx] of [
      [-s, 0],
      [s, 0],
      [0, -s],
      [0, s],
    ])
      views.push(tf.slice(padded, [0, s + dy, s + dx, 0], [n, FACE_SIZE, FACE_SIZE, 1]));
  }
  if (options.testTimeFlip) for (const view of [...views]) views.push(tf.reverse(view, 2));
  return views;
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
      const views = testTimeViews(x, options);
      const predictions = views.map((view) => model.predict(view) as tf.Tensor);
      return predictions.length === 1 ? predictions[0] : tf.div(tf.addN(predictions), predictions.length);
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
