import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NUM_CLASSES } from '@shared/emotions';
import { FACE_PIXELS } from '../data/image';
import { defaultCacheDir } from '../data/load';
import { predictSavedModel } from '../evaluation/parallel-predict';
import { loadModel } from '../models/model-io';
import { activeBackend, initBackend, type BackendChoice } from '../runtime/backend';

/**
 * A teacher's class probabilities for every training face (its ten-view average: the face and its
 * mirror image, each also shifted 2 px four ways), for distillation. Computing them costs ten
 * passes over the training split, so they are kept on disk beside the decoded datasets, under a key
 * of the teacher's files and the faces themselves: a second run, or a resumed one, reads them back.
 */
export async function teacherProbabilities(
  teacherDir: string,
  faces: Uint8Array,
  options: { cacheDir?: string; backendCandidates?: BackendChoice[]; onComputing?: () => void } = {},
): Promise<{ probabilities: Float32Array; cached: boolean; file: string }> {
  const count = faces.length / FACE_PIXELS;
  const key = createHash('sha256');
  for (const name of ['model.json', 'weights.bin']) key.update(await readFile(path.join(teacherDir, name)));
  key.update(faces);
  const file = path.join(options.cacheDir ?? defaultCacheDir(), 'teachers', `${key.digest('hex').slice(0, 24)}.f32`);
  const stored = await readFile(file).catch(() => undefined);
  // A file of the wrong size is a damaged one: computed again, never trusted.
  if (stored && stored.byteLength === count * NUM_CLASSES * 4)
    return {
      probabilities: new Float32Array(stored.buffer, stored.byteOffset, count * NUM_CLASSES),
      cached: true,
      file,
    };
  options.onComputing?.();
  // The teacher runs on this thread (and its workers): a command-line run has started no runtime yet.
  if (!activeBackend()) await initBackend({ candidates: options.backendCandidates });
  const loaded = await loadModel(teacherDir);
  try {
    const probabilities = await predictSavedModel(teacherDir, loaded, faces, {
      testTimeFlip: true,
      testTimeShifts: true,
      blurSigma: loaded.metadata.input.blurSigma,
    });
    await mkdir(path.dirname(file), { recursive: true });
    // Written whole, then renamed: a crash mid-write leaves no half file to be read as the cache.
    await writeFile(`${file}.partial`, new Uint8Array(probabilities.buffer));
    await rename(`${file}.partial`, file);
    return { probabilities, cached: false, file };
  } finally {
    loaded.model.dispose();
  }
}

/**
 * The soft targets a student learns from: the teacher's probabilities softened by `temperature`
 * (p^(1/T), renormalised; T > 1 spreads them over the runner-up emotions, which carry what the
 * teacher knows about how alike two expressions look).
 */
export function softenedTargets(probabilities: Float32Array, temperature: number): Float32Array {
  const out = new Float32Array(probabilities.length);
  for (let row = 0; row < probabilities.length; row += NUM_CLASSES) {
    let sum = 0;
    for (let c = 0; c < NUM_CLASSES; c++) {
      out[row + c] = Math.max(probabilities[row + c], 1e-12) ** (1 / temperature);
      sum += out[row + c];
    }
    for (let c = 0; c < NUM_CLASSES; c++) out[row + c] /= sum;
  }
  return out;
}
