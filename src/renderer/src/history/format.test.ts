import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '@shared/emotions';
import {
  bucketFor,
  dominantSegments,
  EMOTION_COLORS,
  EMOTION_DASHES,
  meanProbabilities,
  stack,
  formatSigned,
} from './format';

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

describe("the emotions' colours and dashes", () => {
  /** WCAG 2.1's relative luminance and contrast ratio. */
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5]
      .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a: string, b: string) => {
    const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
  };

  it('stand out at 3:1 or more from the page, its panels and the report’s paper', () => {
    // App.svelte's page background and --surface, and the printed report's white.
    for (const background of ['#14181d', '#222a33', '#ffffff']) {
      for (const emotion of EMOTIONS) {
        expect(contrast(EMOTION_COLORS[emotion], background), `${emotion} on ${background}`).toBeGreaterThanOrEqual(3);
      }
    }
  });

  it('never rest on colour alone: each emotion’s line has a dash pattern of its own', () => {
    const patterns = EMOTIONS.map((emotion) => EMOTION_DASHES[emotion].join(','));
    expect(new Set(patterns).size).toBe(EMOTIONS.length);
    expect(new Set(EMOTIONS.map((emotion) => EMOTION_COLORS[emotion])).size).toBe(EMOTIONS.length);
  });

  it('carry black text at 4.5:1 or more (the names written on the chart’s band)', () => {
    for (const emotion of EMOTIONS) {
      expect(contrast(EMOTION_COLORS[emotion], '#000000'), emotion).toBeGreaterThanOrEqual(4.5);
    }
  });
});
