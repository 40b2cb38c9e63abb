import { EMOTIONS, NUM_CLASSES } from '@shared/emotions';
import { FACE_PIXELS } from './image';
import { SPLITS, type EvaluatedSplit, type SkippedItem, type SplitName, type ValidationReport } from '@shared/training';

export { SPLITS, type SkippedItem, type SplitName, type ValidationReport };

/** Images of one split: `images` holds FACE_PIXELS bytes per face, `labels` one class index each. */
export interface FaceSplit {
  images: Uint8Array;
  labels: Uint8Array;
}

export interface FaceDataset {
  splits: Partial<Record<SplitName, FaceSplit>>;
  report: ValidationReport;
  /** Hash of the decoded pixels and labels: identifies the data a model was trained on. */
  fingerprint: string;
}

export class DatasetError extends Error {}

export const MAX_LISTED_SKIPS = 500;

export function splitSize(split: FaceSplit | undefined): number {
  return split ? split.labels.length : 0;
}

/** Collects faces of one split as they are read. */
export class SplitBuilder {
  private chunks: Uint8Array[] = [];
  private labelList: number[] = [];
  readonly counts = new Array<number>(NUM_CLASSES).fill(0);

  add(face: Uint8Array, label: number): void {
    this.chunks.push(face);
    this.labelList.push(label);
    this.counts[label]++;
  }

  get size(): number {
    return this.labelList.length;
  }

  build(): FaceSplit {
    const images = new Uint8Array(this.chunks.length * FACE_PIXELS);
    this.chunks.forEach((chunk, i) => images.set(chunk, i * FACE_PIXELS));
    return { images, labels: Uint8Array.from(this.labelList) };
  }
}

export class SkipList {
  readonly items: SkippedItem[] = [];
  count = 0;

  add(where: string, reason: string): void {
    this.count++;
    if (this.items.length < MAX_LISTED_SKIPS) this.items.push({ where, reason });
  }
}

/**
 * The faces to score a model on: the split asked for, else the test split (or fer2013.csv's
 * private test), else every image of a folder of class folders. A dataset with only a training
 * split is not scored by default, since a model may have learnt those very faces.
 */
export function evaluationSplit(
  dataset: FaceDataset,
  requested?: SplitName,
): { split: EvaluatedSplit; faces: FaceSplit } {
  const { splits, report } = dataset;
  const present = SPLITS.filter((name) => splits[name]);
  if (requested) {
    const faces = splits[requested];
    if (!faces) throw new DatasetError(`${report.source} has no ${requested} split (it has: ${present.join(', ')})`);
    return { split: report.format === 'class-folders' ? 'all' : requested, faces };
  }
  if (report.format === 'class-folders') return { split: 'all', faces: splits.train! };
  for (const name of ['test', 'privateTest'] as const) {
    const faces = splits[name];
    if (faces) return { split: name, faces };
  }
  throw new DatasetError(
    `${report.source} has only a training split: pass --split train to score a model on its training images`,
  );
}

export function formatReport(report: ValidationReport): string {
  const header = ['split', ...EMOTIONS, 'total'].map((s) => s.padStart(9)).join('');
  const rows = Object.entries(report.counts).map(([split, counts]) =>
    [split, ...counts, counts.reduce((a, b) => a + b, 0)].map((v) => String(v).padStart(9)).join(''),
  );
  const lines = [`${report.source} (${report.format}): ${report.totalImages} images`, header, ...rows];
  if (report.skippedCount > 0) {
    lines.push(`skipped ${report.skippedCount}:`);
    for (const item of report.skipped.slice(0, 20)) lines.push(`  ${item.where}: ${item.reason}`);
    if (report.skippedCount > 20) lines.push(`  ... and ${report.skippedCount - 20} more`);
  }
  lines.push(...report.notes);
  return lines.join('\n');
}
