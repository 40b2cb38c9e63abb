import { modelViews, readMetadata } from '../models/model-folder';
import { loadModel } from '../models/model-io';
import { argmaxRows } from '../models/inference';
import { loadDataset } from '../data/load';
import type { FaceDataset, FaceSplit } from '../data/dataset';
import { evaluateModel } from '../evaluation/evaluate-model';
import { temporaryDir } from '../runtime/temporary-dir';
import type { BackendChoice } from '../runtime/backend';
import { Random } from '../training/random';
import { recipeFromConfig } from '../training/recipes';
import { trainingSplits } from '../data/split';
import { trainModel } from '../training/trainer';
import type {
  DatasetChoice,
  HostEvent,
  ModelEvaluation,
  TrainingControl,
  TrainOutcome,
  TrainRequest,
} from './protocol';
import { FACE_PIXELS, NUM_CLASSES } from '@shared/emotions';
import {
  SAMPLE_FACES_PER_CLASS,
  type DatasetSummary,
  type Mistake,
  type TrainingConfig,
  type TrainingEstimate,
} from '@shared/training';
import { rm } from 'node:fs/promises';

/** Classes with fewer than this fraction of the largest class's images are called out. */
const UNDERREPRESENTED = 0.25;

interface ActiveRun {
  runId: number;
  abort: AbortController;
  /**
   * Set while paused: `promise` resolves when the run may go on; `reached` answers the pause, true
   * once the run has stopped at it, false when the run ended or was cancelled or resumed first.
   */
  gate?: { promise: Promise<void>; release: () => void; reached: Promise<boolean>; stop: (paused: boolean) => void };
}

/**
 * The ML process's side of the training wizard: reading datasets, measuring, training and
 * evaluating. One run at a time; progress goes out through `emit`.
 */
export class TrainingJobs {
  private dataset: { path: string; loading: Promise<FaceDataset> } | undefined;
  private active: ActiveRun | undefined;

  constructor(private readonly emit: (event: HostEvent) => void) {}

  /** The last dataset read stays in memory: the wizard reads it, estimates, then trains on it. */
  private load(datasetPath: string): Promise<FaceDataset> {
    if (this.dataset?.path !== datasetPath) {
      const loading = loadDataset(datasetPath, {
        onProgress: (progress) => this.emit({ event: 'datasetProgress', path: datasetPath, progress }),
      });
      this.dataset = { path: datasetPath, loading };
      loading.catch(() => {
        if (this.dataset?.loading === loading) this.dataset = undefined; // a failed read is retried next time
      });
    }
    return this.dataset.loading;
  }

  async inspect(choice: DatasetChoice): Promise<DatasetSummary> {
    const dataset = await this.load(choice.datasetPath);
    const {
      train: trainPart,
      validation,
      validationFrom,
    } = trainingSplits(dataset, choice.validationFraction, choice.seed);
    const train = dataset.splits.train!; // trainingSplits has checked it is there
    const counts = dataset.report.counts.train!;
    const largest = Math.max(...counts);
    return {
      path: choice.datasetPath,
      report: dataset.report,
      underrepresented: counts
        .map((images, label) => ({ label, images, ratioToLargest: images / largest }))
        .filter((c) => c.ratioToLargest < UNDERREPRESENTED),
      samples: sampleFaces(train, choice.seed),
      split: {
        validationFrom,
        trainImages: trainPart.labels.length,
        validationImages: validation.labels.length,
      },
    };
  }

