import { EMOTIONS, type Emotion } from '@shared/emotions';
import type { SegmentSummary } from '@shared/sessions';

/** Samples of one segment with one top emotion: how many, and their summed valence and arousal. */
export interface SegmentCounts {
  label: number;
  n: number;
  valence: number;
  arousal: number;
}

/** From samples counted by top emotion: each emotion's share, and the most frequent (the first on a tie). */
export function topShares(groups: readonly { label: number; n: number }[]): {
  samples: number;
  timeShares: number[];
  dominant?: Emotion;
} {
  const samples = groups.reduce((sum, group) => sum + group.n, 0);
  if (samples === 0) return { samples, timeShares: EMOTIONS.map(() => 0) };
  const timeShares = EMOTIONS.map((_, label) => (groups.find((group) => group.label === label)?.n ?? 0) / samples);
  return { samples, timeShares, dominant: EMOTIONS[timeShares.indexOf(Math.max(...timeShares))] };
}

/** A segment's statistics from its samples grouped by top emotion. */
export function summariseSegment(
  segment: Pick<SegmentSummary, 'markerId' | 'label' | 'startMs' | 'endMs'>,
  groups: readonly SegmentCounts[],
): SegmentSummary {
  const { samples, timeShares, dominant } = topShares(groups);
  return {
    ...(segment.markerId === undefined ? {} : { markerId: segment.markerId }),
    label: segment.label,
    startMs: segment.startMs,
    endMs: segment.endMs,
    samples,
    timeShares,
    ...(samples
      ? {
          dominant,
          valence: groups.reduce((sum, group) => sum + group.valence, 0) / samples,
          arousal: groups.reduce((sum, group) => sum + group.arousal, 0) / samples,
        }
      : {}),
  };
}
