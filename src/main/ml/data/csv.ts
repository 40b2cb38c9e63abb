import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { NUM_CLASSES } from '@shared/emotions';
import { FACE_PIXELS } from './image';
import { DatasetError, SkipList, SplitBuilder, type SplitName } from './dataset';

const USAGE_SPLITS: Record<string, SplitName> = {
  training: 'train',
  publictest: 'test',
  privatetest: 'privateTest',
};

/** Splits one CSV line into fields (RFC 4180 quoting; fer2013.csv itself never quotes). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/** Parses "70 80 82 ..." into exactly FACE_PIXELS bytes, or says what is wrong. */
/**
 * A field that is a whole number written in decimal digits, or undefined. Number() alone would
 * read an empty field as 0 (a silent "angry"), and "0x3" or "1e0" as numbers.
 */
export function wholeNumber(text: string): number | undefined {
  const trimmed = text.trim();
  return /^\d{1,9}$/.test(trimmed) ? Number(trimmed) : undefined;
}

export function parsePixels(text: string): Uint8Array | string {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== FACE_PIXELS) return `expected ${FACE_PIXELS} pixel values, found ${parts.length}`;
  const face = new Uint8Array(FACE_PIXELS);
  for (let i = 0; i < FACE_PIXELS; i++) {
    const value = wholeNumber(parts[i]);
    if (value === undefined || value > 255) return `pixel ${i + 1} is not an integer 0-255 ("${parts[i]}")`;
    face[i] = value;
  }
  return face;
}

/**
 * Reads the original fer2013.csv (`emotion,pixels,Usage`): Training rows form the train split,
 * PublicTest the test split and PrivateTest a second, held-back test split. Without a Usage
 * column every row is training data.
 */
export async function readCsvDataset(
  file: string,
  skips: SkipList,
  onRows?: (rows: number) => void,
): Promise<Partial<Record<SplitName, SplitBuilder>>> {
  const builders: Partial<Record<SplitName, SplitBuilder>> = {};
  const input = createReadStream(file, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', (error: NodeJS.ErrnoException) =>
      reject(new DatasetError(`Cannot read ${file}: ${error.code ?? error.message}`)),
    );
  });
  await opened;
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  let columns: { emotion: number; pixels: number; usage: number } | undefined;
  for await (const raw of lines) {
    lineNumber++;
    if (lineNumber % 1000 === 0) onRows?.(lineNumber);
    const line = raw.replace(/^\uFEFF/, '');
    if (line.trim() === '') continue;
    const fields = splitCsvLine(line);
    if (!columns) {
      const names = fields.map((f) => f.trim().toLowerCase());
      if (names.includes('emotion') && names.includes('pixels')) {
        columns = { emotion: names.indexOf('emotion'), pixels: names.indexOf('pixels'), usage: names.indexOf('usage') };
        continue;
      }
      throw new DatasetError(`${file} is not a FER2013 CSV: its first line has no "emotion" and "pixels" columns`);
    }
    const where = `${file}:${lineNumber}`;
    const needed = Math.max(columns.emotion, columns.pixels, columns.usage) + 1;
    if (fields.length < needed) {
      skips.add(where, `expected ${needed} columns, found ${fields.length}`);
      continue;
    }
    const label = wholeNumber(fields[columns.emotion]);
    if (label === undefined || label >= NUM_CLASSES) {
      const field = fields[columns.emotion].trim();
      skips.add(where, field === '' ? 'emotion is empty' : `emotion "${field}" is not a label 0-${NUM_CLASSES - 1}`);
      continue;
    }
    const usage = columns.usage >= 0 ? fields[columns.usage].trim() : 'Training';
    const split = USAGE_SPLITS[usage.toLowerCase()];
    if (!split) {
      skips.add(where, `unknown Usage "${usage}" (expected Training, PublicTest or PrivateTest)`);
      continue;
    }
    const face = parsePixels(fields[columns.pixels]);
    if (typeof face === 'string') {
      skips.add(where, face);
      continue;
    }
    (builders[split] ??= new SplitBuilder()).add(face, label);
  }
  onRows?.(lineNumber);
  if (!columns) throw new DatasetError(`${file} is empty`);
  return builders;
}
