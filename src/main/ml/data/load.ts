import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readCsvDataset } from './csv';
import {
  DatasetError,
  SkipList,
  SplitBuilder,
  SPLITS,
  type FaceDataset,
  type FaceSplit,
  type SplitName,
  type ValidationReport,
} from './dataset';
import { decodeFiles, listFolderDataset } from './folder';
import type { DatasetProgress } from '@shared/training';
import { medianSharpness } from './sharpness';

/** Bump when the decoded form or the report changes, so old cache files are ignored. */
const CACHE_FORMAT = 4;
/** Splits whose median sharpness differs by more than this factor get a warning. */
const SHARPNESS_MISMATCH = 1.5;

const round = (value: number) => Math.round(value * 100) / 100;
const MAGIC = 'EMDATA';

/** What a dataset must look like, for messages about one that does not. */
export const FOLDER_LAYOUT =
  'Expected FER2013 as images in class folders: train/<emotion>/*.jpg and test/<emotion>/*.jpg (the Kaggle ' +
  'layout), or <emotion>/*.jpg to evaluate, with folders named angry, disgust, fear, happy, sad, surprise, neutral.';
export const CSV_LAYOUT =
  'Expected the original fer2013.csv: a header "emotion,pixels,Usage" and one row per face ' +
  '(emotion 0-6, 2304 space-separated pixels, Training/PublicTest/PrivateTest).';

export interface LoadOptions {
  /** Where decoded datasets are cached; `false` turns the cache off. */
  cacheDir?: string | false;
  /** How far decoding is: images of a folder (of `total`), or rows of a CSV read so far. */
  onProgress?: (progress: DatasetProgress) => void;
}

export function defaultCacheDir(): string {
  return process.env.EMOTION_MONITOR_CACHE ?? path.join(os.homedir(), '.cache', 'emotion-monitor');
}

function fingerprintOf(splits: Partial<Record<SplitName, FaceSplit>>): string {
  const hash = createHash('sha256');
  for (const name of SPLITS) {
    const split = splits[name];
    if (!split) continue;
    hash.update(name).update(split.images).update(split.labels);
  }
  return hash.digest('hex').slice(0, 16);
}

function buildDataset(
  source: string,
  format: ValidationReport['format'],
  builders: Partial<Record<SplitName, SplitBuilder>>,
  skips: SkipList,
): FaceDataset {
  const splits: Partial<Record<SplitName, FaceSplit>> = {};
  const counts: ValidationReport['counts'] = {};
  let totalImages = 0;
  for (const name of SPLITS) {
    const builder = builders[name];
    if (!builder || builder.size === 0) continue;
    splits[name] = builder.build();
    counts[name] = [...builder.counts];
    totalImages += builder.size;
  }
  const report: ValidationReport = {
    source,
    format,
    counts,
    totalImages,
    skippedCount: skips.count,
    skipped: skips.items,
    sharpness: Object.fromEntries(
      Object.entries(splits).map(([name, split]) => [name, round(medianSharpness(split.images))]),
    ),
    notes: [],
  };
  if (totalImages === 0) {
    const why =
      skips.count > 0
        ? ` (${skips.count} items skipped, first: ${skips.items[0].where}: ${skips.items[0].reason})`
        : '';
    // With nothing skipped, the folder or file is not laid out as we read it: say what we expect.
    const layout = format === 'csv' ? CSV_LAYOUT : FOLDER_LAYOUT;
    throw new DatasetError(`No usable images in ${source}${why}. ${layout}`);
  }
  if (splits.train && !splits.test)
    report.notes.push('No test split: a stratified part of train will be held out for validation.');
  const { train: trainSharpness, test: testSharpness } = report.sharpness;
  if (
    trainSharpness !== undefined &&
    testSharpness !== undefined &&
    Math.max(trainSharpness, testSharpness) > SHARPNESS_MISMATCH * Math.min(trainSharpness, testSharpness)
  ) {
    report.notes.push(
      `Warning: train and test images differ in sharpness (median ${trainSharpness} vs ${testSharpness}): ` +
        `the ${trainSharpness < testSharpness ? 'training images are blurred' : 'test images are blurred'}, ` +
        'so accuracy on test will not reflect what the model learnt. Check how the dataset was exported.',
    );
  }
  return { splits, report, fingerprint: fingerprintOf(splits) };
}

