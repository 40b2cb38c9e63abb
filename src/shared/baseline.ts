/**
 * Per-person neutral-baseline correction. Expression models are biased per person: a resting face
 * may read as sad or angry. A participant's baseline `b` is the mean distribution the model gives
 * their neutral face over a few seconds; the model's reference `r` is the mean it gives neutral
 * faces in general (FER2013's neutral test faces). The correction
 *
 *     p'(c) ∝ p(c) · (r(c) / b(c))^s,   s in [0, 1]
 *
 * is a change of prior (Bayes' rule with the person's bias taken out): at s = 1 the participant's
 * own resting face reads exactly as the model's typical neutral face, and every other expression of
 * theirs is shifted by the same per-class factor; s = 0 leaves the probabilities as they are.
 * Dividing by `b` alone (without `r`) would turn the resting face into a uniform guess instead of
 * "neutral", which is why the reference is part of the rule.
 */
import { NUM_CLASSES } from './emotions';

/** The strength used unless the user picks another: half the correction (the baseline is a few seconds). */
export const DEFAULT_BASELINE_STRENGTH = 0.5;

/** Smallest probability the factors divide by: a class the baseline never shows must not explode. */
const FLOOR = 1e-3;

/** Per-class factors (r / b)^s of the correction, for one participant. */
export function baselineFactors(baseline: ArrayLike<number>, reference: ArrayLike<number>, strength: number): number[] {
  if (!(strength >= 0 && strength <= 1)) throw new Error(`The strength must be from 0 to 1, not ${strength}`);
  return Array.from({ length: NUM_CLASSES }, (_, c) =>
    Math.pow(Math.max(reference[c], FLOOR) / Math.max(baseline[c], FLOOR), strength),
  );
}

/** Probabilities corrected by a participant's factors, renormalised to sum to 1. */
export function applyBaseline(probabilities: ArrayLike<number>, factors: readonly number[]): number[] {
  const scaled = Array.from({ length: NUM_CLASSES }, (_, c) => probabilities[c] * factors[c]);
  const total = scaled.reduce((sum, value) => sum + value, 0);
  return total > 0 ? scaled.map((value) => value / total) : Array.from(probabilities);
}

/** The mean of several distributions (a baseline from the frames of a few seconds). */
export function meanDistribution(distributions: readonly ArrayLike<number>[]): number[] {
  if (distributions.length === 0) throw new Error('A baseline needs at least one frame of the face');
  const mean = new Array<number>(NUM_CLASSES).fill(0);
  for (const p of distributions) for (let c = 0; c < NUM_CLASSES; c++) mean[c] += p[c] / distributions.length;
  return mean;
}
