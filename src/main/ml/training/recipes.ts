import type { TrainingConfig } from '@shared/training';
import type { Architecture } from '../models/architectures';
import { DEFAULT_AUGMENT, WEBCAM_AUGMENT, type AugmentOptions } from './augment';

export interface Recipe {
  architecture: Architecture;
  epochs: number;
  batchSize: number;
  /** Adam's base learning rate. */
  learningRate: number;
  /**
   * `keras-decay`: lr / (1 + decay * iterations), as Keras' Adam(decay=...) did.
   * `warmup-cosine`: linear warm-up over `warmupEpochs`, then cosine decay to zero.
   */
  schedule: { kind: 'keras-decay'; decay: number } | { kind: 'warmup-cosine'; warmupEpochs: number };
  /** Adam epsilon (Keras' default is 1e-7). */
  epsilon: number;
  /** null trains on the images as they are. */
  augment: AugmentOptions | null;
  labelSmoothing: number;
  /** Average predictions over the face and its mirror image when validating. */
  testTimeFlip: boolean;
  /** Also average over copies shifted 2 px four ways in the final evaluation (absent: no); see inference.ts. */
  testTimeShifts?: boolean;
  /**
   * When the training faces are clearly blurrier than the validation faces (a badly exported
   * dataset), blur every face the model is shown outside training to the training sharpness.
   */
  matchInputSharpness: boolean;
  /** Weigh each class's loss by how rare it is (absent: off); see classWeights. */
  classWeighting?: boolean;
  /** 1: total / (classes x count), so every class counts as much; 0.5: its square root, a milder push (absent: 1). */
  classWeightPower?: number;
  /** Channel widths of the default or fast architecture's stages (absent: the architecture's own). */
  widths?: number[];
  /**
   * Which weights the run saves: the epoch with the best single-pass validation accuracy (the
   * first of equals), or absent/false: the last epoch's. Changes nothing in how the run trains.
   */
  keepBestEpoch?: boolean;
  /**
   * Distillation: each face's target is `weight` of its teacher's probabilities softened by
   * `temperature` (teacher-cache.ts) and the rest its (smoothed) true label. `teacher` names the
   * teacher model, for the record; the run is given its folder. `teacherFaces`: the fingerprint of
   * the dataset the teacher was shown instead of the training faces (TrainOptions.teacherDataset).
   * Absent: the true label alone.
   */
  distillation?: { teacher: string; weight: number; temperature: number; teacherFaces?: string };
}

/** How much a student leans on its teacher, and how far the teacher's probabilities are softened. */
export const DEFAULT_DISTILLATION = { weight: 0.7, temperature: 2 } as const;

/**
 * The original Keras recipe, verbatim: Adam 1e-4 with decay 1e-6, batch 64, 50 epochs, no
 * augmentation. It keeps its best validation epoch, as a Keras ModelCheckpoint(save_best_only)
 * would: without a schedule that anneals, its last epochs wander a point up and down.
 */
export const SEED_RECIPE: Recipe = {
  architecture: 'seed',
  epochs: 50,
  batchSize: 64,
  learningRate: 1e-4,
  schedule: { kind: 'keras-decay', decay: 1e-6 },
  epsilon: 1e-7,
  augment: null,
  labelSmoothing: 0,
  testTimeFlip: false,
  matchInputSharpness: false,
  keepBestEpoch: true,
};

/**
 * Ours: augmentation with webcam conditions, square-root class weights, a warm-up + cosine
 * schedule, label smoothing and test-time averaging over ten views. 22 epochs train in about two hours
 * on two cores; the bundled model ran the same recipe longer (see docs/models.md).
 */
export const DEFAULT_RECIPE: Recipe = {
  architecture: 'default',
  epochs: 22,
  batchSize: 128,
  learningRate: 2e-3,
  schedule: { kind: 'warmup-cosine', warmupEpochs: 1 },
  epsilon: 1e-7,
  augment: WEBCAM_AUGMENT,
  labelSmoothing: 0.1,
  testTimeFlip: true,
  testTimeShifts: true,
  matchInputSharpness: true,
  classWeighting: true,
  classWeightPower: 0.5,
};

