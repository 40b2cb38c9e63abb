import { describe, expect, it } from 'vitest';
import { DEFAULT_RECIPE, learningRateAt, SEED_RECIPE } from './recipes';

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
