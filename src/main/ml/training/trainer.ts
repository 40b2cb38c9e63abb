/*
 * Over 400 lines on purpose: a run's steps (resume, plan, each epoch's steps, validation and
 * checkpoint, finish) read top to bottom as one story over one Run; the pool, the checkpoint files,
 * the options and the data split live in their own modules beside it.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { EMOTIONS, FACE_SIZE, NUM_CLASSES } from '@shared/emotions';
import type { EpochRecord, EvaluationReport } from '@shared/training';
import { DatasetError, type FaceDataset, type FaceSplit } from '../data/dataset';
import { matchingBlurSigma } from '../data/sharpness';
import { trainingSplits } from '../data/split';
import { applyTemperature, calibrationFrom, negativeLogLikelihood } from '../evaluation/calibration';
import { neutralReference } from '../evaluation/neutral-reference';
import { scoreProbabilities } from '../evaluation/evaluate-model';
import { classificationMetrics } from '../evaluation/metrics';
import { argmaxRows } from '../models/inference';
import { modelViews, temperatureFor, viewKind, type ModelMetadata, type TestTimeViews } from '../models/model-folder';
import { readCheckpoint, removeStaleBest, type CheckpointState } from './checkpoint';
import { bestEpochDir, CHECKPOINT_DIR, CHECKPOINT_STATE_FILE, type FromWorker } from './protocol';
import { Random } from './random';
import { classWeights, DEFAULT_DISTILLATION, learningRateAt, type Recipe } from './recipes';
import { softenedTargets, teacherProbabilities } from './teacher-cache';
import { WorkerPool } from './worker-pool';
import {
  BatchTooLargeError,
  TrainingCancelled,
  type StepProfile,
  type TrainOptions,
  type TrainProgress,
  type TrainResult,
} from './train-options';

export * from './train-options';

function toShared(array: Uint8Array): Uint8Array {
  const shared = new Uint8Array(new SharedArrayBuffer(array.byteLength));
  shared.set(array);
  return shared;
}

function countLabels(labels: Uint8Array): number[] {
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

/** A run's state before its first step: a new one, or where its checkpoint left off. */
export async function resumeState(
  options: Pick<
    TrainOptions,
    'dataset' | 'recipe' | 'outDir' | 'seed' | 'resume' | 'teacher' | 'teacherName' | 'teacherDataset'
  >,
): Promise<{ state: CheckpointState; resumeFrom?: string }> {
  const { dataset } = options;
  const recipe: Recipe = options.teacher
    ? {
        ...options.recipe,
        distillation: {
          ...DEFAULT_DISTILLATION,
          ...options.recipe.distillation,
          teacher: options.teacherName ?? path.basename(options.teacher),
          ...(options.teacherDataset && { teacherFaces: options.teacherDataset.fingerprint }),
        },
      }
    : options.recipe;
  const fresh: CheckpointState = {
    epoch: 0,
    step: 0,
    seed: options.seed ?? 1,
    history: [],
    trainingSeconds: 0,
    fingerprint: dataset.fingerprint,
    recipe,
    teacherDir: options.teacher,
  };
  const checkpointDir = path.join(options.outDir, CHECKPOINT_DIR);
  const saved = options.resume ? await readCheckpoint(checkpointDir) : undefined;
  if (!saved) return { state: fresh };
  if (saved.fingerprint !== dataset.fingerprint)
    throw new Error('The checkpoint was trained on a different dataset; start a new run instead.');
  if (saved.recipe.architecture !== recipe.architecture)
    throw new Error(`The checkpoint is a ${saved.recipe.architecture} model, not ${recipe.architecture}.`);
  if (saved.recipe.distillation?.teacherFaces !== options.teacherDataset?.fingerprint)
    throw new Error("The checkpoint's teacher was shown other faces; resume with the same teacher data.");
  return { state: { ...saved, recipe: { ...saved.recipe, epochs: recipe.epochs } }, resumeFrom: checkpointDir };
}

