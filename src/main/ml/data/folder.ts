import { readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { EMOTIONS } from '@shared/emotions';
import { FACE_PIXELS } from './image';
import type { DecodeMessage, DecodeResult } from './decode-worker';
import { siblingModule, spawnWorker } from '../runtime/spawn-worker';
import { DatasetError, SkipList, type SplitName } from './dataset';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png']);

const SPLIT_FOLDERS: Record<string, SplitName> = {
  train: 'train',
  training: 'train',
  test: 'test',
  val: 'test',
  validation: 'test',
  publictest: 'test',
  privatetest: 'privateTest',
};

export interface ImageFile {
  path: string;
  split: SplitName;
  label: number;
}

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

function classIndex(folderName: string): number {
  return (EMOTIONS as readonly string[]).indexOf(folderName.toLowerCase());
}

async function listClassFolders(splitDir: string, split: SplitName, skips: SkipList): Promise<ImageFile[]> {
  const files: ImageFile[] = [];
  const entries = await readdir(splitDir, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(splitDir, entry.name);
    if (!entry.isDirectory()) {
      skips.add(full, 'file outside a class folder');
      continue;
    }
    const label = classIndex(entry.name);
    if (label < 0) {
      skips.add(full, `unknown class folder "${entry.name}" (expected one of ${EMOTIONS.join(', ')})`);
      continue;
    }
    for (const name of (await readdir(full)).sort()) {
      if (name.startsWith('.')) continue;
      const file = path.join(full, name);
      if (!IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase())) {
        skips.add(file, 'not a .jpg, .jpeg or .png file');
        continue;
      }
      files.push({ path: file, split, label });
    }
  }
  return files;
}

/**
 * Lists the images of a dataset in the Kaggle folder layout: `<root>/<split>/<class>/*.jpg|png`,
 * or `<root>/<class>/*` for a dataset without splits (all of it is then `train`, and `format`
 * says `class-folders`).
 */
export async function listFolderDataset(
  root: string,
  skips: SkipList,
): Promise<{ files: ImageFile[]; format: 'folder' | 'class-folders' }> {
  let folders: string[];
  try {
    folders = await subfolders(root);
  } catch (error) {
    throw new DatasetError(`Cannot read dataset folder ${root}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  if (folders.some((name) => classIndex(name) >= 0))
    return { files: await listClassFolders(root, 'train', skips), format: 'class-folders' };
  const files: ImageFile[] = [];
  for (const name of folders) {
    const split = SPLIT_FOLDERS[name.toLowerCase()];
    if (!split) {
      skips.add(path.join(root, name), `unknown split folder "${name}" (expected train or test)`);
      continue;
    }
    files.push(...(await listClassFolders(path.join(root, name), split, skips)));
  }
  return { files, format: 'folder' };
}

/**
 * Reads and decodes files on worker threads (one per core, as decoding is CPU-bound).
 * Returns the faces in input order and, per file, null or why it could not be used.
 */
export async function decodeFiles(
  files: ImageFile[],
  threads = Math.max(1, availableParallelism()),
  onProgress?: (decoded: number) => void,
): Promise<DecodeResult> {
  const doneByWorker: number[] = [];
  const report = (worker: number, done: number) => {
    doneByWorker[worker] = done;
    onProgress?.(doneByWorker.reduce((a, b) => a + (b ?? 0), 0));
  };
  const count = Math.min(threads, Math.max(1, Math.ceil(files.length / 256)));
  const chunk = Math.ceil(files.length / count);
  const parts = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const paths = files.slice(i * chunk, (i + 1) * chunk).map((f) => f.path);
      const worker = spawnWorker(siblingModule(import.meta.url, 'decode-worker'), {
        workerData: paths,
      });
      try {
        // One listener for the worker's whole life: a message between two awaits would be lost.
        const result = await new Promise<DecodeResult>((resolve, reject) => {
          worker.on('message', (message: DecodeMessage) =>
            message.type === 'done' ? resolve(message) : report(i, message.done),
          );
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`decode worker exited with code ${code}`)));
        });
        report(i, paths.length);
        return result;
      } finally {
        void worker.terminate();
      }
    }),
  );
  const faces = new Uint8Array(files.length * FACE_PIXELS);
  let offset = 0;
  for (const part of parts) {
    faces.set(part.faces, offset);
    offset += part.faces.length;
  }
  return { faces, errors: parts.flatMap((p) => p.errors) };
}
