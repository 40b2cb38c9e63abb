import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  csvRow,
  encodeJpegGray,
  encodePng,
  patternPixel,
  SHARED_FER2013,
  temporaryDir,
  writeFiles,
} from '../test-support/fixtures';
import { trainingSplits } from './split';
import type { DatasetProgress } from '@shared/training';
import { DatasetError, evaluationSplit } from './dataset';
import { loadDataset } from './load';
import { splitCsvLine } from './csv';

async function folderFixture(): Promise<string> {
  const root = await temporaryDir();
  await writeFiles(root, {
    'train/happy/a.jpg': encodeJpegGray(48, 48, 1),
    'train/happy/b.png': encodePng(64, 64, () => [10, 20, 30]),
    'train/Angry/c.jpg': encodeJpegGray(48, 48, 2),
    'train/sad/broken.jpg': encodeJpegGray(48, 48, 3).subarray(0, 100),
    'train/sad/notes.txt': 'not an image',
    'train/sad/.DS_Store': 'ignored',
    'train/contempt/d.jpg': encodeJpegGray(48, 48, 4),
    'test/neutral/e.jpg': encodeJpegGray(48, 48, 5),
    'extras/f.jpg': encodeJpegGray(48, 48, 6),
  });
  return root;
}

describe('loadDataset: Kaggle folder layout', () => {
  it('reads splits and classes (any case), converts sizes and colours, and reports what it skipped', async () => {
    const root = await folderFixture();
    const dataset = await loadDataset(root, { cacheDir: false });
    const { report } = dataset;
    expect(report.format).toBe('folder');
    expect(report.counts.train).toEqual([1, 0, 0, 2, 0, 0, 0]);
    expect(report.counts.test).toEqual([0, 0, 0, 0, 0, 0, 1]);
    expect(report.totalImages).toBe(4);
    const reasons = Object.fromEntries(report.skipped.map((s) => [path.relative(root, s.where), s.reason]));
    expect(reasons['train/sad/broken.jpg']).toMatch(/corrupt/);
    expect(reasons['train/sad/notes.txt']).toMatch(/not a \.jpg/);
    expect(reasons['train/contempt']).toMatch(/unknown class folder "contempt"/);
    expect(reasons['extras']).toMatch(/unknown split folder/);
    expect(report.skippedCount).toBe(4);
    const train = dataset.splits.train!;
    // Files are read in sorted order: Angry/c.jpg first (label 0), then happy/a.jpg, happy/b.png.
    expect(Array.from(train.labels)).toEqual([0, 3, 3]);
    expect(Math.abs(train.images[2304] - patternPixel(0, 0, 1))).toBeLessThanOrEqual(4);
    expect(train.images[2 * 2304]).toBe(Math.round(0.299 * 10 + 0.587 * 20 + 0.114 * 30));
  });

  it('treats a folder of class folders as a training set without a test split', async () => {
    const root = await temporaryDir();
    await writeFiles(root, { 'fear/a.jpg': encodeJpegGray(48, 48, 1), 'surprise/b.jpg': encodeJpegGray(48, 48, 2) });
    const dataset = await loadDataset(root, { cacheDir: false });
    expect(dataset.report.counts).toEqual({ train: [0, 0, 1, 0, 0, 1, 0] });
    expect(dataset.report.format).toBe('class-folders');
    expect(dataset.splits.test).toBeUndefined();
    expect(dataset.report.notes.join()).toMatch(/held out/);
    // Scoring a model on it takes all of it, and says so.
    const scored = evaluationSplit(dataset);
    expect(scored.split).toBe('all');
    expect(scored.faces.labels.length).toBe(2);
  });

  it('reads a folder with only a test split (to score a model), which training refuses clearly', async () => {
    const onlyTest = await temporaryDir();
    await writeFiles(onlyTest, {
      'test/happy/x.jpg': encodeJpegGray(48, 48, 1),
      'test/sad/y.jpg': encodeJpegGray(48, 48, 2),
    });
    const dataset = await loadDataset(onlyTest, { cacheDir: false });
    expect(dataset.report.counts).toEqual({ test: [0, 0, 0, 1, 1, 0, 0] });
    const scored = evaluationSplit(dataset);
    expect(scored.split).toBe('test');
    expect(Array.from(scored.faces.labels)).toEqual([3, 4]);
    expect(() => evaluationSplit(dataset, 'train')).toThrow(/has no train split \(it has: test\)/);
    expect(() => trainingSplits(dataset, 0.1, 1)).toThrow(/has no training images/);
  });

  it('does not score a model on a training split unless asked to', async () => {
    const onlyTrain = await temporaryDir();
    await writeFiles(onlyTrain, { 'train/happy/x.jpg': encodeJpegGray(48, 48, 1) });
    const dataset = await loadDataset(onlyTrain, { cacheDir: false });
    expect(() => evaluationSplit(dataset)).toThrow(/only a training split: pass --split train/);
    expect(evaluationSplit(dataset, 'train').split).toBe('train');
  });

  it('reports its progress while it decodes: images of the total for a folder, rows for a CSV', async () => {
    const root = await folderFixture();
    const progress: DatasetProgress[] = [];
    await loadDataset(root, { cacheDir: false, onProgress: (p) => progress.push(p) });
    expect(progress.length).toBeGreaterThan(0);
    // Every listed image file is decoded (or found broken): a.jpg, b.png, c.jpg, broken.jpg, e.jpg.
    expect(progress.at(-1)).toEqual({ done: 5, total: 5, unit: 'images' });
    expect(progress.every((p, i) => i === 0 || p.done >= progress[i - 1].done)).toBe(true);

    const csv = path.join(await temporaryDir(), 'fer2013.csv');
    await writeFile(csv, ['emotion,pixels,Usage', csvRow(3, 1, 'Training'), csvRow(4, 2, 'PublicTest')].join('\n'));
    const rows: DatasetProgress[] = [];
    await loadDataset(csv, { cacheDir: false, onProgress: (p) => rows.push(p) });
    expect(rows.at(-1)).toEqual({ done: 3, unit: 'rows' });
  });

  it('fails clearly on a missing, empty or unusable folder', async () => {
    await expect(loadDataset('/no/such/folder', { cacheDir: false })).rejects.toThrow(/Dataset not found/);
    const empty = await temporaryDir();
    await expect(loadDataset(empty, { cacheDir: false })).rejects.toThrow(DatasetError);
    // Nothing was skipped: the folder is not laid out as expected, and the message says what is.
    await expect(loadDataset(empty, { cacheDir: false })).rejects.toThrow(
      'train/<emotion>/*.jpg and test/<emotion>/*.jpg',
    );
    const unusable = await temporaryDir();
    await writeFiles(unusable, { 'train/happy/x.jpg': Buffer.from('garbage') });
    await expect(loadDataset(unusable, { cacheDir: false })).rejects.toThrow(/No usable images.*not a JPEG or PNG/);
  });

  it('caches decoded data, reuses it unchanged, and rebuilds when files change or the cache is damaged', async () => {
    const root = await folderFixture();
    const cacheDir = await temporaryDir();
    const first = await loadDataset(root, { cacheDir });
    const cacheFiles = await readdir(path.join(cacheDir, 'datasets'));
    expect(cacheFiles).toHaveLength(1);
    const second = await loadDataset(root, { cacheDir });
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(Buffer.from(second.splits.train!.images).equals(Buffer.from(first.splits.train!.images))).toBe(true);
    expect(second.report).toEqual(first.report);

    await writeFile(path.join(cacheDir, 'datasets', cacheFiles[0]), 'damaged');
    const rebuilt = await loadDataset(root, { cacheDir });
    expect(rebuilt.fingerprint).toBe(first.fingerprint);

    await writeFiles(root, { 'train/fear/new.jpg': encodeJpegGray(48, 48, 9) });
    const changed = await loadDataset(root, { cacheDir });
    expect(changed.report.counts.train![2]).toBe(1);
    expect(changed.fingerprint).not.toBe(first.fingerprint);
  });
});