/** A distilled run's soft targets, computed or read from the cache before any worker starts. */
async function teacherTargets(
  options: TrainOptions,
  state: CheckpointState,
  plan: Plan,
): Promise<Float32Array | undefined> {
  const distillation = state.recipe.distillation;
  if (!state.teacherDir || !distillation) return undefined;
  const faces = options.teacherDataset
    ? sameFacesOtherwiseFramed(options.teacherDataset, plan.split.train, options.holdout ?? 0.1, state.seed)
    : plan.split.train;
  const { probabilities, cached, file } = await teacherProbabilities(state.teacherDir, faces.images, {
    cacheDir: options.cacheDir,
    backendCandidates: options.backendCandidates,
    onComputing: () =>
      options.onProgress?.({
        type: 'teacher-computing',
        teacher: state.teacherDir!,
        faces: plan.split.train.labels.length,
      }),
  });
  options.onProgress?.({ type: 'teacher', teacher: state.teacherDir, cached, file });
  const soft = softenedTargets(probabilities, distillation.temperature);
  const shared = new Float32Array(new SharedArrayBuffer(soft.byteLength));
  shared.set(soft);
  return shared;
}

/** The teacher's copy of the training faces, checked to hold the same faces: as many, labelled alike. */
function sameFacesOtherwiseFramed(dataset: FaceDataset, train: FaceSplit, holdout: number, seed: number): FaceSplit {
  const theirs = trainingSplits(dataset, holdout, seed).train;
  const mismatch = (reason: string) =>
    new DatasetError(
      `The teacher's data (${dataset.report.source}) must hold the training faces in the same order: ${reason}.`,
    );
  if (theirs.labels.length !== train.labels.length)
    throw mismatch(`${theirs.labels.length} training faces against ${train.labels.length}`);
  const differs = theirs.labels.findIndex((label, i) => label !== train.labels[i]);
  if (differs >= 0)
    throw mismatch(
      `face ${differs} is ${EMOTIONS[theirs.labels[differs]]} there, ${EMOTIONS[train.labels[differs]]} here`,
    );
  return theirs;
}

/** What a run works on and how it is cut up, decided before any worker starts (so a bad choice leaves none running). */
export function planRun(options: TrainOptions, state: CheckpointState) {
  const recipe = state.recipe;
  const split = trainingSplits(options.dataset, options.holdout ?? 0.1, state.seed);
  const trainCount = split.train.labels.length;
  const stepsPerEpoch = Math.floor(trainCount / recipe.batchSize);
  const batchesPerEpoch = Math.min(stepsPerEpoch, options.maxBatchesPerEpoch ?? Infinity);
  if (batchesPerEpoch < 1) throw new BatchTooLargeError(recipe.batchSize, trainCount);
  return {
    recipe,
    split,
    trainCount,
    validationCount: split.validation.labels.length,
    stepsPerEpoch,
    batchesPerEpoch,
    workerCount: Math.max(1, Math.min(options.workers ?? availableParallelism(), recipe.batchSize)),
    blurSigma: recipe.matchInputSharpness ? matchingBlurSigma(split.train.images, split.validation.images) : 0,
  };
}

type Plan = ReturnType<typeof planRun>;

/** A run under way: its plan, its state (changed as it goes), its replicas and where its time goes. */
interface Run extends Plan {
  options: TrainOptions;
  state: CheckpointState;
  checkpointDir: string;
  pool: WorkerPool;
  ready: Extract<FromWorker, { type: 'ready' }>;
  emit: (event: TrainProgress) => void;
  profile: { steps: number; step: number; compute: number; apply: number; idle: number };
  /** Steps this process has run (the first ones compile kernels and are left out of the profile). */
  stepsRun: number;
}

/** What an epoch's steps add up to. */
interface EpochTotals {
  started: number;
  lossSum: number;
  correct: number;
  seen: number;
  learningRate: number;
}

/**
 * Trains a model with data-parallel worker threads (one per core by default), validating after
 * every epoch and checkpointing so that a cancelled or crashed run can resume: resume, then each
 * epoch's steps, validation and checkpoint, then the finish (evaluation, calibration, the saved
 * model). The replicas are closed on every path out.
 */
