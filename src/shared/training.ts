import type { Emotion } from './emotions';

/**
 * What the training wizard and the model reports exchange with the main process. The types of
 * dataset reports, evaluations and epoch records live here because the renderer draws them.
 */

/** Splits a dataset can have. `privateTest` only comes from fer2013.csv. */
export const SPLITS = ['train', 'test', 'privateTest'] as const;
export type SplitName = (typeof SPLITS)[number];

export interface SkippedItem {
  /** File path, or `file.csv:LINE` for a CSV row. */
  where: string;
  reason: string;
}

export interface ValidationReport {
  source: string;
  /** `class-folders`: class folders with no split folders above them, read as one unsplit set (`train`). */
  format: 'folder' | 'class-folders' | 'csv';
  /** Per split, images per class in label order. */
  counts: Partial<Record<SplitName, number[]>>;
  totalImages: number;
  skippedCount: number;
  /** The first skipped items (the list is capped; skippedCount has them all). */
  skipped: SkippedItem[];
  /** Per split, the median sharpness of its faces (see sharpness.ts): splits should match. */
  sharpness: Partial<Record<SplitName, number>>;
  /** Notes that are not errors, such as a missing test split or splits that look different. */
  notes: string[];
}

export interface ClassMetrics {
  label: Emotion;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface AverageMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Accuracy, per-class precision/recall/F1 and the confusion matrix of a set of predictions. */
export interface ClassificationMetrics {
  accuracy: number;
  macroF1: number;
  perClass: ClassMetrics[];
  macroAverage: AverageMetrics;
  weightedAverage: AverageMetrics;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  images: number;
}

/**
 * Which faces a model was scored on: a split of the dataset, a stratified part of train held out
 * for validation, or every image of a folder of class folders (a dataset without splits).
 */
export type EvaluatedSplit = SplitName | 'held-out train' | 'all';

/**
 * Fewer validation faces than this cannot say how far a confidence can be trusted: no temperature
 * is fitted on them (14 faces once gave T = 20), and reports say the confidences are uncalibrated.
 */
export const MIN_CALIBRATION_FACES = 200;

/** A model scored on labelled faces, with how its probabilities were produced and how honest they are. */
export interface EvaluationReport extends ClassificationMetrics {
  split: EvaluatedSplit;
  /** Each face averaged with its mirror image. */
  testTimeFlip: boolean;
  /** Each face also averaged over copies shifted 2 px four ways (absent: no). */
  testTimeShifts?: boolean;
  /** The model's temperature applied to its probabilities (1: none; see calibration.ts). */
  temperature: number;
  /** Expected calibration error (15 equal-width bins) of the probabilities as shown, after the temperature. */
  ece: number;
  /** The same before the temperature. */
  eceUncalibrated: number;
}

/** A dataset as a user knows it: its folder's or file's name (the full path goes in a tooltip). */
export function datasetName(source: string): string {
  const parts = source.split(/[\\/]/).filter(Boolean);
  return parts.at(-1) ?? source;
}

/** How a model's predictions were averaged, as a user reads it after its accuracy. */
export function viewsLabel(views: Pick<EvaluationReport, 'testTimeFlip' | 'testTimeShifts'>): string {
  if (views.testTimeShifts) return 'averaged over ten shifted and mirrored views';
  return views.testTimeFlip ? 'averaged with the mirror image' : 'one pass a face';
}

/** How a split is named to a user, after "on": "the test split", "all images"… */
export function splitLabel(split: EvaluatedSplit): string {
  switch (split) {
    case 'all':
      return 'all images';
    case 'held-out train':
      return 'the held-out part of train';
    case 'privateTest':
      return 'the private test split';
    default:
      return `the ${split} split`;
  }
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
  seconds: number;
  learningRate: number;
}

/** A 48x48 grayscale face (FACE_PIXELS bytes, row by row) with what is known about it. */
export interface FaceThumbnail {
  pixels: Uint8Array;
  label: number;
}

/** How far reading a dataset has got: images decoded of a folder's `total`, or rows of a CSV read. */
export interface DatasetProgress {
  done: number;
  total?: number;
  unit: 'images' | 'rows';
}

/** The dataset step's answer: the validation report, and how the run would split the data. */
export interface DatasetSummary {
  path: string;
  report: ValidationReport;
  /** Classes with fewer than a quarter of the largest class's training images. */
  underrepresented: { label: number; images: number; ratioToLargest: number }[];
  /** Up to SAMPLE_FACES_PER_CLASS training faces per class. */
  samples: FaceThumbnail[];
  /** Images that training and validation would use. */
  split: {
    /** The dataset's test split, or a stratified part of train held out with `seed`. */
    validationFrom: 'test' | 'held-out train';
    trainImages: number;
    validationImages: number;
  };
}

export const SAMPLE_FACES_PER_CLASS = 8;

export type LearningRateSchedule = 'keras-decay' | 'warmup-cosine';

/** The setup step's augmentation switches, in the order shown, with their labels. */
export const AUGMENTATION_SWITCHES = [
  ['flip', 'Mirror'],
  ['shift', 'Shift'],
  ['rotate', 'Rotate'],
  ['zoom', 'Zoom'],
  ['erase', 'Erase a patch'],
  ['intensity', 'Brightness / contrast'],
  ['webcam', 'Webcam conditions (blur, gamma, noise, JPEG)'],
] as const;
export type AugmentationSwitch = (typeof AUGMENTATION_SWITCHES)[number][0];

/** What a training setup may ask for: checked inline by the setup step, and again by main. */
export const TRAINING_LIMITS = {
  epochs: { min: 1, max: 500 },
  batchSize: { min: 8, max: 1024 },
  learningRate: { min: 1e-6, max: 1 },
} as const;

/**
 * A batch size for a dataset of `trainImages` training faces: the largest power of two that still
 * gives four steps an epoch, at least the smallest allowed; undefined when too few for any batch.
 */
export function batchSizeFor(trainImages: number): number | undefined {
  const { min, max } = TRAINING_LIMITS.batchSize;
  if (trainImages < min) return undefined;
  let size = min;
  while (size * 2 <= trainImages / 4 && size * 2 <= max) size *= 2;
  return size;
}

/**
 * Why each setting that cannot be used cannot (none: the setup can start). `trainImages`, where
 * known, is checked against the batch size: an epoch needs at least one whole batch.
 */
export function settingProblems(
  config: Pick<TrainingConfig, 'name' | 'epochs' | 'batchSize' | 'learningRate'>,
  trainImages?: number,
): Partial<Record<'name' | 'epochs' | 'batchSize' | 'learningRate', string>> {
  const problems: Partial<Record<'name' | 'epochs' | 'batchSize' | 'learningRate', string>> = {};
  const whole = (value: unknown, { min, max }: { min: number; max: number }, what: string) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? undefined
      : `${what} must be a whole number from ${min} to ${max}.`;
  const epochs = whole(config.epochs, TRAINING_LIMITS.epochs, 'Epochs');
  const batchSize = whole(config.batchSize, TRAINING_LIMITS.batchSize, 'The batch size');
  if (epochs) problems.epochs = epochs;
  if (batchSize) problems.batchSize = batchSize;
  else if (trainImages !== undefined && config.batchSize > trainImages) {
    const fits = batchSizeFor(trainImages);
    problems.batchSize = fits
      ? `This dataset has ${trainImages} training images, fewer than one batch of ${config.batchSize}: ` +
        `choose a batch size of at most ${trainImages} (${fits} gives ${Math.floor(trainImages / fits)} steps an epoch), or add images.`
      : `This dataset has ${trainImages} training images, too few for the smallest batch (${TRAINING_LIMITS.batchSize.min}): add images.`;
  }
  const { min, max } = TRAINING_LIMITS.learningRate;
  const rate = config.learningRate;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < min || rate > max) {
    problems.learningRate = `The learning rate must be a number from ${min} to ${max} (the default model uses 0.002).`;
  }
  if (!config.name?.trim()) problems.name = 'Give the model a name.';
  return problems;
}

