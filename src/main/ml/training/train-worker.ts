/**
 * One data-parallel training replica. Each worker owns a TensorFlow.js runtime and a full copy of
 * the model; per step it computes gradients for its share of the batch, and every replica applies
 * the same averaged gradients, so the copies stay identical (batch-norm statistics aside).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { FACE_PIXELS } from '../data/image';
import { initBackend } from '../runtime/backend';
import { buildModel } from '../models/architectures';
import { facesToTensor, predictProbabilities } from '../models/inference';
import { loadModel, saveModel } from '../models/model-io';
import { augmentFace, faceToFloats } from './augment';
import {
  OPTIMIZER_FILE,
  OPTIMIZER_MANIFEST,
  type FromWorker,
  type GradientSlots,
  type ToWorker,
  type WorkerInit,
} from './protocol';
import { Random } from './random';
import { NUM_CLASSES } from '@shared/emotions';
import { errorMessage } from '@shared/errors';

const init = workerData as WorkerInit;
const port = parentPort!;
const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

/**
 * tf.js draws weight initialisers and dropout masks from Math.random when no seed is given;
 * seeding it in this thread (which runs nothing else) makes runs reproducible.
 */
function seedMathRandom(seed: number): void {
  const random = new Random(seed);
  Math.random = () => random.next();
}

async function start() {
  const report = await initBackend({ candidates: init.backendCandidates });
  seedMathRandom(init.initSeed);
  const startFrom = init.resumeFrom ?? init.initFrom;
  const model = startFrom
    ? (await loadModel(startFrom)).model
    : buildModel(init.recipe.architecture, init.recipe.widths);
  const optimizer = tf.train.adam(init.recipe.learningRate, 0.9, 0.999, init.recipe.epsilon);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const sizes = variables.map((v) => v.size);
  const gradientLength = sizes.reduce((a, b) => a + b, 0);
  if (init.resumeFrom) await restoreOptimizer(optimizer, init.resumeFrom);
  const classWeights = init.classWeights ? tf.tensor1d(init.classWeights) : undefined;
  return { report, model, optimizer, variables, sizes, gradientLength, classWeights };
}