export async function trainModel(options: TrainOptions): Promise<TrainResult> {
  const { state, resumeFrom } = await resumeState(options);
  const plan = planRun(options, state);
  const teacher = await teacherTargets(options, state, plan);
  const initSeed = new Random(state.seed).fork();
  // One copy of the data in shared memory, read by every replica.
  const shared = {
    trainImages: toShared(plan.split.train.images),
    trainLabels: toShared(plan.split.train.labels),
    valImages: toShared(plan.split.validation.images),
    valLabels: toShared(plan.split.validation.labels),
  };
  const { pool, ready } = await WorkerPool.start(
    Array.from({ length: plan.workerCount }, () => ({
      recipe: plan.recipe,
      initSeed,
      ...shared,
      resumeFrom,
      initFrom: resumeFrom ? undefined : options.initFrom,
      classWeights: plan.recipe.classWeighting
        ? classWeights(countLabels(plan.split.train.labels), plan.recipe.classWeightPower)
        : undefined,
      backendCandidates: options.backendCandidates,
      teacherTargets: teacher,
    })),
  );
  try {
    const run: Run = {
      ...plan,
      options,
      state,
      checkpointDir: path.join(options.outDir, CHECKPOINT_DIR),
      pool,
      ready,
      emit: options.onProgress ?? (() => undefined),
      profile: { steps: 0, step: 0, compute: 0, apply: 0, idle: 0 },
      stepsRun: 0,
    };
    run.emit({
      type: 'start',
      backend: ready.backend,
      workers: plan.workerCount,
      parameters: ready.parameters,
      trainImages: plan.trainCount,
      validationImages: plan.validationCount,
      blurSigma: plan.blurSigma,
      startEpoch: state.epoch,
      epochs: plan.recipe.epochs,
      stepsPerEpoch: plan.batchesPerEpoch,
    });
    shareGradientSlots(run);
    let cancelled = false;
    try {
      for (let epoch = state.epoch; epoch < plan.recipe.epochs; epoch++) {
        const totals = await runEpoch(run, epoch);
        state.epoch = epoch + 1;
        if (options.stepsOnly) continue;
        await checkpoint(run, await validateEpoch(run, epoch, totals));
      }
    } catch (error) {
      if (!(error instanceof TrainingCancelled)) throw error;
      cancelled = true;
    }
    const { evaluation, keptEpoch } = cancelled || options.stepsOnly ? {} : await finish(run);
    return {
      cancelled,
      stepProfile: averageProfile(run.profile),
      epochsTrained: state.epoch,
      keptEpoch,
      evaluation,
      history: state.history,
      outDir: options.outDir,
      trainingSeconds: state.trainingSeconds,
    };
  } finally {
    await pool.close();
  }
}

/** Each replica writes its gradients into a slot of shared memory and averages the slots itself. */
function shareGradientSlots({ pool, ready }: Run): void {
  const replicas = pool.workers.length;
  const slots = new Float32Array(new SharedArrayBuffer(2 * replicas * ready.gradientLength * 4));
  pool.workers.forEach((worker, replica) => pool.post(worker, { type: 'share', slots, replica, replicas }));
}

