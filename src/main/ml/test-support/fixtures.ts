import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { FACE_SIZE } from '@shared/emotions';

/** The shared FER2013 copy CI places beside the repository. */
export const SHARED_FER2013 = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../../shared/fer2013',
);

export async function temporaryDir(prefix = 'emotion-monitor-test-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/** A deterministic test pattern: value at (x, y) for face number `seed`. */
export function patternPixel(x: number, y: number, seed: number): number {
  return (x * 5 + y * 3 + seed * 17) % 256;
}

export function encodeJpegGray(width: number, height: number, seed: number, quality = 100): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = patternPixel(x, y, seed);
      data.set([v, v, v, 255], (y * width + x) * 4);
    }
  }
  return jpeg.encode({ data, width, height }, quality).data;
}

export function encodePng(
  width: number,
  height: number,
  rgb: (x: number, y: number) => [number, number, number],
): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) png.data.set([...rgb(x, y), 255], (y * width + x) * 4);
  }
  return PNG.sync.write(png);
}

export async function writeFiles(root: string, files: Record<string, Buffer | string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), content);
  }
}

/** A fer2013.csv row whose pixels are patternPixel(…, seed). */
export function csvRow(label: number | string, seed: number, usage: string): string {
  const pixels: number[] = [];
  for (let y = 0; y < FACE_SIZE; y++) for (let x = 0; x < FACE_SIZE; x++) pixels.push(patternPixel(x, y, seed));
  return `${label},${pixels.join(' ')},${usage}`;
}