/**
 * The fast model's: the default recipe on the narrower network, with lighter augmentation (no erasing,
 * no webcam conditions): at a quarter of the capacity the heavier jitter left it underfitting (63.0%
 * single pass against 65.7%, and 59.6% against 61.3% through the app's pipeline). The bundled fast
 * model also learned from the default model (`--teacher`, see docs/models.md).
 */
export const FAST_RECIPE: Recipe = {
  ...DEFAULT_RECIPE,
  architecture: 'fast',
  augment: { ...DEFAULT_AUGMENT, eraseProbability: 0 },
};

const RECIPES: Record<Architecture, Recipe> = { seed: SEED_RECIPE, default: DEFAULT_RECIPE, fast: FAST_RECIPE };

export function recipeFor(architecture: Architecture): Recipe {
  return structuredClone(RECIPES[architecture]);
}

/** The learning rate for optimizer step `step` (0-based) of a run with `stepsPerEpoch` steps an epoch. */
export function learningRateAt(recipe: Recipe, step: number, stepsPerEpoch: number): number {
  const { schedule } = recipe;
  if (schedule.kind === 'keras-decay') return recipe.learningRate / (1 + schedule.decay * step);
  const warmup = schedule.warmupEpochs * stepsPerEpoch;
  if (step < warmup) return (recipe.learningRate * (step + 1)) / warmup;
  const total = recipe.epochs * stepsPerEpoch;
  const progress = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
  return recipe.learningRate * 0.5 * (1 + Math.cos(Math.PI * progress));
}

/** The setup a user chooses in the training wizard, as a recipe: the architecture's own, with their changes. */
export function recipeFromConfig(config: TrainingConfig): Recipe {
  const recipe = recipeFor(config.architecture);
  const { flip, shift, rotate, zoom, erase, intensity, webcam } = config.augment;
  // Each switch keeps the architecture's own strength; one its recipe leaves off (all of the seed's,
  // the fast model's erasing and webcam conditions) takes the default model's, so no switch is a no-op.
  const own: Partial<AugmentOptions> = recipe.augment ?? {};
  const strength = <K extends keyof AugmentOptions>(key: K) => own[key] || WEBCAM_AUGMENT[key];
  const augment: AugmentOptions = {
    flip,
    maxShift: shift ? strength('maxShift') : 0,
    maxRotation: rotate ? strength('maxRotation') : 0,
    maxZoom: zoom ? strength('maxZoom') : 0,
    eraseProbability: erase ? strength('eraseProbability') : 0,
    maxIntensity: intensity ? strength('maxIntensity') : 0,
    ...(webcam && {
      maxGamma: strength('maxGamma'),
      blurProbability: strength('blurProbability'),
      maxBlurSigma: strength('maxBlurSigma'),
      maxNoise: strength('maxNoise'),
      jpegProbability: strength('jpegProbability'),
    }),
  };
  return {
    ...recipe,
    epochs: config.epochs,
    batchSize: config.batchSize,
    learningRate: config.learningRate,
    schedule:
      config.schedule === 'keras-decay'
        ? { kind: 'keras-decay', decay: 1e-6 }
        : { kind: 'warmup-cosine', warmupEpochs: Math.min(1, config.epochs - 1) },
    augment: Object.values(config.augment).some(Boolean) ? augment : null,
    classWeighting: config.classWeighting,
  };
}

/**
 * Loss weights per class: (total / (classes x count)) ^ power, scaled so that the average weight
 * over the training images stays 1 (the learning rate keeps its meaning); 0 for a class with no images.
 */
export function classWeights(counts: readonly number[], power = 1): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const present = counts.filter((c) => c > 0).length;
  const raw = counts.map((count) => (count === 0 ? 0 : (total / (present * count)) ** power));
  const mean = raw.reduce((sum, weight, c) => sum + weight * counts[c], 0) / total;
  return raw.map((weight) => weight / mean);
}
