import { describe, expect, it } from 'vitest';
import { defaultTrainingConfig } from '@shared/training';
import { WEBCAM_AUGMENT } from './augment';
import { classWeights, DEFAULT_RECIPE, FAST_RECIPE, learningRateAt, recipeFromConfig, SEED_RECIPE } from './recipes';

describe('learning-rate schedules', () => {
  it('decays like Keras Adam(decay=1e-6) for the seed recipe', () => {
    expect(learningRateAt(SEED_RECIPE, 0, 448)).toBe(1e-4);
    expect(learningRateAt(SEED_RECIPE, 1_000_000, 448)).toBeCloseTo(5e-5);
  });

  it('warms up linearly, peaks, then follows a cosine to zero', () => {
    const recipe = {
      ...DEFAULT_RECIPE,
      epochs: 10,
      learningRate: 1e-3,
      schedule: { kind: 'warmup-cosine' as const, warmupEpochs: 1 },
    };
    const steps = 100;
    expect(learningRateAt(recipe, 0, steps)).toBeCloseTo(1e-5);
    expect(learningRateAt(recipe, 99, steps)).toBeCloseTo(1e-3);
    expect(learningRateAt(recipe, 100, steps)).toBeCloseTo(1e-3);
    expect(learningRateAt(recipe, 550, steps)).toBeCloseTo(5e-4);
    expect(learningRateAt(recipe, 1000, steps)).toBeCloseTo(0);
  });

  it('keeps the seed recipe verbatim', () => {
    expect(SEED_RECIPE).toMatchObject({
      epochs: 50,
      batchSize: 64,
      learningRate: 1e-4,
      augment: null,
      labelSmoothing: 0,
    });
    expect(SEED_RECIPE.schedule).toEqual({ kind: 'keras-decay', decay: 1e-6 });
  });
});

describe('recipes from the wizard', () => {
  it("gives back each architecture's own recipe from its default settings", () => {
    expect(recipeFromConfig(defaultTrainingConfig('seed'))).toEqual({ ...SEED_RECIPE, classWeighting: false });
    expect(recipeFromConfig(defaultTrainingConfig('default'))).toEqual(DEFAULT_RECIPE);
    expect(recipeFromConfig(defaultTrainingConfig('fast'))).toEqual(FAST_RECIPE);
  });

  it("gives a switch the default model's strength where the architecture's recipe leaves it off", () => {
    const config = defaultTrainingConfig('fast');
    const all = recipeFromConfig({ ...config, augment: { ...config.augment, erase: true, webcam: true } }).augment!;
    expect(all.eraseProbability).toBe(WEBCAM_AUGMENT.eraseProbability);
    expect(all.jpegProbability).toBe(WEBCAM_AUGMENT.jpegProbability);
    expect(all.maxZoom).toBe(FAST_RECIPE.augment!.maxZoom);
    const seed = defaultTrainingConfig('seed');
    const shifted = recipeFromConfig({ ...seed, augment: { ...seed.augment, shift: true } }).augment!;
    expect(shifted).toMatchObject({ maxShift: WEBCAM_AUGMENT.maxShift, maxRotation: 0, eraseProbability: 0 });
  });

  it('adds webcam conditions with their switch, at the default recipe strengths', () => {
    const config = defaultTrainingConfig('default');
    const withWebcam = recipeFromConfig({ ...config, augment: { ...config.augment, webcam: true } }).augment!;
    expect(withWebcam).toMatchObject({
      maxGamma: WEBCAM_AUGMENT.maxGamma,
      blurProbability: WEBCAM_AUGMENT.blurProbability,
      maxNoise: WEBCAM_AUGMENT.maxNoise,
      jpegProbability: WEBCAM_AUGMENT.jpegProbability,
    });
    const without = recipeFromConfig({ ...config, augment: { ...config.augment, webcam: false } }).augment!;
    expect(without.maxGamma ?? 0).toBe(0);
    expect(without.jpegProbability ?? 0).toBe(0);
  });

  it('turns augmentations off one by one, and all off into none', () => {
    const config = defaultTrainingConfig('default');
    const noRotation = recipeFromConfig({ ...config, augment: { ...config.augment, rotate: false, flip: false } });
    expect(noRotation.augment).toMatchObject({ maxRotation: 0, flip: false, maxShift: WEBCAM_AUGMENT.maxShift });
    const off = Object.fromEntries(Object.keys(config.augment).map((k) => [k, false])) as typeof config.augment;
    expect(recipeFromConfig({ ...config, augment: off }).augment).toBeNull();
  });

  it('weighs rare classes up, so each class weighs the same in total', () => {
    const counts = [400, 50, 400, 800, 0, 400, 400];
    const weights = classWeights(counts);
    expect(weights[4]).toBe(0);
    const totals = counts.map((c, i) => c * weights[i]).filter((t) => t > 0);
    for (const total of totals) expect(total).toBeCloseTo(totals[0]);
    expect(weights[1]).toBeCloseTo(16 * weights[3]);
  });

  it('weighs rare classes up more gently with a smaller power, keeping the mean weight per image at 1', () => {
    const counts = [400, 50, 400, 800, 0, 400, 400];
    const total = counts.reduce((a, b) => a + b, 0);
    for (const power of [1, 0.5]) {
      const weights = classWeights(counts, power);
      expect(counts.reduce((sum, c, i) => sum + c * weights[i], 0) / total).toBeCloseTo(1, 10);
    }
    const gentle = classWeights(counts, 0.5);
    expect(gentle[1] / gentle[3]).toBeCloseTo(4); // sqrt(800 / 50)
  });
});