/** The network designs the app trains; `fast` is the default's design at half its widths (docs/models.md). */
export const ARCHITECTURES = ['default', 'fast', 'seed'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** Everything the setup step chooses. */
export interface TrainingConfig {
  name: string;
  datasetPath: string;
  architecture: Architecture;
  epochs: number;
  batchSize: number;
  learningRate: number;
  schedule: LearningRateSchedule;
  /** Each of the augmentations on or off (all off trains on the faces as they are). */
  augment: Record<AugmentationSwitch, boolean>;
  /** Weigh each class's loss by how rare it is. */
  classWeighting: boolean;
  /** Start from the weights of this model (the active one, when chosen) instead of from scratch. */
  fineTuneFrom?: string;
  /**
   * Learn from this model (its id) as well as from the labels: each training face's target blends in
   * the teacher's probabilities (distillation; docs/models.md). Absent: the labels alone.
   */
  teacher?: string;
  /** Part of train held out for validation when the dataset has no test split. */
  validationFraction: number;
  seed: number;
}

export interface TrainingEstimate {
  backend: string;
  /** How to get a faster backend, when one could be installed. */
  hint?: string;
  imagesPerSecond: number;
  secondsPerEpoch: number;
  totalSeconds: number;
}

export const RUN_STATUSES = ['queued', 'running', 'paused', 'cancelled', 'failed', 'done'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Where a running run is within its current epoch. */
export interface RunProgress {
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
  etaSeconds: number;
}

export interface TrainingRun {
  id: number;
  config: TrainingConfig;
  status: RunStatus;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  /** Completed epochs, one record each. */
  history: EpochRecord[];
  progress?: RunProgress;
  backend?: string;
  /** Why it failed, or a note on how it stopped. */
  message?: string;
  /** A checkpoint exists: a cancelled or failed run can go on from its last completed epoch. */
  resumable: boolean;
  /** The library model it made, once done. */
  modelId?: string;
  /** The report was computed (see getRunReport). */
  hasReport: boolean;
}

export interface Mistake {
  pixels: Uint8Array;
  label: number;
  predicted: number;
  confidence: number;
}

/** The report step: the new model on the run's validation split, and the active model on the same faces. */
export interface RunReport {
  runId: number;
  model: { id?: string; name: string; evaluation: EvaluationReport };
  /** The most confident wrong predictions, most confident first. */
  mistakes: Mistake[];
  active?: { id: string; name: string; evaluation: EvaluationReport };
  /** Why the active model could not be compared, if it could not. */
  activeError?: string;
  split: 'test' | 'held-out train';
  /**
   * The epoch whose weights the model holds, and the run's best single-pass validation epoch, for
   * comparison. Absent in reports of runs from before they were kept.
   */
  savedEpoch?: EpochRecord;
  bestEpoch?: EpochRecord;
  /** savedEpoch was picked by its validation score (the recipe keeps the best epoch), not the last. */
  keptBest?: boolean;
}

/** The epoch with the best validation accuracy (the first of equals). */
export function bestEpoch(history: readonly EpochRecord[]): EpochRecord | undefined {
  return history.reduce<EpochRecord | undefined>(
    (best, record) => (!best || record.valAccuracy > best.valAccuracy ? record : best),
    undefined,
  );
}

/**
 * What a report should recommend. `chance`: no more accurate than always answering the split's
 * most common emotion (plus a point of slack); `worse`: less accurate than the live model on the
 * same faces; `better`: neither.
 */
export type ReportVerdict =
  | { kind: 'better' }
  | { kind: 'chance'; chanceAccuracy: number; majority: Emotion }
  | { kind: 'worse'; byPoints: number };

export function reportVerdict(report: Pick<RunReport, 'model' | 'active'>): ReportVerdict {
  const { evaluation } = report.model;
  const supports = evaluation.perClass.map((c) => c.support);
  const majority = supports.indexOf(Math.max(...supports));
  const chanceAccuracy = evaluation.images === 0 ? 0 : supports[majority] / evaluation.images;
  if (evaluation.accuracy <= chanceAccuracy + 0.01) {
    return { kind: 'chance', chanceAccuracy, majority: evaluation.perClass[majority].label };
  }
  const live = report.active?.evaluation.accuracy;
  if (live !== undefined && evaluation.accuracy < live) {
    return { kind: 'worse', byPoints: (live - evaluation.accuracy) * 100 };
  }
  return { kind: 'better' };
}

export const MISTAKES_SHOWN = 24;

/** What the setup step starts from for each architecture (the recipes of the model core, as settings). */
export function defaultTrainingConfig(architecture: TrainingConfig['architecture'], datasetPath = ''): TrainingConfig {
  const common = {
    name: `${architecture} model`,
    datasetPath,
    classWeighting: false,
    validationFraction: 0.1,
    seed: 1,
  };
  if (architecture === 'seed') {
    const off = {
      flip: false,
      shift: false,
      rotate: false,
      zoom: false,
      erase: false,
      intensity: false,
      webcam: false,
    };
    return {
      ...common,
      architecture,
      epochs: 50,
      batchSize: 64,
      learningRate: 1e-4,
      schedule: 'keras-decay',
      augment: off,
    };
  }
  const on = { flip: true, shift: true, rotate: true, zoom: true, erase: true, intensity: true, webcam: true };
  // The fast model's recipe leaves off erasing and webcam conditions (see FAST_RECIPE).
  const augment = architecture === 'fast' ? { ...on, erase: false, webcam: false } : on;
  return {
    ...common,
    classWeighting: true,
    architecture,
    epochs: 22,
    batchSize: 128,
    learningRate: 2e-3,
    schedule: 'warmup-cosine',
    augment,
  };
}

export const ARCHITECTURE_NOTES: Record<TrainingConfig['architecture'], string> = {
  seed:
    'The original design, reproduced faithfully: four 3x3 convolutions, dense 1024, dropout; Adam 1e-4 with decay 1e-6, ' +
    'batch 64, 50 epochs, no augmentation; it keeps the epoch that scores best on the validation images. ' +
    'Its known result: about 62% test accuracy on FER2013.',
  default:
    "Emotion Monitor's own: a deeper network with batch normalisation, augmentation, a warm-up and cosine " +
    'learning-rate schedule, label smoothing and test-time averaging over ten shifted and mirrored views.',
  fast:
    'The default design at half its widths: a quarter of the work per face, for rooms full of faces. ' +
    'Trained the default way with lighter augmentation (no erasing, no webcam conditions); it gains most when it ' +
    'learns from a teacher (the default model).',
};