// --- cache file: MAGIC, u32 header length, JSON header, then each split's images and labels ---

async function readCache(file: string): Promise<FaceDataset | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return undefined;
  }
  try {
    if (bytes.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined;
    const headerLength = bytes.readUInt32LE(MAGIC.length);
    const start = MAGIC.length + 4;
    const header = JSON.parse(bytes.toString('utf8', start, start + headerLength)) as {
      report: ValidationReport;
      fingerprint: string;
      sizes: Partial<Record<SplitName, number>>;
    };
    let offset = start + headerLength;
    const splits: Partial<Record<SplitName, FaceSplit>> = {};
    for (const name of SPLITS) {
      const size = header.sizes[name];
      if (!size) continue;
      const images = new Uint8Array(bytes.buffer, bytes.byteOffset + offset, size * 2304);
      offset += size * 2304;
      const labels = new Uint8Array(bytes.buffer, bytes.byteOffset + offset, size);
      offset += size;
      splits[name] = { images, labels };
    }
    if (offset !== bytes.length) return undefined;
    return { splits, report: header.report, fingerprint: header.fingerprint };
  } catch {
    return undefined; // a damaged cache file is rebuilt, never trusted
  }
}

async function writeCache(file: string, dataset: FaceDataset): Promise<void> {
  const sizes = Object.fromEntries(
    SPLITS.filter((s) => dataset.splits[s]).map((s) => [s, dataset.splits[s]!.labels.length]),
  );
  const header = Buffer.from(JSON.stringify({ report: dataset.report, fingerprint: dataset.fingerprint, sizes }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const parts: Uint8Array[] = [Buffer.from(MAGIC, 'latin1'), length, header];
  for (const name of SPLITS) {
    const split = dataset.splits[name];
    if (split) parts.push(split.images, split.labels);
  }
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, Buffer.concat(parts));
  await rename(temporary, file);
}

/**
 * Loads a FER2013-style dataset: a folder in the Kaggle layout or a fer2013.csv. Decoded data is
 * cached under a key made of the source's path, names, sizes and modification times, so a
 * second load of unchanged data skips decoding.
 */
export async function loadDataset(source: string, options: LoadOptions = {}): Promise<FaceDataset> {
  const absolute = path.resolve(source);
  let info;
  try {
    info = await stat(absolute);
  } catch (error) {
    throw new DatasetError(`Dataset not found: ${absolute} (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  const skips = new SkipList();
  const key = createHash('sha256').update(`v${CACHE_FORMAT}\0${absolute}\0`);
  let files: Awaited<ReturnType<typeof listFolderDataset>>['files'] = [];
  let format: ValidationReport['format'] = 'csv';
  if (info.isDirectory()) {
    ({ files, format } = await listFolderDataset(absolute, skips));
    // Synchronous stats: tens of thousands of tiny calls are several times faster than promises.
    for (const f of files) {
      const s = statSync(f.path);
      key.update(`${f.path}\0${s.size}\0${s.mtimeMs}\0`);
    }
  } else {
    key.update(`csv\0${info.size}\0${info.mtimeMs}`);
  }
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const cacheFile = cacheDir ? path.join(cacheDir, 'datasets', `${key.digest('hex').slice(0, 24)}.bin`) : undefined;
  if (cacheFile) {
    const cached = await readCache(cacheFile);
    if (cached) return cached;
  }

  let dataset: FaceDataset;
  if (info.isDirectory()) {
    const decoded = await decodeFiles(files, undefined, (done) =>
      options.onProgress?.({ done, total: files.length, unit: 'images' }),
    );
    const builders: Partial<Record<SplitName, SplitBuilder>> = {};
    files.forEach((file, i) => {
      const error = decoded.errors[i];
      if (error) skips.add(file.path, error);
      else
        (builders[file.split] ??= new SplitBuilder()).add(decoded.faces.subarray(i * 2304, (i + 1) * 2304), file.label);
    });
    dataset = buildDataset(absolute, format, builders, skips);
  } else {
    const onRows = (done: number) => options.onProgress?.({ done, unit: 'rows' });
    dataset = buildDataset(absolute, 'csv', await readCsvDataset(absolute, skips, onRows), skips);
  }
  if (cacheFile) await writeCache(cacheFile, dataset).catch(() => undefined); // caching is best effort
  return dataset;
}