/** One epoch's training steps, in an order and with augmentation drawn from the seed and the epoch alone. */
async function runEpoch(run: Run, epoch: number): Promise<EpochTotals> {
  const { options, state, recipe, pool, workerCount, batchesPerEpoch, profile } = run;
  const totals: EpochTotals = { started: performance.now(), lossSum: 0, correct: 0, seen: 0, learningRate: 0 };
  const order = new Random(state.seed + 104729 * (epoch + 1)).shuffle(
    Int32Array.from({ length: run.trainCount }, (_, i) => i),
  );
  const stepSeeds = new Random(state.seed ^ (epoch * 2654435761));
  /** When this epoch's previous step started: an epoch's end (validation, checkpoint) is no part of a step. */
  let previousStart: number | undefined;
  for (let batch = 0; batch < batchesPerEpoch; batch++) {
    await options.waitIfPaused?.();
    if (options.signal?.aborted) throw new TrainingCancelled();
    const indices = order.subarray(batch * recipe.batchSize, (batch + 1) * recipe.batchSize);
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
      totals.lossSum += reply.lossSum;
      totals.correct += reply.correct;
      totals.seen += reply.count;
    }
    totals.learningRate = learningRateAt(recipe, state.step, run.stepsPerEpoch);
    for (const worker of pool.workers)
      pool.post(worker, {
        type: 'apply',
        parity: state.step % 2,
        batchSize: indices.length,
        learningRate: totals.learningRate,
      });
    if (previousStart !== undefined && run.stepsRun >= 2) {
      // A whole step, from one step's start to the next: the replies carry the previous update.
      const step = stepStarted - previousStart;
      const compute = replies.reduce((sum, r) => sum + r.computeMs, 0) / replies.length;
      const apply = replies.reduce((sum, r) => sum + r.applyMs, 0) / replies.length;
      profile.steps++;
      profile.step += step;
      profile.compute += compute;
      profile.apply += apply;
      profile.idle += step - compute - apply;
    }
    previousStart = stepStarted;
    run.stepsRun++;
    state.step++;
    const imagesPerSecond = totals.seen / ((performance.now() - totals.started) / 1000);
    const remainingBatches = batchesPerEpoch - batch - 1 + (recipe.epochs - epoch - 1) * batchesPerEpoch;
    run.emit({
      type: 'batch',
      epoch: epoch + 1,
      batch: batch + 1,
      batches: batchesPerEpoch,
      loss: totals.lossSum / totals.seen,
      accuracy: totals.correct / totals.seen,
      imagesPerSecond,
      etaSeconds: (remainingBatches * recipe.batchSize) / imagesPerSecond,
      learningRate: totals.learningRate,
    });
  }
  return totals;
}

/** Every replica re-estimates batch-norm statistics from the same faces, so they agree. */
async function recalibrate({ pool }: Run, seed: number): Promise<void> {
  await Promise.all(
    pool.workers.map(async (worker) => {
      pool.post(worker, { type: 'recalibrate', seed });
      await pool.receive(worker);
    }),
  );
}

/** The model's raw probabilities for every validation face, the work shared by the replicas. */
async function predictValidation(run: Run, views: TestTimeViews): Promise<Float32Array> {
  const { pool, validationCount, workerCount, blurSigma } = run;
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
}

/** Scores the epoch on the validation split (single pass, batch-norm statistics re-estimated) and records it. */
async function validateEpoch(run: Run, epoch: number, totals: EpochTotals): Promise<EpochRecord> {
  const { state, split, pool } = run;
  await recalibrate(run, state.seed + epoch);
  const probabilities = await predictValidation(run, { testTimeFlip: false });
  const labels = split.validation.labels;
  const seconds = (performance.now() - totals.started) / 1000;
  state.trainingSeconds += seconds;
  const record: EpochRecord = {
    epoch: epoch + 1,
    loss: totals.lossSum / totals.seen,
    accuracy: totals.correct / totals.seen,
    valLoss: negativeLogLikelihood(probabilities, labels),
    valAccuracy: classificationMetrics(labels, argmaxRows(probabilities)).accuracy,
    seconds,
    learningRate: totals.learningRate,
  };
  state.history.push(record);
  const [lead] = pool.workers;
  pool.post(lead, { type: 'stats' });
  const stats = (await pool.receive(lead)) as Extract<FromWorker, { type: 'stats' }>;
  run.emit({ type: 'epoch', record, tensors: stats.tensors, etaSeconds: seconds * (run.recipe.epochs - epoch - 1) });
  return record;
}

