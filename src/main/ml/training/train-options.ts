/** What trainModel takes, reports and returns. */
import type { EpochRecord, EvaluationReport, RunProgress } from '@shared/training';
import type { FaceDataset } from '../data/dataset';
import type { BackendChoice } from '../runtime/backend';
import type { Recipe } from './recipes';

export type TrainProgress =
  /** Before the teacher's probabilities are computed (not sent when they come from the cache). */
  | { type: 'teacher-computing'; teacher: string; faces: number }
  | { type: 'teacher'; teacher: string; cached: boolean; file: string }
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
  /**
   * Distil from this model folder: the recipe's `distillation` (or DEFAULT_DISTILLATION) blends its
   * cached ten-view probabilities into every training face's target. A resumed run keeps its teacher.
   */
  teacher?: string;
  /**
   * The faces the teacher is shown instead of the training faces: the same faces with the same
   * labels in the same order, framed otherwise (FER2013 as stored, for a copy framed by the app's
   * own pipeline), so that the student learns to say of the app's crop what the teacher says of
   * the registered face. Absent: the teacher sees the training faces.
   */
  teacherDataset?: FaceDataset;
  /** What the recipe records as the teacher (default: its folder's name). */
  teacherName?: string;
  /** Where the teacher's probabilities are cached (default: beside the decoded datasets). */
  cacheDir?: string;
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