async function restoreOptimizer(optimizer: tf.Optimizer, dir: string): Promise<void> {
  const manifest = JSON.parse(await readFile(path.join(dir, OPTIMIZER_MANIFEST), 'utf8')) as {
    name: string;
    shape: number[];
  }[];
  const bytes = await readFile(path.join(dir, OPTIMIZER_FILE));
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  let offset = 0;
  const weights = manifest.map(({ name, shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const tensor = tf.tensor(values.subarray(offset, offset + size), shape);
    offset += size;
    return { name, tensor };
  });
  await optimizer.setWeights(weights);
  tf.dispose(weights.map((w) => w.tensor)); // setWeights copies them into variables
}

async function saveOptimizer(optimizer: tf.Optimizer, dir: string): Promise<void> {
  const weights = await optimizer.getWeights();
  const manifest = weights.map((w) => ({ name: w.name, shape: w.tensor.shape }));
  const arrays = await Promise.all(weights.map((w) => w.tensor.data() as Promise<Float32Array>));
  const total = arrays.reduce((a, b) => a + b.length, 0);
  const all = new Float32Array(total);
  let offset = 0;
  for (const array of arrays) {
    all.set(array, offset);
    offset += array.length;
  }
  await writeFile(path.join(dir, OPTIMIZER_FILE), new Uint8Array(all.buffer));
  await writeFile(path.join(dir, OPTIMIZER_MANIFEST), JSON.stringify(manifest));
  // getWeights() makes a fresh 'iter' scalar on each call; the rest are the optimizer's own variables.
  weights.filter((w) => w.name === 'iter').forEach((w) => w.tensor.dispose());
}

const ready = start();

function makeBatch(indices: Int32Array, random: Random): Float32Array {
  const batch = new Float32Array(indices.length * FACE_PIXELS);
  const augment = init.recipe.augment;
  indices.forEach((index, i) => {
    if (augment) augmentFace(init.trainImages, index * FACE_PIXELS, batch, i * FACE_PIXELS, random, augment);
    else faceToFloats(init.trainImages, index * FACE_PIXELS, batch, i * FACE_PIXELS);
  });
  return batch;
}

/** Batches of clean training faces used to re-estimate batch-norm statistics. */
const RECALIBRATION_BATCHES = 16;
const RECALIBRATION_BATCH_SIZE = 128;

/**
 * "Precise BN" (Wu & Johnson, 2021): the moving averages kept during training lag behind weights
 * that change every step and saw augmented faces, which cost this model several points of
 * accuracy. Before validating or saving, average the exact statistics of clean training batches.
 */
function recalibrateBatchNorm(model: tf.LayersModel, seed: number): void {
  // tfjs-layers reads `momentum` on every call but does not expose it in its types.
  const norms = model.layers.filter((l) => l.getClassName() === 'BatchNormalization') as unknown as {
    momentum: number;
  }[];
  if (norms.length === 0) return;
  const saved = norms.map((n) => n.momentum);
  const random = new Random(seed);
  const count = init.trainLabels.length;
  const batch = new Float32Array(RECALIBRATION_BATCH_SIZE * FACE_PIXELS);
  for (let k = 1; k <= RECALIBRATION_BATCHES; k++) {
    for (let i = 0; i < RECALIBRATION_BATCH_SIZE; i++)
      faceToFloats(init.trainImages, random.int(count) * FACE_PIXELS, batch, i * FACE_PIXELS);
    // With momentum (k-1)/k the moving value becomes the mean over the k batches seen so far.
    norms.forEach((n) => (n.momentum = (k - 1) / k));
    tf.tidy(() => {
      model.apply(facesToTensor(batch, RECALIBRATION_BATCH_SIZE), { training: true });
    });
  }
  norms.forEach((n, i) => (n.momentum = saved[i]));
}

/** How long the last weight update took, reported with the next step's gradients. */
let lastApplyMs = 0;
let shared: GradientSlots | undefined;
/** The averaged gradients, reused from step to step. */
let average: Float32Array | undefined;

/** This replica's slot for a step of `parity` (see GradientSlots). */
function slot(parity: number, replica: number, length: number): Float32Array {
  const { slots, replicas } = shared!;
  const start = (parity * replicas + replica) * length;
  return slots.subarray(start, start + length);
}

async function handle(message: ToWorker): Promise<void> {
  const { model, optimizer, variables, sizes, gradientLength, classWeights } = await ready;
  const started = performance.now();
  switch (message.type) {
    case 'share': {
      shared = message;
      return;
    }
    case 'step': {
      const count = message.indices.length;
      const labels = Int32Array.from(message.indices, (i) => init.trainLabels[i]);
      let correct = 0;
      let lossSum = 0;
      const gradients = slot(message.parity, shared!.replica, gradientLength);
      const draws = new Random(message.stepSeed);
      seedMathRandom(draws.fork()); // dropout masks
      const grads = tf.tidy(() => {
        const x = facesToTensor(makeBatch(message.indices, draws), count);
        const labelTensor = tf.tensor1d(labels, 'int32');
        const smoothing = init.recipe.labelSmoothing;
        let target = tf.add(tf.mul(tf.oneHot(labelTensor, NUM_CLASSES), 1 - smoothing), smoothing / NUM_CLASSES);
        const distillation = init.recipe.distillation;
        if (init.teacherTargets && distillation) {
          // Blend in the teacher's soft targets for these faces (the same rows on every replica).
          const soft = new Float32Array(count * NUM_CLASSES);
          message.indices.forEach((face, k) =>
            soft.set(init.teacherTargets!.subarray(face * NUM_CLASSES, (face + 1) * NUM_CLASSES), k * NUM_CLASSES),
          );
          const teacher = tf.tensor2d(soft, [count, NUM_CLASSES]);
          target = tf.add(tf.mul(target, 1 - distillation.weight), tf.mul(teacher, distillation.weight));
        }
        const { value, grads } = tf.variableGrads(() => {
          const p = model.apply(x, { training: true }) as tf.Tensor;
          let perSample = tf.neg(tf.sum(tf.mul(target, tf.log(tf.clipByValue(p, 1e-7, 1 - 1e-7))), -1));
          if (classWeights) perSample = tf.mul(perSample, tf.gather(classWeights, labelTensor));
          correct = tf.sum(tf.cast(tf.equal(tf.argMax(p, -1), labelTensor), 'int32')).arraySync() as number;
          return tf.mean(perSample) as tf.Scalar;
        }, variables);
        lossSum = (value.arraySync() as number) * count;
        return variables.map((v) => grads[v.name]);
      });
      let offset = 0;
      for (let i = 0; i < grads.length; i++) {
        gradients.set(grads[i].dataSync() as Float32Array, offset);
        offset += sizes[i];
      }
      tf.dispose(grads);
      // The coordinator averages over the whole batch: send sums, not this worker's mean.
      for (let i = 0; i < gradients.length; i++) gradients[i] *= count;
      send({
        type: 'gradients',
        lossSum,
        correct,
        count,
        computeMs: performance.now() - started,
        applyMs: lastApplyMs,
      });
      return;
    }
    case 'apply': {
      // Keras-style schedules change the rate per step; tf.js's Adam reads this field every step.
      (optimizer as unknown as { learningRate: number }).learningRate = message.learningRate;
      // Every replica adds the slots in the same order, so all of them apply identical gradients.
      const mean = (average ??= new Float32Array(gradientLength)).fill(0);
      for (let replica = 0; replica < shared!.replicas; replica++) {
        const sums = slot(message.parity, replica, gradientLength);
        for (let k = 0; k < gradientLength; k++) mean[k] += sums[k];
      }
      for (let k = 0; k < gradientLength; k++) mean[k] /= message.batchSize;
      let offset = 0;
      const named = variables.map((v, i) => {
        const tensor = tf.tensor(mean.subarray(offset, offset + sizes[i]), v.shape);
        offset += sizes[i];
        return { name: v.name, tensor };
      });
      optimizer.applyGradients(named);
      tf.dispose(named.map((n) => n.tensor));
      lastApplyMs = performance.now() - started;
      return;
    }
    case 'recalibrate': {
      recalibrateBatchNorm(model, message.seed);
      send({ type: 'recalibrated' });
      return;
    }
    case 'predict': {
      const images = init.valImages.subarray(message.start * FACE_PIXELS, message.end * FACE_PIXELS);
      const probabilities = await predictProbabilities(model, images, {
        ...message.views,
        blurSigma: message.blurSigma,
      });
      send({ type: 'predictions', probabilities }, [probabilities.buffer]);
      return;
    }
    case 'save': {
      await saveModel(message.dir, model, message.metadata);
      if (message.withOptimizer) await saveOptimizer(optimizer, message.dir);
      send({ type: 'saved' });
      return;
    }
    case 'load': {
      const { model: saved } = await loadModel(message.dir);
      model.setWeights(saved.getWeights()); // assigns into the same variables the optimizer holds
      saved.dispose();
      send({ type: 'loaded' });
      return;
    }
    case 'stats': {
      const memory = tf.memory();
      send({ type: 'stats', tensors: memory.numTensors, bytes: memory.numBytes });
      return;
    }
  }
}

// Messages are handled strictly in order: an 'apply' must finish before the next 'step'.
let queue: Promise<void> = ready.then(
  ({ report, model, gradientLength }) =>
    send({ type: 'ready', backend: report.backend, parameters: model.countParams(), gradientLength }),
  (error: unknown) => send({ type: 'error', message: errorMessage(error) }),
);
port.on('message', (message: ToWorker) => {
  queue = queue
    .then(() => handle(message))
    .catch((error: unknown) => send({ type: 'error', message: errorMessage(error) }));
});