describe('loadDataset: fer2013.csv', () => {
  it('reads Training, PublicTest and PrivateTest rows and reports malformed rows by line', async () => {
    const dir = await temporaryDir();
    const file = path.join(dir, 'fer2013.csv');
    const lines = [
      'emotion,pixels,Usage',
      csvRow(3, 1, 'Training'),
      csvRow(0, 2, 'Training'),
      csvRow(6, 3, 'PublicTest'),
      csvRow(5, 4, 'PrivateTest'),
      '9,1 2 3,Training', // bad label
      csvRow(2, 5, 'Training').replace(/ \d+,Training$/, ',Training'), // 2303 pixels
      csvRow(2, 6, 'Validation'), // unknown usage
      '4,only-two-columns',
      csvRow(1, 7, 'Training').replace(' 0 ', ' x '), // non-numeric pixel
      `"4","${csvRow(4, 8, 'Training').split(',')[1]}","Training"`, // quoted fields are fine
      csvRow('', 9, 'Training'), // empty emotion: not silently angry
      csvRow(' ', 10, 'Training'),
      csvRow('0x3', 11, 'Training'),
      csvRow('1e0', 12, 'Training'),
      csvRow(2, 13, 'Training').replace(' 0 ', ' 1e2 '), // a pixel in exponent notation
      '',
    ];
    await writeFile(file, lines.join('\r\n'));
    const dataset = await loadDataset(file, { cacheDir: false });
    expect(dataset.report.format).toBe('csv');
    expect(dataset.report.counts).toEqual({
      train: [1, 0, 0, 1, 1, 0, 0],
      test: [0, 0, 0, 0, 0, 0, 1],
      privateTest: [0, 0, 0, 0, 0, 1, 0],
    });
    const skipped = dataset.report.skipped.map((s) => `${s.where.split(':').pop()} ${s.reason}`);
    expect(skipped).toEqual([
      expect.stringMatching(/^6 emotion "9" is not a label 0-6/),
      expect.stringMatching(/^7 expected 2304 pixel values, found 2303/),
      expect.stringMatching(/^8 unknown Usage "Validation"/),
      expect.stringMatching(/^9 expected 3 columns, found 2/),
      expect.stringMatching(/^10 pixel \d+ is not an integer 0-255 \("x"\)/),
      expect.stringMatching(/^12 emotion is empty/),
      expect.stringMatching(/^13 emotion is empty/),
      expect.stringMatching(/^14 emotion "0x3" is not a label 0-6/),
      expect.stringMatching(/^15 emotion "1e0" is not a label 0-6/),
      expect.stringMatching(/^16 pixel \d+ is not an integer 0-255 \("1e2"\)/),
    ]);
    expect(dataset.splits.train!.images[0]).toBe(patternPixel(0, 0, 1));
  });

  it('fails clearly on an empty file or one that is not a FER2013 CSV', async () => {
    const dir = await temporaryDir();
    await writeFile(path.join(dir, 'empty.csv'), '');
    await writeFile(path.join(dir, 'other.csv'), 'a,b,c\n1,2,3\n');
    await writeFile(path.join(dir, 'header-only.csv'), 'emotion,pixels,Usage\n');
    await expect(loadDataset(path.join(dir, 'empty.csv'), { cacheDir: false })).rejects.toThrow(/is empty/);
    await expect(loadDataset(path.join(dir, 'other.csv'), { cacheDir: false })).rejects.toThrow(/not a FER2013 CSV/);
    await expect(loadDataset(path.join(dir, 'header-only.csv'), { cacheDir: false })).rejects.toThrow(
      /No usable images.*Expected the original fer2013.csv/,
    );
  });

  it('splits quoted CSV fields per RFC 4180', () => {
    expect(splitCsvLine('1,"a,b","say ""hi"""')).toEqual(['1', 'a,b', 'say "hi"']);
  });
});

