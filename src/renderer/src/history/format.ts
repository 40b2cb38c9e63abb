import { EMOTIONS, NUM_CLASSES, topEmotionIndex, type Emotion } from '@shared/emotions';
import { MAX_STRETCH_BUCKETS, type TimelineBucket } from '@shared/sessions';

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
export function dominantSegments(timeline: readonly ChartBucket[], bucketMs: number): DominantSegment[] {
  const segments: DominantSegment[] = [];
  for (const bucket of timeline) {
    const start = bucket.offsetMs / 1000;
    const end = (bucket.offsetMs + (bucket.spanMs ?? bucketMs)) / 1000;
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

/** A bucket of a chart's timeline; `spanMs` where it is not the timeline's own size (a stretch read finer). */
export type ChartBucket = TimelineBucket & { spanMs?: number };

/** A stretch of a session to read at a finer bucket than its whole timeline's (History's zoom). */
export interface FinerStretch {
  fromMs: number;
  toMs: number;
  bucketMs: number;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * What a chart zoomed to `view` (seconds) of a timeline in buckets of `wholeBucketMs` should read
 * finer, or undefined when those buckets are already as fine as the view can show. The stretch
 * reaches a view's width beyond either side (a little panning stays fine) and starts and ends on
 * edges of both bucket sizes, so that it replaces whole buckets of the whole timeline.
 */
export function finerStretchFor(view: { min: number; max: number }, wholeBucketMs: number): FinerStretch | undefined {
  const widthMs = Math.max(0, (view.max - view.min) * 1000);
  for (let bucketMs = bucketFor(widthMs); bucketMs < wholeBucketMs; bucketMs = bucketFor(bucketMs + 1, 1)) {
    const edge = (wholeBucketMs / gcd(wholeBucketMs, bucketMs)) * bucketMs;
    const fromMs = Math.max(0, Math.floor((view.min * 1000 - widthMs) / edge) * edge);
    const toMs = Math.max(fromMs + edge, Math.ceil((view.max * 1000 + widthMs) / edge) * edge);
    if ((toMs - fromMs) / bucketMs <= MAX_STRETCH_BUCKETS) return { fromMs, toMs, bucketMs };
  }
  return undefined;
}

/**
 * The whole timeline with a stretch of it read finer: its own buckets outside the stretch, the
 * finer ones inside. The stretch lies on the whole timeline's bucket edges (finerStretchFor), so no
 * sample is counted twice or left out, and means over the chart stay the session's.
 */
export function withFinerStretch(
  whole: readonly TimelineBucket[],
  stretch: FinerStretch,
  finer: readonly TimelineBucket[],
): ChartBucket[] {
  return [
    ...whole.filter((bucket) => bucket.offsetMs < stretch.fromMs),
    ...finer.map((bucket) => ({ ...bucket, spanMs: stretch.bucketMs })),
    ...whole.filter((bucket) => bucket.offsetMs >= stretch.toMs),
  ];
}
