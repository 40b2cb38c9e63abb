import { describe, expect, it } from 'vitest';
import { applyBaseline, baselineFactors, meanDistribution } from './baseline';
import { EMOTIONS } from './emotions';

const at = (emotion: string) => EMOTIONS.indexOf(emotion as (typeof EMOTIONS)[number]);
//                  angry disgust fear happy sad  surprise neutral
const reference = [0.06, 0.01, 0.06, 0.05, 0.12, 0.02, 0.68]; // how neutral faces read in general
const baseline = [0.15, 0.01, 0.06, 0.03, 0.35, 0.02, 0.38]; // this person's resting face reads sad

describe('neutral-baseline correction', () => {
  it('at full strength turns the participant’s resting face into the model’s typical neutral face', () => {
    const corrected = applyBaseline(baseline, baselineFactors(baseline, reference, 1));
    corrected.forEach((p, c) => expect(p).toBeCloseTo(reference[c], 10));
    expect(corrected.indexOf(Math.max(...corrected))).toBe(at('neutral'));
  });

  it('at strength 0 changes nothing, and in between moves part of the way', () => {
    const face = [0.1, 0.02, 0.08, 0.1, 0.4, 0.05, 0.25];
    applyBaseline(face, baselineFactors(baseline, reference, 0)).forEach((p, c) => expect(p).toBeCloseTo(face[c], 12));
    const half = applyBaseline(face, baselineFactors(baseline, reference, 0.5));
    const full = applyBaseline(face, baselineFactors(baseline, reference, 1));
    expect(half[at('sad')]).toBeLessThan(face[at('sad')]);
    expect(half[at('sad')]).toBeGreaterThan(full[at('sad')]);
    expect(half.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('works out the factors by hand: (r / b)^s per class', () => {
    const factors = baselineFactors(baseline, reference, 0.5);
    expect(factors[at('sad')]).toBeCloseTo(Math.sqrt(0.12 / 0.35), 12);
    expect(factors[at('neutral')]).toBeCloseTo(Math.sqrt(0.68 / 0.38), 12);
    expect(factors[at('disgust')]).toBeCloseTo(1, 12);
    // A class the baseline never shows is floored, not divided by zero.
    const zero = baselineFactors([0, 0, 0, 0, 0, 0, 1], reference, 1);
    expect(zero.every(Number.isFinite)).toBe(true);
    expect(() => baselineFactors(baseline, reference, 1.5)).toThrow(/from 0 to 1/);
  });

  it('keeps a clear expression clear: a happy face stays happy', () => {
    const happy = [0.02, 0.01, 0.02, 0.85, 0.04, 0.02, 0.04];
    const corrected = applyBaseline(happy, baselineFactors(baseline, reference, 1));
    expect(corrected.indexOf(Math.max(...corrected))).toBe(at('happy'));
  });

  it('averages frames into a baseline, and needs at least one', () => {
    expect(meanDistribution([reference, baseline])[at('sad')]).toBeCloseTo((0.12 + 0.35) / 2, 12);
    expect(() => meanDistribution([])).toThrow(/at least one frame/);
  });
});
