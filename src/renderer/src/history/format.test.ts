import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '@shared/emotions';
import {
  bucketFor,
  dominantSegments,
  EMOTION_COLORS,
  EMOTION_DASHES,
  finerStretchFor,
  meanProbabilities,
  withFinerStretch,
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

  it('reads a zoomed stretch of a long session finer, on edges of both bucket sizes', () => {
    const bucketOfHours = (n: number) => bucketFor(n * 3_600_000); // a session of n hours: its whole timeline's bucket
    // Two hours in 10 s buckets, zoomed to ten minutes: seconds, a view's width either side.
    expect(finerStretchFor({ min: 3000, max: 3600 }, bucketOfHours(2))).toEqual({
      fromMs: 2_400_000,
      toMs: 4_200_000,
      bucketMs: 1000,
    });
    // A day in 2 min buckets, zoomed to an hour: 5 s buckets, from and to on whole 2 min edges.
    const day = finerStretchFor({ min: 40_000.5, max: 43_600.5 }, bucketOfHours(24))!;
    expect(day.bucketMs).toBe(5000);
    for (const edge of [day.fromMs, day.toMs]) expect([edge % 120_000, edge % 5000]).toEqual([0, 0]);
    expect(day.fromMs).toBeLessThanOrEqual((40_000.5 - 3600) * 1000);
    expect(day.toMs).toBeGreaterThanOrEqual((43_600.5 + 3600) * 1000);
    // 15 s buckets and 2 s ones: edges on both (30 s).
    const odd = finerStretchFor({ min: 1001, max: 1200 }, bucketOfHours(5))!;
    expect(odd.bucketMs).toBe(1000);
    expect(finerStretchFor({ min: 1001, max: 3000 }, bucketOfHours(5))).toMatchObject({ bucketMs: 2000, fromMs: 0 });
    expect(finerStretchFor({ min: 6001, max: 8000 }, bucketOfHours(5))!.fromMs % 30_000).toBe(0);
    // Zoomed out, or a session already at its finest: nothing finer to read.
    expect(finerStretchFor({ min: 0, max: 7200 }, bucketOfHours(2))).toBeUndefined();
    expect(finerStretchFor({ min: 0, max: 10 }, bucketFor(600_000))).toBeUndefined();
    // Never more buckets than one read may ask for, however long the session.
    const long = finerStretchFor({ min: 0, max: 60 }, bucketOfHours(24 * 365))!;
    expect((long.toMs - long.fromMs) / long.bucketMs).toBeLessThanOrEqual(10_000);
  });

  it("shows a stretch read finer in place of the whole timeline's buckets it covers", () => {
    const whole = [bucket(0, 3, 10), bucket(10_000, 4, 10), bucket(20_000, 4, 10), bucket(30_000, 3, 10)];
    const finer = [bucket(10_000, 4, 5), bucket(15_000, 0, 5)];
    const shown = withFinerStretch(whole, { fromMs: 10_000, toMs: 20_000, bucketMs: 5000 }, finer);
    expect(shown.map((b) => [b.offsetMs, b.spanMs])).toEqual([
      [0, undefined],
      [10_000, 5000],
      [15_000, 5000],
      [20_000, undefined],
      [30_000, undefined],
    ]);
    // The band follows each bucket's own length: no gap after the finer buckets, angry for 5 s only.
    expect(dominantSegments(shown, 10_000)).toEqual([
      { start: 0, end: 10, label: 3 },
      { start: 10, end: 15, label: 4 },
      { start: 15, end: 20, label: 0 },
      { start: 20, end: 30, label: 4 },
      { start: 30, end: 40, label: 3 },
    ]);
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
