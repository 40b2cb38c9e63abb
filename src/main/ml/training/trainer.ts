import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { EMOTIONS, FACE_SIZE, NUM_CLASSES } from '../../../shared/emotions';
import type { EpochRecord, EvaluationReport, RunProgress } from '../../../shared/training';
import { FACE_PIXELS } from '../data/image';
import { matchingBlurSigma } from '../data/sharpness';
import { DatasetError, type FaceDataset, type FaceSplit } from '../data/dataset';
import { applyTemperature, calibrationFrom, negativeLogLikelihood } from '../evaluation/calibration';
import { neutralReference } from '../evaluation/neutral-reference';
import { scoreProbabilities } from '../evaluation/evaluate-model';
import { classificationMetrics } from '../evaluation/metrics';
import { argmaxRows } from '../models/inference';
import { modelViews, temperatureFor, viewKind, type ModelMetadata, type TestTimeViews } from '../models/model-folder';
import type { BackendChoice } from '../runtime/backend';
import { nextMessage, siblingModule, spawnWorker } from '../runtime/spawn-worker';
import {
  BEST_EPOCH_PREFIX,
  bestEpochDir,
  CHECKPOINT_DIR,
  CHECKPOINT_STATE_FILE,
  type FromWorker,
  type ToWorker,
  type WorkerInit,
} from './protocol';
import { Random } from './random';
import { classWeights, learningRateAt, type Recipe } from './recipes';

export type TrainProgress =
  | {
      type: 'start';
      backend: BackendChoice;
      workers: number;
      parameters: number;
      trainImages: number;
      validationImages: number;
      /** Blur applied to validation faces to match blurrier training faces (0: none). */
      blurSigma: number;
      startEpoch: number;
      epochs: number;
      stepsPerEpoch: number;
    }
  | ({ type: 'batch'; learningRate: number } & RunProgress)
  | { type: 'epoch'; record: EpochRecord; tensors: number; etaSeconds: number }
  | { type: 'checkpoint'; epoch: number; dir: string; bestEpoch?: number };

export interface TrainOptions {
  dataset: FaceDataset;
  recipe: Recipe;
  /** The finished model is written here; its checkpoint in `<outDir>/checkpoint`. */
  outDir: string;
  seed?: number;
  /** Continue from `<outDir>/checkpoint` if there is one. */
  resume?: boolean;
  workers?: number;
  signal?: AbortSignal;
  onProgress?: (event: TrainProgress) => void;
  /** Fraction of train held out (stratified) when the dataset has no test split. */
  holdout?: number;
  /** Stop each epoch after this many batches (benchmarks and tests). */
  maxBatchesPerEpoch?: number;
  backendCandidates?: BackendChoice[];
  /** Model name written into its metadata. */
  name?: string;
  /** Start from this model folder's weights (fine-tuning); ignored when resuming from a checkpoint. */
  initFrom?: string;
  /** Awaited before every batch: resolves at once unless the run is paused. */
  waitIfPaused?: () => Promise<void>;
  /** Only time the training steps: no validation, checkpoints or saved model (the benchmark). */
  stepsOnly?: boolean;
}

/**
 * Where a data-parallel step's time goes, in ms per step averaged over the run (its first steps,
 * which compile kernels, left out): the forward and backward pass, the weight update (averaging
 * the replicas' gradients included), and `idle`, what a replica spends on neither: waiting for the
 * slower replica and for the coordinator's messages.
 */
export interface StepProfile {
  steps: number;
  step: number;
  compute: number;
  apply: number;
  idle: number;
}

export interface TrainResult {
  cancelled: boolean;
  /** Absent when no step ran. */
  stepProfile?: StepProfile;
  epochsTrained: number;
  /** The epoch whose weights the saved model holds (absent: no model was saved). */
  keptEpoch?: number;
  history: EpochRecord[];
  evaluation?: EvaluationReport;
  outDir: string;
  trainingSeconds: number;
}

export class TrainingCancelled extends Error {}

/** The dataset has fewer training images than one batch (callers say how to choose a smaller one). */
export class BatchTooLargeError extends Error {
  constructor(
    readonly batchSize: number,
    readonly trainImages: number,
  ) {
    super(`Need at least one batch of ${batchSize} training images, found ${trainImages}.`);
  }
}

