import { splitLabel, type RunProgress, type RunReport, type TrainingRun } from '@shared/training';

import { percent } from '@shared/format';

export { percent };

/**
 * How often a face shown at 80% is right, read off the expected calibration error: "about 77%–83%",
 * or "about 80%" when the error rounds away.
 */
export function rightAtEighty(ece: number): string {
  const low = percent(Math.max(0, 0.8 - ece), 0);
  const high = percent(Math.min(1, 0.8 + ece), 0);
  return low === high ? `about ${low}` : `about ${low}–${high}`;
}

/** 45 s, 12 min, 3 h 05 min */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** The fraction of the whole run done: finished epochs plus the part of the current one. */
export function runFraction(run: Pick<TrainingRun, 'config' | 'history'> & { progress?: RunProgress }): number {
  const { epochs } = run.config;
  const done = run.progress ? run.progress.epoch - 1 + run.progress.batch / run.progress.batches : run.history.length;
  return Math.min(1, Math.max(0, done / epochs));
}

/** Each row of a confusion matrix divided by its total (0 for an empty row). */
export function rowNormalised(confusion: number[][]): number[][] {
  return confusion.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((value) => (total === 0 ? 0 : value / total));
  });
}

export const STATUS_LABELS: Record<TrainingRun['status'], string> = {
  queued: 'Queued',
  running: 'Training',
  paused: 'Paused',
  cancelled: 'Cancelled',
  failed: 'Failed',
  done: 'Done',
};

/** Which epoch's weights a run's model holds, and how that epoch was chosen (absent: not known). */
export function keptEpochNote(
  report: Pick<RunReport, 'savedEpoch' | 'bestEpoch' | 'keptBest' | 'split'>,
): string | undefined {
  const { savedEpoch: saved, bestEpoch: best } = report;
  if (!saved) return undefined;
  if (report.keptBest) {
    return (
      `The model holds the weights of epoch ${saved.epoch}, kept because it scored best ` +
      `(${percent(saved.valAccuracy)} in a single pass) on ${splitLabel(report.split)}: ` +
      'the same images as the numbers above, which flatters them a little.'
    );
  }
  const better =
    best && best.epoch !== saved.epoch
      ? `; epoch ${best.epoch} had scored ${percent(best.valAccuracy)} and the last ${percent(saved.valAccuracy)} in a single pass`
      : '';
  return `The model holds the weights of the last epoch (${saved.epoch}), not of an epoch picked by its validation score${better}.`;
}
