import { describe, expect, it } from 'vitest';
import { bucketFor, dominantSegments, meanProbabilities, stack, formatSigned } from './format';

describe('history formatting', () => {
  it('picks a round bucket that keeps a long session to about the screen width', () => {
    expect(bucketFor(60_000)).toBe(1000);
    expect(bucketFor(3_600_000)).toBe(5000); // one hour: 720 points
    expect(3_600_000 / bucketFor(3_600_000)).toBeLessThanOrEqual(1200);
    expect(bucketFor(24 * 3_600_000)).toBe(120_000);
  });

  it('stacks series cumulatively', () => {
    expect(
      stack([
        [0.2, 0.5],
        [0.3, 0.1],
        [0.5, 0.4],
      ]),
    ).toEqual([
      [0.2, 0.5],
      [0.5, 0.6],
      [1, 1],
    ]);
  });

  const bucket = (offsetMs: number, top: number, samples = 5) => ({
    offsetMs,
    samples,
    probabilities: Array.from({ length: 7 }, (_, c) => (c === top ? 0.7 : 0.05)),
    valence: 0,
    arousal: 0,
  });

  it('merges buckets into dominant-emotion segments, with gaps where no face was seen', () => {
    const timeline = [bucket(0, 3), bucket(1000, 3), bucket(2000, 4), bucket(5000, 4), bucket(6000, 4)];
    expect(dominantSegments(timeline, 1000)).toEqual([
      { start: 0, end: 2, label: 3 },
      { start: 2, end: 3, label: 4 },
      { start: 5, end: 7, label: 4 },
    ]);
    expect(dominantSegments([], 1000)).toEqual([]);
  });

  it('averages probabilities over a timeline, weighted by samples', () => {
    const means = meanProbabilities([bucket(0, 3, 3), bucket(1000, 0, 1)]);
    expect(means[3]).toBeCloseTo((0.7 * 3 + 0.05) / 4);
    expect(means[0]).toBeCloseTo((0.05 * 3 + 0.7) / 4);
    expect(meanProbabilities([])).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('formatSigned', () => {
  it('shows the sign and two decimals', () => {
    expect([formatSigned(0.456), formatSigned(-0.2), formatSigned(0)]).toEqual(['+0.46', '−0.20', '+0.00']);
  });
});