interface CheckpointState {
  epoch: number;
  step: number;
  seed: number;
  history: EpochRecord[];
  trainingSeconds: number;
  fingerprint: string;
  recipe: Recipe;
  /** The best epoch so far, whose weights are in bestEpochDir(epoch) (runs that keep it). */
  best?: EpochRecord;
}

function toShared(array: Uint8Array): Uint8Array {
  const shared = new Uint8Array(new SharedArrayBuffer(array.byteLength));
  shared.set(array);
  return shared;
}

/** Stratified split of `split` into train and validation parts (`fraction` of each class held out). */
export function holdOut(split: FaceSplit, fraction: number, seed: number): { train: FaceSplit; validation: FaceSplit } {
  const random = new Random(seed);
  const byClass = Array.from({ length: NUM_CLASSES }, () => [] as number[]);
  split.labels.forEach((label, i) => byClass[label].push(i));
  const held = new Set<number>();
  for (const members of byClass) {
    random.shuffle(members);
    members.slice(0, Math.round(members.length * fraction)).forEach((i) => held.add(i));
  }
  const pick = (keep: (i: number) => boolean): FaceSplit => {
    const indices = [...split.labels.keys()].filter(keep);
    const images = new Uint8Array(indices.length * FACE_PIXELS);
    indices.forEach((src, dst) =>
      images.set(split.images.subarray(src * FACE_PIXELS, (src + 1) * FACE_PIXELS), dst * FACE_PIXELS),
    );
    return { images, labels: Uint8Array.from(indices, (i) => split.labels[i]) };
  };
  return { train: pick((i) => !held.has(i)), validation: pick((i) => held.has(i)) };
}

function countLabels(labels: Uint8Array): number[] {
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

/**
 * What a run trains and validates on: train and the test split, or without a test split, train
 * minus a stratified `holdout` fraction held out with `seed`.
 */
export function trainingSplits(
  dataset: FaceDataset,
  holdout: number,
  seed: number,
): { train: FaceSplit; validation: FaceSplit; validationFrom: 'test' | 'held-out train' } {
  const train = dataset.splits.train;
  if (!train) throw new DatasetError(`${dataset.report.source} has no training images`);
  if (dataset.splits.test) return { train, validation: dataset.splits.test, validationFrom: 'test' };
  return { ...holdOut(train, holdout, seed), validationFrom: 'held-out train' };
}

class WorkerPool {
  private constructor(readonly workers: Worker[]) {}

  static async start(
    inits: WorkerInit[],
  ): Promise<{ pool: WorkerPool; ready: Extract<FromWorker, { type: 'ready' }> }> {
    const workers = inits.map((init) =>
      spawnWorker(siblingModule(import.meta.url, 'train-worker'), { workerData: init }),
    );
    const pool = new WorkerPool(workers);
    const replies = await Promise.all(workers.map((w) => pool.receive(w)));
    return { pool, ready: replies[0] as Extract<FromWorker, { type: 'ready' }> };
  }

  async receive(worker: Worker): Promise<FromWorker> {
    const message = await nextMessage<FromWorker>(worker);
    if (message.type === 'error') throw new Error(`training worker: ${message.message}`);
    return message;
  }

  post(worker: Worker, message: ToWorker, transfer: ArrayBuffer[] = []): void {
    worker.postMessage(message, transfer);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Removes the best-epoch folders other than `keep`'s: superseded ones, and one a crash left unrecorded. */
async function removeStaleBest(checkpointDir: string, keep: number | undefined): Promise<void> {
  const current = keep === undefined ? undefined : bestEpochDir(keep);
  const stale = (await readdir(checkpointDir)).filter((name) => name.startsWith(BEST_EPOCH_PREFIX) && name !== current);
  await Promise.all(stale.map((name) => rm(path.join(checkpointDir, name), { recursive: true, force: true })));
}

async function readCheckpoint(dir: string): Promise<CheckpointState | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, CHECKPOINT_STATE_FILE), 'utf8')) as CheckpointState;
  } catch {
    return undefined;
  }
}

/**
 * Trains a model with data-parallel worker threads (one per core by default), validating after
 * every epoch and checkpointing so that a cancelled or crashed run can resume.
 */
