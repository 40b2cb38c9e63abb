import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { EpochRecord } from '@shared/training';
import { BEST_EPOCH_PREFIX, bestEpochDir, CHECKPOINT_STATE_FILE } from './protocol';
import type { Recipe } from './recipes';

/** Where a run stands, written last at every checkpoint (weights first), so a crash keeps the old one usable. */
export interface CheckpointState {
  epoch: number;
  step: number;
  seed: number;
  history: EpochRecord[];
  trainingSeconds: number;
  fingerprint: string;
  recipe: Recipe;
  /** The best epoch so far, whose weights are in bestEpochDir(epoch) (runs that keep it). */
  best?: EpochRecord;
  /** The teacher model folder of a distilled run: a resumed run goes on learning from it. */
  teacherDir?: string;
}

/** Removes the best-epoch folders other than `keep`'s: superseded ones, and one a crash left unrecorded. */
export async function removeStaleBest(checkpointDir: string, keep: number | undefined): Promise<void> {
  const current = keep === undefined ? undefined : bestEpochDir(keep);
  const stale = (await readdir(checkpointDir)).filter((name) => name.startsWith(BEST_EPOCH_PREFIX) && name !== current);
  await Promise.all(stale.map((name) => rm(path.join(checkpointDir, name), { recursive: true, force: true })));
}

export async function readCheckpoint(dir: string): Promise<CheckpointState | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, CHECKPOINT_STATE_FILE), 'utf8')) as CheckpointState;
  } catch {
    return undefined;
  }
}
