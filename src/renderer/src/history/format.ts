import { EMOTIONS, NUM_CLASSES, topEmotionIndex, type Emotion } from '@shared/emotions';
import type { TimelineBucket } from '@shared/sessions';

/** One colour per emotion, in EMOTIONS order: distinct, and readable on the dark background. */
export const EMOTION_COLORS: Record<Emotion, string> = {
  angry: '#e5484d',
  disgust: '#8e4ec6',
  fear: '#f5a524',
  happy: '#46c37b',
  sad: '#3e8ed0',
  surprise: '#f76ce8',
  neutral: '#9aa5b1',
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