describe.runIf(existsSync(SHARED_FER2013))('the shared FER2013 copy', () => {
  it('loads all 28,709 train and 3,589 test images with the documented class counts', async () => {
    const dataset = await loadDataset(SHARED_FER2013, { cacheDir: await temporaryDir() });
    expect(dataset.report.counts.train).toEqual([3995, 436, 4097, 7215, 4830, 3171, 4965]);
    expect(dataset.report.counts.test).toEqual([467, 56, 496, 895, 653, 415, 607]);
    expect(dataset.report.skippedCount).toBe(0);
  });
});

describe('split sharpness check', () => {
  it('warns when the training images are much blurrier than the test images', async () => {
    const root = await temporaryDir();
    const sharp = (seed: number) => encodePng(48, 48, (x, y) => ((x + y + seed) % 2 ? [255, 255, 255] : [0, 0, 0]));
    const flat = (seed: number) => encodePng(48, 48, () => [100 + seed, 100 + seed, 100 + seed]);
    await writeFiles(root, {
      'train/happy/a.png': flat(1),
      'train/sad/b.png': flat(2),
      'test/happy/c.png': sharp(0),
      'test/sad/d.png': sharp(1),
    });
    const dataset = await loadDataset(root, { cacheDir: false });
    expect(dataset.report.sharpness.train).toBe(0);
    expect(dataset.report.sharpness.test).toBe(255);
    expect(dataset.report.notes.join('\n')).toMatch(/training images are blurred/);
  });
});
