import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NUM_CLASSES } from '@shared/emotions';
import { loadDataset } from '../data/load';
import { initBackend } from '../runtime/backend';
import { SHARED_FER2013, temporaryDir } from '../test-support/fixtures';
import { FACE_PIXELS } from '../data/image';
import { softenedTargets, teacherProbabilities } from './teacher-cache';

const DEFAULT_MODEL = path.resolve('resources/models/default');

describe('softenedTargets', () => {
  it('keeps probabilities at temperature 1, flattens them above it, and every row sums to 1', () => {
    const p = Float32Array.from([0.7, 0.1, 0.05, 0.05, 0.04, 0.03, 0.03]);
    expect(Array.from(softenedTargets(p, 1))).toEqual(Array.from(p).map((v) => expect.closeTo(v, 6)));
    const soft = softenedTargets(p, 2);
    expect(soft[0]).toBeLessThan(0.7);
    expect(soft[1]).toBeGreaterThan(0.1);
    expect(soft.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });
});

describe.runIf(existsSync(SHARED_FER2013))('teacherProbabilities', { timeout: 300_000 }, () => {
  let faces: Uint8Array;
  beforeAll(async () => {
    await initBackend({ candidates: ['wasm'] });
    const test = (await loadDataset(SHARED_FER2013)).splits.test!;
    faces = test.images.slice(0, 64 * FACE_PIXELS);
  });

  it('computes the ten-view probabilities once, then reads them back, and recomputes a damaged cache', async () => {
    const cacheDir = await temporaryDir();
    const first = await teacherProbabilities(DEFAULT_MODEL, faces, { cacheDir });
    expect(first.cached).toBe(false);
    expect(first.probabilities).toHaveLength(64 * NUM_CLASSES);
    const second = await teacherProbabilities(DEFAULT_MODEL, faces, { cacheDir });
    expect(second).toMatchObject({ cached: true, file: first.file });
    expect(Array.from(second.probabilities)).toEqual(Array.from(first.probabilities));
    // Other faces are another key.
    const other = await teacherProbabilities(DEFAULT_MODEL, faces.slice(FACE_PIXELS), { cacheDir });
    expect(other.file).not.toBe(first.file);
    writeFileSync(first.file, 'cut short');
    expect((await teacherProbabilities(DEFAULT_MODEL, faces, { cacheDir })).cached).toBe(false);
  });
});
