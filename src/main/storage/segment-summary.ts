import { EMOTIONS, type Emotion } from '@shared/emotions';
import type { SegmentSummary } from '@shared/sessions';
import type { Totals } from './sample-sums';

/** From samples' totals: each emotion's share of the samples it was on top of, and the most frequent (the first on a tie). */
export function topShares(totals: Pick<Totals, 'n' | 'tops'>): { timeShares: number[]; dominant?: Emotion } {
  if (totals.n === 0) return { timeShares: EMOTIONS.map(() => 0) };
  const timeShares = totals.tops.map((count) => count / totals.n);
  return { timeShares, dominant: EMOTIONS[timeShares.indexOf(Math.max(...timeShares))] };
}

/** A segment's statistics from its samples' totals. */
export function summariseSegment(
  segment: Pick<SegmentSummary, 'markerId' | 'label' | 'startMs' | 'endMs'>,
  totals: Totals,
): SegmentSummary {
  const { timeShares, dominant } = topShares(totals);
  return {
    ...(segment.markerId === undefined ? {} : { markerId: segment.markerId }),
    label: segment.label,
    startMs: segment.startMs,
    endMs: segment.endMs,
    samples: totals.n,
    timeShares,
    ...(totals.n ? { dominant, valence: totals.valence / totals.n, arousal: totals.arousal / totals.n } : {}),
  };
}