/** Weights written first, state last, so a crash mid-write keeps the previous checkpoint usable. */
async function checkpoint(run: Run, record: EpochRecord): Promise<void> {
  const { state, pool, checkpointDir } = run;
  const [lead] = pool.workers;
  await mkdir(checkpointDir, { recursive: true });
  if (run.recipe.keepBestEpoch && (!state.best || record.valAccuracy > state.best.valAccuracy)) {
    const dir = path.join(checkpointDir, bestEpochDir(record.epoch));
    await mkdir(dir, { recursive: true });
    pool.post(lead, { type: 'save', dir, metadata: metadataFor(run, state.epoch), withOptimizer: false });
    await pool.receive(lead);
    state.best = record;
  }
  pool.post(lead, { type: 'save', dir: checkpointDir, metadata: metadataFor(run, state.epoch), withOptimizer: true });
  await pool.receive(lead);
  await writeFile(path.join(checkpointDir, CHECKPOINT_STATE_FILE), JSON.stringify(state));
  await removeStaleBest(checkpointDir, state.best?.epoch);
  run.emit({ type: 'checkpoint', epoch: state.epoch, dir: checkpointDir, bestEpoch: state.best?.epoch });
}

/**
 * The end of a run that was not cancelled: the kept weights (the last epoch's, or the best one's
 * when the recipe keeps it, with the batch-norm statistics that epoch was validated with, so the
 * report agrees with the history), evaluated, calibrated and saved; the checkpoint removed.
 */
async function finish(run: Run): Promise<{ evaluation: EvaluationReport; keptEpoch: number }> {
  const { state, recipe, pool, split, checkpointDir } = run;
  const keptEpoch = recipe.keepBestEpoch && state.best ? state.best.epoch : state.epoch;
  if (keptEpoch !== state.epoch) {
    const dir = path.join(checkpointDir, bestEpochDir(keptEpoch));
    await Promise.all(
      pool.workers.map(async (worker) => {
        pool.post(worker, { type: 'load', dir });
        await pool.receive(worker);
      }),
    );
  }
  const labels = split.validation.labels;
  const views = modelViews({ recipe });
  const single = await predictValidation(run, { testTimeFlip: false });
  const mirrored = await predictValidation(run, { testTimeFlip: true });
  const shifted = views.testTimeShifts ? await predictValidation(run, views) : undefined;
  const calibration = calibrationFrom({ single, mirrored, shifted }, labels, split.validationFrom);
  const raw = { single, mirrored, shifted: shifted ?? mirrored }[viewKind(views)];
  const evaluation = scoreProbabilities(labels, raw, {
    split: split.validationFrom,
    ...views,
    temperature: temperatureFor({ calibration }, views),
  }).report;
  const reference = neutralReference(applyTemperature(single, calibration.single), labels);
  const metadata = {
    ...metadataFor(run, state.epoch, { evaluation, calibration }),
    keptEpoch,
    ...(reference ? { neutralReference: { ...reference, split: split.validationFrom } } : {}),
    weightsDtype: 'float16' as const,
  };
  const [lead] = pool.workers;
  pool.post(lead, { type: 'save', dir: run.options.outDir, metadata, withOptimizer: false });
  await pool.receive(lead);
  await rm(checkpointDir, { recursive: true, force: true });
  return { evaluation, keptEpoch };
}

function metadataFor(
  run: Run,
  epochsTrained: number,
  final?: { evaluation: EvaluationReport; calibration: ModelMetadata['calibration'] },
): ModelMetadata {
  const { options, recipe, state } = run;
  return {
    formatVersion: 1,
    name: options.name ?? recipe.architecture,
    architecture: recipe.architecture,
    labels: [...EMOTIONS],
    input: { width: FACE_SIZE, height: FACE_SIZE, channels: 1, normalisation: 'pixel / 255', blurSigma: run.blurSigma },
    recipe,
    epochsTrained,
    dataset: {
      source: options.dataset.report.source,
      fingerprint: options.dataset.fingerprint,
      trainImages: run.trainCount,
      validationImages: run.validationCount,
    },
    evaluation: final?.evaluation,
    calibration: final?.calibration,
    history: state.history,
    backend: run.ready.backend,
    trainingSeconds: Math.round(state.trainingSeconds),
    createdAt: new Date().toISOString(),
    weightsDtype: 'float32',
  };
}

function averageProfile({ steps, ...totals }: Run['profile']): StepProfile | undefined {
  if (steps === 0) return undefined;
  return { steps, ...(Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, v / steps])) as typeof totals) };
}