export async function trainModel(options: TrainOptions): Promise<TrainResult> {
  const { dataset, recipe, outDir } = options;
  const seed = options.seed ?? 1;
  const checkpointDir = path.join(outDir, CHECKPOINT_DIR);
  let state: CheckpointState = {
    epoch: 0,
    step: 0,
    seed,
    history: [],
    trainingSeconds: 0,
    fingerprint: dataset.fingerprint,
    recipe,
  };
  let resumeFrom: string | undefined;
  if (options.resume) {
    const saved = await readCheckpoint(checkpointDir);
    if (saved) {
      if (saved.fingerprint !== dataset.fingerprint)
        throw new Error('The checkpoint was trained on a different dataset; start a new run instead.');
      if (saved.recipe.architecture !== recipe.architecture) {
        throw new Error(`The checkpoint is a ${saved.recipe.architecture} model, not ${recipe.architecture}.`);
      }
      state = { ...saved, recipe: { ...saved.recipe, epochs: recipe.epochs } };
      resumeFrom = checkpointDir;
    }
  }
  const activeRecipe = state.recipe;

  const split = trainingSplits(dataset, options.holdout ?? 0.1, state.seed);
  const trainCount = split.train.labels.length;
  // Checked before any worker starts, so a too-small dataset cannot leave threads running.
  const batchesPerEpoch = Math.min(
    Math.floor(trainCount / activeRecipe.batchSize),
    options.maxBatchesPerEpoch ?? Infinity,
  );
  if (batchesPerEpoch < 1) throw new BatchTooLargeError(activeRecipe.batchSize, trainCount);
  const blurSigma = activeRecipe.matchInputSharpness
    ? matchingBlurSigma(split.train.images, split.validation.images)
    : 0;
  const validationCount = split.validation.labels.length;
  const workerCount = Math.max(1, Math.min(options.workers ?? availableParallelism(), activeRecipe.batchSize));
  const shared = {
    trainImages: toShared(split.train.images),
    trainLabels: toShared(split.train.labels),
    valImages: toShared(split.validation.images),
    valLabels: toShared(split.validation.labels),
  };
  const seeds = new Random(state.seed);
  const initSeed = seeds.fork();
  const { pool, ready } = await WorkerPool.start(
    Array.from({ length: workerCount }, () => ({
      recipe: activeRecipe,
      initSeed,
      ...shared,
      resumeFrom,
      initFrom: resumeFrom ? undefined : options.initFrom,
      classWeights: activeRecipe.classWeighting
        ? classWeights(countLabels(split.train.labels), activeRecipe.classWeightPower)
        : undefined,
      backendCandidates: options.backendCandidates,
    })),
  );
  const [lead] = pool.workers;

  const stepsPerEpoch = Math.floor(trainCount / activeRecipe.batchSize);
  const emit = options.onProgress ?? (() => undefined);
  emit({
    type: 'start',
    backend: ready.backend,
    workers: workerCount,
    parameters: ready.parameters,
    trainImages: trainCount,
    validationImages: validationCount,
    blurSigma,
    startEpoch: state.epoch,
    epochs: activeRecipe.epochs,
    stepsPerEpoch: batchesPerEpoch,
  });

  const labels = split.validation.labels;
  /** Every replica re-estimates batch-norm statistics from the same faces, so they agree. */
  const recalibrate = (seed: number) =>
    Promise.all(
      pool.workers.map(async (worker) => {
        pool.post(worker, { type: 'recalibrate', seed });
        await pool.receive(worker);
      }),
    );
  /** The model's raw probabilities for every validation face, the work shared by the replicas. */
  const predictValidation = async (views: TestTimeViews): Promise<Float32Array> => {
    const per = Math.ceil(validationCount / workerCount);
    const parts = await Promise.all(
      pool.workers.map(async (worker, i) => {
        const start = Math.min(validationCount, i * per);
        const end = Math.min(validationCount, start + per);
        pool.post(worker, { type: 'predict', start, end, views, blurSigma });
        return ((await pool.receive(worker)) as Extract<FromWorker, { type: 'predictions' }>).probabilities;
      }),
    );
    const probabilities = new Float32Array(validationCount * NUM_CLASSES);
    let offset = 0;
    for (const part of parts) {
      probabilities.set(part, offset);
      offset += part.length;
    }
    return probabilities;
  };

  const metadataFor = (
    epochsTrained: number,
    final?: { evaluation: EvaluationReport; calibration: ModelMetadata['calibration'] },
  ): ModelMetadata => ({
    formatVersion: 1,
    name: options.name ?? activeRecipe.architecture,
    architecture: activeRecipe.architecture,
    labels: [...EMOTIONS],
    input: { width: FACE_SIZE, height: FACE_SIZE, channels: 1, normalisation: 'pixel / 255', blurSigma },
    recipe: activeRecipe,
    epochsTrained,
    dataset: {
      source: dataset.report.source,
      fingerprint: dataset.fingerprint,
      trainImages: trainCount,
      validationImages: validationCount,
    },
    evaluation: final?.evaluation,
    calibration: final?.calibration,
    history: state.history,
    backend: ready.backend,
    trainingSeconds: Math.round(state.trainingSeconds),
    createdAt: new Date().toISOString(),
    weightsDtype: 'float32',
  });

  const replicas = pool.workers.length;
  const slots = new Float32Array(new SharedArrayBuffer(2 * replicas * ready.gradientLength * 4));
  pool.workers.forEach((worker, replica) => pool.post(worker, { type: 'share', slots, replica, replicas }));
  const profile = { steps: 0, step: 0, compute: 0, apply: 0, idle: 0 };
  /** When this epoch's previous step started; steps run by this process (the first compiles kernels). */
  let stepStartedAt: number | undefined;
  let stepsRun = 0;
  let cancelled = false;
  try {
    for (let epoch = state.epoch; epoch < activeRecipe.epochs; epoch++) {
      const epochStart = performance.now();
      stepStartedAt = undefined; // an epoch's end (validation, checkpoint) is no part of a step
      const order = new Random(state.seed + 104729 * (epoch + 1)).shuffle(
        Int32Array.from({ length: trainCount }, (_, i) => i),
      );
      const stepSeeds = new Random(state.seed ^ (epoch * 2654435761));
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let learningRate = 0;
      for (let batch = 0; batch < batchesPerEpoch; batch++) {
        await options.waitIfPaused?.();
        if (options.signal?.aborted) throw new TrainingCancelled();
        const indices = order.subarray(batch * activeRecipe.batchSize, (batch + 1) * activeRecipe.batchSize);
        const per = Math.ceil(indices.length / workerCount);
        const stepStarted = performance.now();
        const replies = await Promise.all(
          pool.workers.map(async (worker, i) => {
            pool.post(worker, {
              type: 'step',
              indices: indices.slice(i * per, (i + 1) * per),
              stepSeed: stepSeeds.fork(),
              parity: state.step % 2,
            });
            return (await pool.receive(worker)) as Extract<FromWorker, { type: 'gradients' }>;
          }),
        );
        for (const reply of replies) {
          lossSum += reply.lossSum;
          correct += reply.correct;
          seen += reply.count;
        }
        learningRate = learningRateAt(activeRecipe, state.step, stepsPerEpoch);
        for (const worker of pool.workers)
          pool.post(worker, { type: 'apply', parity: state.step % 2, batchSize: indices.length, learningRate });
        if (stepStartedAt !== undefined && stepsRun >= 2) {
          // A whole step, from one step's start to the next: the replies carry the previous update.
          const step = stepStarted - stepStartedAt;
          const compute = replies.reduce((sum, r) => sum + r.computeMs, 0) / replies.length;
          const apply = replies.reduce((sum, r) => sum + r.applyMs, 0) / replies.length;
          profile.steps++;
          profile.step += step;
          profile.compute += compute;
          profile.apply += apply;
          profile.idle += step - compute - apply;
        }
        stepStartedAt = stepStarted;
        stepsRun++;
        state.step++;
        const elapsed = (performance.now() - epochStart) / 1000;
        const imagesPerSecond = seen / elapsed;
        const remainingBatches = batchesPerEpoch - batch - 1 + (activeRecipe.epochs - epoch - 1) * batchesPerEpoch;
        emit({
          type: 'batch',
          epoch: epoch + 1,
          batch: batch + 1,
          batches: batchesPerEpoch,
          loss: lossSum / seen,
          accuracy: correct / seen,
          imagesPerSecond,
          etaSeconds: (remainingBatches * activeRecipe.batchSize) / imagesPerSecond,
          learningRate,
        });
      }
      if (options.stepsOnly) {
        state.epoch = epoch + 1;
        continue;
      }
      await recalibrate(state.seed + epoch);
      const probabilities = await predictValidation({ testTimeFlip: false });
      const validationAccuracy = classificationMetrics(labels, argmaxRows(probabilities)).accuracy;
      const seconds = (performance.now() - epochStart) / 1000;
      state.trainingSeconds += seconds;
      const record: EpochRecord = {
        epoch: epoch + 1,
        loss: lossSum / seen,
        accuracy: correct / seen,
        valLoss: negativeLogLikelihood(probabilities, labels),
        valAccuracy: validationAccuracy,
        seconds,
        learningRate,
      };
      state.history.push(record);
      state.epoch = epoch + 1;
      pool.post(lead, { type: 'stats' });
      const stats = (await pool.receive(lead)) as Extract<FromWorker, { type: 'stats' }>;
      emit({ type: 'epoch', record, tensors: stats.tensors, etaSeconds: seconds * (activeRecipe.epochs - epoch - 1) });

      // Checkpoint: weights written first, state last, so a crash mid-write keeps the old one usable.
      await mkdir(checkpointDir, { recursive: true });
      if (activeRecipe.keepBestEpoch && (!state.best || record.valAccuracy > state.best.valAccuracy)) {
        const dir = path.join(checkpointDir, bestEpochDir(record.epoch));
        await mkdir(dir, { recursive: true });
        pool.post(lead, { type: 'save', dir, metadata: metadataFor(state.epoch), withOptimizer: false });
        await pool.receive(lead);
        state.best = record;
      }
      pool.post(lead, { type: 'save', dir: checkpointDir, metadata: metadataFor(state.epoch), withOptimizer: true });
      await pool.receive(lead);
      await writeFile(path.join(checkpointDir, CHECKPOINT_STATE_FILE), JSON.stringify(state));
      await removeStaleBest(checkpointDir, state.best?.epoch);
      emit({ type: 'checkpoint', epoch: state.epoch, dir: checkpointDir, bestEpoch: state.best?.epoch });
    }
  } catch (error) {
    if (!(error instanceof TrainingCancelled)) {
      await pool.close();
      throw error;
    }
    cancelled = true;
  }

  let evaluation: EvaluationReport | undefined;
  let keptEpoch: number | undefined;
  if (!cancelled && !options.stepsOnly) {
    // The saved model is the last epoch's, or the best one's when the recipe keeps it, and the
    // report describes exactly those weights, with the batch-norm statistics their epoch was
    // validated with (re-estimating them again would make the report disagree with the history).
    keptEpoch = activeRecipe.keepBestEpoch && state.best ? state.best.epoch : state.epoch;
    if (keptEpoch !== state.epoch) {
      const dir = path.join(checkpointDir, bestEpochDir(keptEpoch));
      await Promise.all(
        pool.workers.map(async (worker) => {
          pool.post(worker, { type: 'load', dir });
          await pool.receive(worker);
        }),
      );
    }
    const views = modelViews({ recipe: activeRecipe });
    const single = await predictValidation({ testTimeFlip: false });
    const mirrored = await predictValidation({ testTimeFlip: true });
    const shifted = views.testTimeShifts ? await predictValidation(views) : undefined;
    const calibration = calibrationFrom({ single, mirrored, shifted }, labels, split.validationFrom);
    const raw = { single, mirrored, shifted: shifted ?? mirrored }[viewKind(views)];
    evaluation = scoreProbabilities(labels, raw, {
      split: split.validationFrom,
      ...views,
      temperature: temperatureFor({ calibration }, views),
    }).report;
    const reference = neutralReference(applyTemperature(single, calibration.single), labels);
    const metadata = {
      ...metadataFor(state.epoch, { evaluation, calibration }),
      keptEpoch,
      ...(reference ? { neutralReference: { ...reference, split: split.validationFrom } } : {}),
      weightsDtype: 'float16' as const,
    };
    pool.post(lead, { type: 'save', dir: outDir, metadata, withOptimizer: false });
    await pool.receive(lead);
    await rm(checkpointDir, { recursive: true, force: true });
  }
  await pool.close();
  const { steps, ...totals } = profile;
  const stepProfile =
    steps > 0
      ? { steps, ...(Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, v / steps])) as typeof totals) }
      : undefined;
  return {
    cancelled,
    stepProfile,
    epochsTrained: state.epoch,
    keptEpoch,
    history: state.history,
    evaluation,
    outDir,
    trainingSeconds: state.trainingSeconds,
  };
}
