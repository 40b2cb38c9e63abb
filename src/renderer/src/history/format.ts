import { EMOTIONS, NUM_CLASSES, topEmotionIndex, type Emotion } from '@shared/emotions';
import type { TimelineBucket } from '@shared/sessions';

/** One colour per emotion, in EMOTIONS order: distinct, and readable on the dark background. */
/**
 * The emotions' colours everywhere (charts, bars, swatches): hues of Okabe and Ito's palette for
 * colour-blind readers, each darkened or lightened to at least 3:1 against the app's page and
 * panels and against the report's white paper (format.test.ts checks it). Colour is never the only
 * cue: every chart line also has its own dash pattern (EMOTION_DASHES), and every bar its label.
 */
export const EMOTION_COLORS: Record<Emotion, string> = {
  angry: '#d55e00', // vermillion
  disgust: '#009e73', // bluish green
  fear: '#cc79a7', // reddish purple
  happy: '#b38000', // ochre
  sad: '#2f86c8', // blue
  surprise: '#9467bd', // violet
  neutral: '#808a94', // grey
};

/** Each emotion's line pattern on a chart (canvas dash: on, off, … in CSS pixels; empty is solid). */
export const EMOTION_DASHES: Record<Emotion, number[]> = {
  angry: [],
  disgust: [10, 4],
  fear: [2, 3],
  happy: [12, 3, 2, 3],
  sad: [6, 6],
  surprise: [2, 3, 2, 3, 10, 3],
  neutral: [1, 6],
};

export const emotionColor = (index: number): string => EMOTION_COLORS[EMOTIONS[index]];

/**
 * The bucket size for a timeline of `durationMs` drawn `points` wide: whole seconds or minutes,
 * so an hour-long session is aggregated in SQL to what the screen can show.
 */
export function bucketFor(durationMs: number, points = 1200): number {
  const raw = Math.max(1000, durationMs / points);
  const steps = [1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000];
  return steps.find((step) => step >= raw) ?? Math.ceil(raw / 600_000) * 600_000;
}

/** Series for a stacked chart: each emotion's band sits on the ones before it (cumulative sums). */
export function stack(series: number[][]): number[][] {
  const out: number[][] = [];
  series.forEach((values, i) => out.push(values.map((v, j) => v + (i > 0 ? out[i - 1][j] : 0))));
  return out;
}

/** A stretch of a session during which one emotion was on top, in seconds. */
export interface DominantSegment {
  start: number;
  end: number;
  label: number;
}

/**
 * The dominant-emotion band: consecutive buckets with the same top emotion merged, and a gap
 * wherever buckets are missing (no face was seen there).
 */
export function dominantSegments(timeline: readonly TimelineBucket[], bucketMs: number): DominantSegment[] {
  const segments: DominantSegment[] = [];
  for (const bucket of timeline) {
    const start = bucket.offsetMs / 1000;
    const end = (bucket.offsetMs + bucketMs) / 1000;
    const label = topEmotionIndex(bucket.probabilities);
    const last = segments.at(-1);
    if (last && last.label === label && Math.abs(last.end - start) < 1e-9) last.end = end;
    else segments.push({ start, end, label });
  }
  return segments;
}

/** Mean probability of each emotion over a timeline, each bucket weighted by its samples. */
export function meanProbabilities(timeline: readonly TimelineBucket[]): number[] {
  const sums = new Array<number>(NUM_CLASSES).fill(0);
  let samples = 0;
  for (const bucket of timeline) {
    bucket.probabilities.forEach((p, c) => (sums[c] += p * bucket.samples));
    samples += bucket.samples;
  }
  return sums.map((sum) => (samples === 0 ? 0 : sum / samples));
}

/** A value in [-1, 1] with its sign and two decimals (valence, arousal). */
export function formatSigned(value: number): string {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`;
}
