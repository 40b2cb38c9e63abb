import type { BackendChoice } from '../runtime/backend';
import type { ModelMetadata, TestTimeViews } from '../models/model-io';
import type { Recipe } from './recipes';

/** What a training worker is given at start. Image arrays live in SharedArrayBuffers. */
export interface WorkerInit {
  recipe: Recipe;
  /** Same on every worker, so every replica starts from identical weights. */
  initSeed: number;
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  valImages: Uint8Array;
  valLabels: Uint8Array;
  /** Model folder to start from (a checkpoint), instead of fresh weights. */
  resumeFrom?: string;
  /** Model folder whose weights to start from (fine-tuning), with a fresh optimizer. */
  initFrom?: string;
  /** Loss weight per class (class weighting); absent: every class weighs 1. */
  classWeights?: number[];
  /** Distillation: a teacher's softened probabilities for every training face (NUM_CLASSES each), shared. */
  teacherTargets?: Float32Array;
  backendCandidates?: BackendChoice[];
}

/**
 * Gradients go through shared memory, not messages: for every step parity, one slot of
 * `gradientLength` floats per replica. A replica writes its gradient sums into its slot, and on
 * 'apply' every replica averages all the slots itself. Two parities, because a replica may start
 * the next step (writing) while a slower one still reads the last.
 */
export interface GradientSlots {
  slots: Float32Array;
  replica: number;
  replicas: number;
}

export type ToWorker =
  | ({ type: 'share' } & GradientSlots)
  /**
   * `stepSeed` seeds all of this replica's draws for the step (augmentation and dropout masks). It
   * comes from the epoch's seed, so a resumed run draws exactly what an uninterrupted one would.
   */
  | { type: 'step'; indices: Int32Array; stepSeed: number; parity: number }
  | { type: 'apply'; parity: number; batchSize: number; learningRate: number }
  | { type: 'recalibrate'; seed: number }
  | { type: 'predict'; start: number; end: number; views: TestTimeViews; blurSigma: number }
  | { type: 'save'; dir: string; metadata: ModelMetadata; withOptimizer: boolean }
  /** Replace the model's weights with a saved folder's (the kept epoch's), leaving the optimizer. */
  | { type: 'load'; dir: string }
  | { type: 'stats' };

export type FromWorker =
  | { type: 'ready'; backend: BackendChoice; parameters: number; gradientLength: number }
  | {
      type: 'gradients';
      lossSum: number;
      correct: number;
      count: number;
      /** This step's forward and backward pass, and the previous step's weight update (profiling). */
      computeMs: number;
      applyMs: number;
    }
  | { type: 'recalibrated' }
  | { type: 'predictions'; probabilities: Float32Array }
  | { type: 'saved' }
  | { type: 'loaded' }
  | { type: 'stats'; tensors: number; bytes: number }
  | { type: 'error'; message: string };

export const OPTIMIZER_FILE = 'optimizer.bin';
export const OPTIMIZER_MANIFEST = 'optimizer.json';

/** A run's checkpoint folder inside its output folder, and the file that makes it complete (written last). */
export const CHECKPOINT_DIR = 'checkpoint';
export const CHECKPOINT_STATE_FILE = 'state.json';
/** The best epoch's weights so far, in the checkpoint folder (runs that keep it; see Recipe.keepBestEpoch). */
export const BEST_EPOCH_PREFIX = 'best-epoch-';
export const bestEpochDir = (epoch: number) => `${BEST_EPOCH_PREFIX}${epoch}`;