  /** Times a few training steps on this machine and scales them up to the whole run. */
  async estimate(config: TrainingConfig, backendCandidates?: BackendChoice[]): Promise<TrainingEstimate> {
    const dataset = await this.load(config.datasetPath);
    const recipe = recipeFromConfig(config);
    const outDir = await temporaryDir('emotion-monitor-estimate-');
    const stamps: number[] = [];
    let backend = 'unknown';
    let trainImages = 0;
    let validationImages = 0;
    try {
      await trainModel({
        dataset,
        recipe: { ...recipe, epochs: 1 },
        outDir,
        seed: config.seed,
        holdout: config.validationFraction,
        stepsOnly: true,
        maxBatchesPerEpoch: 4,
        backendCandidates,
        onProgress: (event) => {
          if (event.type === 'start') {
            backend = event.backend;
            trainImages = event.trainImages;
            validationImages = event.validationImages;
          }
          if (event.type === 'batch') stamps.push(performance.now());
        },
      });
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
    // The first step compiles kernels: time the ones after it.
    const timed = stamps.length > 1 ? stamps.length - 1 : 1;
    const seconds = stamps.length > 1 ? (stamps[stamps.length - 1] - stamps[0]) / 1000 : 1;
    const imagesPerSecond = (timed * config.batchSize) / seconds;
    // Validating is a forward pass (about a third of a training step) of each face once an epoch; the
    // run's end adds the calibration passes: single, mirrored and, if the recipe asks, ten views.
    const validationPass = validationImages / (3 * imagesPerSecond);
    const finalPasses = 1 + 2 + (recipe.testTimeShifts ? 10 : 0);
    const secondsPerEpoch = trainImages / imagesPerSecond + validationPass;
    return {
      backend,
      hint: backendHint(backend),
      imagesPerSecond,
      secondsPerEpoch,
      totalSeconds: secondsPerEpoch * config.epochs + finalPasses * validationPass,
    };
  }

  async train(request: TrainRequest): Promise<TrainOutcome> {
    if (this.active) throw new Error(`Run ${this.active.runId} is already training`);
    const { config } = request;
    if (request.initFrom && !request.resume) {
      const start = await readMetadata(request.initFrom);
      if (start.architecture !== config.architecture) {
        throw new Error(
          `Cannot fine-tune "${start.name}": it is a ${start.architecture} model and this run trains ${config.architecture}`,
        );
      }
    }
    const active: ActiveRun = { runId: request.runId, abort: new AbortController() };
    this.active = active;
    try {
      const dataset = await this.load(config.datasetPath);
      const result = await trainModel({
        dataset,
        recipe: recipeFromConfig(config),
        outDir: request.outDir,
        seed: config.seed,
        holdout: config.validationFraction,
        resume: request.resume,
        initFrom: request.initFrom,
        teacher: request.teacher?.dir,
        teacherName: request.teacher?.name,
        name: config.name,
        signal: active.abort.signal,
        waitIfPaused: () => {
          if (!active.gate) return Promise.resolve();
          active.gate.stop(true);
          return active.gate.promise;
        },
        backendCandidates: request.backendCandidates,
        onProgress: (progress) => this.emit({ event: 'training', runId: request.runId, progress }),
      });
      return { cancelled: result.cancelled, epochsTrained: result.epochsTrained };
    } finally {
      // A pause asked for during the last evaluation never meets a batch: the run ended instead.
      active.gate?.stop(false);
      this.active = undefined;
    }
  }

  /**
   * Pausing answers once the run has stopped (true): the batch in flight finishes (and reports its
   * progress) first, so after the answer nothing moves until it is resumed. It answers false when
   * the run ended, or was cancelled, before it reached the pause. Other actions answer false.
   */
  async control(runId: number, action: TrainingControl): Promise<boolean> {
    const active = this.active;
    if (!active || active.runId !== runId) throw new Error(`Run ${runId} is not training`);
    if (action === 'pause') {
      active.gate ??= pauseGate();
      return active.gate.reached;
    }
    if (action === 'cancel') active.abort.abort();
    // Resuming, and cancelling a paused run, both open the gate (the run then stops at once on cancel);
    // a pause still waiting for its batch is answered too.
    active.gate?.stop(false);
    active.gate?.release();
    active.gate = undefined;
    return false;
  }

  /** Scores a model on a run's validation faces and picks its most confident mistakes. */
  async evaluate(modelDir: string, choice: DatasetChoice, mistakesWanted: number): Promise<ModelEvaluation> {
    const dataset = await this.load(choice.datasetPath);
    const { validation, validationFrom } = trainingSplits(dataset, choice.validationFraction, choice.seed);
    const loaded = await loadModel(modelDir);
    try {
      const { report, probabilities } = await evaluateModel(modelDir, loaded, validation, {
        split: validationFrom,
        ...modelViews(loaded.metadata),
      });
      const count = validation.labels.length;
      const predictions = argmaxRows(probabilities);
      const wrong: Mistake[] = [];
      for (let i = 0; i < count; i++) {
        const predicted = predictions[i];
        if (predicted === validation.labels[i]) continue;
        wrong.push({
          pixels: validation.images.slice(i * FACE_PIXELS, (i + 1) * FACE_PIXELS),
          label: validation.labels[i],
          predicted,
          confidence: probabilities[i * NUM_CLASSES + predicted],
        });
      }
      wrong.sort((a, b) => b.confidence - a.confidence);
      return {
        name: loaded.metadata.name,
        evaluation: report,
        mistakes: wrong.slice(0, mistakesWanted),
        split: validationFrom,
      };
    } finally {
      loaded.model.dispose();
    }
  }
}

function pauseGate(): NonNullable<ActiveRun['gate']> {
  let release = () => undefined as void;
  let stop: (paused: boolean) => void = () => undefined;
  const promise = new Promise<void>((resolve) => (release = resolve));
  const reached = new Promise<boolean>((resolve) => (stop = resolve));
  return { promise, release, reached, stop };
}

function sampleFaces(split: FaceSplit, seed: number): DatasetSummary['samples'] {
  const order = new Random(seed).shuffle(Int32Array.from({ length: split.labels.length }, (_, i) => i));
  const taken = new Array<number>(NUM_CLASSES).fill(0);
  const samples: DatasetSummary['samples'] = [];
  for (const i of order) {
    const label = split.labels[i];
    if (taken[label] >= SAMPLE_FACES_PER_CLASS) continue;
    taken[label]++;
    samples.push({ pixels: split.images.slice(i * FACE_PIXELS, (i + 1) * FACE_PIXELS), label });
  }
  return samples.sort((a, b) => a.label - b.label);
}

export function backendHint(backend: string): string | undefined {
  if (backend === 'wasm' || backend === 'cpu') {
    return (
      'Training runs on the CPU through WebAssembly. Installing @tensorflow/tfjs-node (native TensorFlow for ' +
      'the CPU) makes it several times faster; with an NVIDIA GPU and CUDA, @tensorflow/tfjs-node-gpu is faster still.'
    );
  }
  if (backend === 'tensorflow') return 'With an NVIDIA GPU and CUDA, @tensorflow/tfjs-node-gpu would train faster.';
  return undefined;
}
