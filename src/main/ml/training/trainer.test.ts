import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FaceDataset, FaceSplit } from '../data/dataset';
import { FACE_PIXELS } from '../data/image';
import { loadDataset } from '../data/load';
import { neutralReference } from '../evaluation/neutral-reference';
import { evaluateModel } from '../evaluation/evaluate-model';
import { loadModel, modelViews } from '../models/model-io';
import { initBackend } from '../runtime/backend';
import { runningWorkers } from '../runtime/spawn-worker';
import { SHARED_FER2013, temporaryDir } from '../test-support/fixtures';
import { Random } from './random';
import { recipeFor, type Recipe } from './recipes';
import { bestEpoch } from '@shared/training';
import { BEST_EPOCH_PREFIX, CHECKPOINT_DIR } from './protocol';
import { holdOut } from '../data/split';
import { trainModel, type TrainProgress } from './trainer';

function subset(split: FaceSplit, count: number, seed: number): FaceSplit {
  const picks = new Random(seed)
    .shuffle(Int32Array.from({ length: split.labels.length }, (_, i) => i))
    .subarray(0, count);
  const images = new Uint8Array(count * FACE_PIXELS);
  picks.forEach((from, to) =>
    images.set(split.images.subarray(from * FACE_PIXELS, (from + 1) * FACE_PIXELS), to * FACE_PIXELS),
  );
  return { images, labels: Uint8Array.from(picks, (i) => split.labels[i]) };
}

function quickRecipe(epochs: number): Recipe {
  const recipe = recipeFor('default');
  return {
    ...recipe,
    epochs,
    batchSize: 64,
    learningRate: 2e-3,
    augment: null,
    schedule: { kind: 'keras-decay', decay: 0 },
  };
}

// Real training on two worker threads: minutes on a busy 2-core machine (the distillation test trains four
// small runs), so a wide hang guard.
describe.runIf(existsSync(SHARED_FER2013))('training on a small real subset of FER2013', { timeout: 1_200_000 }, () => {
  let small: FaceDataset;

  beforeAll(async () => {
    const full = await loadDataset(SHARED_FER2013);
    small = {
      ...full,
      fingerprint: 'subset-512',
      splits: { train: subset(full.splits.train!, 512, 1), test: subset(full.splits.test!, 256, 2) },
    };
    await initBackend({ candidates: ['wasm'] });
  });

  it('lowers the loss, reports progress, keeps tf.memory flat and writes a loadable model', async () => {
    const events: TrainProgress[] = [];
    const outDir = await temporaryDir();
    const result = await trainModel({
      dataset: small,
      recipe: quickRecipe(4),
      outDir,
      seed: 7,
      onProgress: (e) => events.push(e),
    });
    expect(result.cancelled).toBe(false);
    expect(result.history).toHaveLength(4);
    expect(result.history[3].loss).toBeLessThan(result.history[0].loss * 0.9);
    const start = events.find((e) => e.type === 'start');
    expect(start).toMatchObject({ workers: 2, trainImages: 512, validationImages: 256, stepsPerEpoch: 8 });
    const batches = events.filter((e) => e.type === 'batch');
    expect(batches).toHaveLength(32);
    expect(batches.every((e) => e.imagesPerSecond > 0 && e.etaSeconds >= 0)).toBe(true);
    const tensors = events.flatMap((e) => (e.type === 'epoch' ? [e.tensors] : []));
    expect(new Set(tensors.slice(1)).size).toBe(1);
    expect(existsSync(path.join(outDir, CHECKPOINT_DIR))).toBe(false);
    const loaded = await loadModel(outDir);
    const { metadata } = loaded;
    expect(metadata).toMatchObject({
      architecture: 'default',
      epochsTrained: 4,
      keptEpoch: 4,
      weightsDtype: 'float16',
    });
    expect(metadata.evaluation).toMatchObject({ images: 256, split: 'test', testTimeFlip: true, testTimeShifts: true });
    expect(metadata.history).toHaveLength(4);

    // Calibrated on the validation split, one temperature per way of predicting.
    expect(metadata.calibration).toMatchObject({ fittedOn: 'test', images: 256 });
    expect(metadata.calibration!.single).toBeGreaterThan(0);
    expect(metadata.calibration!.mirrored).toBeGreaterThan(0);
    expect(metadata.evaluation!.temperature).toBe(metadata.calibration!.shifted);

    // The saved model is the one the report describes: scoring the saved folder gives its numbers
    // (up to a face changed by storing the weights as float16).
    const rescored = await evaluateModel(outDir, loaded, small.splits.test!, {
      split: 'test',
      ...modelViews(metadata),
    });
    expect(Math.abs(rescored.report.accuracy - metadata.evaluation!.accuracy)).toBeLessThanOrEqual(1 / 256);
    expect(rescored.report.temperature).toBe(metadata.evaluation!.temperature);

    // The neutral reference for calibration: the saved model's single predictions on the
    // validation split's neutral faces, as the live view would get them.
    const neutralFaces = Array.from(small.splits.test!.labels).filter((label) => label === 6).length;
    expect(metadata.neutralReference).toMatchObject({ faces: neutralFaces, split: 'test' });
    const single = await evaluateModel(outDir, loaded, small.splits.test!, { split: 'test', testTimeFlip: false });
    const expected = neutralReference(single.probabilities, small.splits.test!.labels)!;
    expect(metadata.neutralReference!.distribution).toEqual(
      expected.distribution.map((p) => expect.closeTo(p, 2)), // float16 storage moves the last digits
    );
    loaded.model.dispose();
  });

  it('checkpoints every epoch, stops when cancelled and resumes where it stopped', async () => {
    const outDir = await temporaryDir();
    const controller = new AbortController();
    const first = await trainModel({
      dataset: small,
      recipe: quickRecipe(2),
      outDir,
      seed: 3,
      signal: controller.signal,
      onProgress: (e) => e.type === 'checkpoint' && controller.abort(),
    });
    expect(first).toMatchObject({ cancelled: true, epochsTrained: 1 });
    expect(existsSync(path.join(outDir, CHECKPOINT_DIR, 'state.json'))).toBe(true);
    expect(existsSync(path.join(outDir, 'model.json'))).toBe(false);

    const starts: TrainProgress[] = [];
    const resumed = await trainModel({
      dataset: small,
      recipe: quickRecipe(2),
      outDir,
      resume: true,
      onProgress: (e) => e.type === 'start' && starts.push(e),
    });
    expect(starts[0]).toMatchObject({ startEpoch: 1 });
    expect(resumed).toMatchObject({ cancelled: false, epochsTrained: 2 });
    expect(resumed.history[0]).toEqual(first.history[0]);
    expect((await loadModel(outDir)).metadata.epochsTrained).toBe(2);

    // The epoch after a resume draws the same dropout masks as in an uninterrupted run; only the
    // optimizer's restored bias correction (pow instead of a running product) may differ, in ulps.
    const uninterrupted = await trainModel({
      dataset: small,
      recipe: quickRecipe(2),
      outDir: await temporaryDir(),
      seed: 3,
    });
    expect(uninterrupted.history[0].loss).toBe(first.history[0].loss);
    expect(resumed.history[1].loss).toBeCloseTo(uninterrupted.history[1].loss, 5);
    expect(resumed.history[1].valLoss).toBeCloseTo(uninterrupted.history[1].valLoss, 5);
  });

  it('keeps the best validation epoch when the recipe says so, across a resume, and reports on those weights', async () => {
    // Validated on training faces labelled one emotion off: the better the model fits them, the
    // lower it scores, so an early epoch is the best one and the rule has something to choose.
    const train = small.splits.train!;
    const offByOne: FaceSplit = {
      images: train.images.subarray(0, 256 * FACE_PIXELS),
      labels: train.labels.subarray(0, 256).map((label) => (label + 1) % 7),
    };
    const dataset = { ...small, fingerprint: 'subset-off-by-one', splits: { train, test: offByOne } };
    const recipe: Recipe = { ...quickRecipe(4), keepBestEpoch: true, testTimeFlip: false, testTimeShifts: false };
    const outDir = await temporaryDir();
    const checkpointDir = path.join(outDir, CHECKPOINT_DIR);
    const bestFolders: string[][] = [];
    const controller = new AbortController();
    const onCheckpoint = (e: TrainProgress) => {
      if (e.type !== 'checkpoint') return;
      bestFolders.push(readdirSync(checkpointDir).filter((name) => name.startsWith(BEST_EPOCH_PREFIX)));
      expect(bestFolders.at(-1)).toEqual([`${BEST_EPOCH_PREFIX}${e.bestEpoch}`]); // superseded ones removed
      if (e.epoch === 2) controller.abort();
    };
    const first = await trainModel({
      dataset,
      recipe,
      outDir,
      seed: 5,
      workers: 2,
      signal: controller.signal,
      onProgress: onCheckpoint,
    });
    expect(first).toMatchObject({ cancelled: true, epochsTrained: 2, keptEpoch: undefined });
    const result = await trainModel({ dataset, recipe, outDir, resume: true, workers: 2, onProgress: onCheckpoint });
    expect(bestFolders).toHaveLength(4);

    const best = bestEpoch(result.history)!;
    expect(best.epoch, 'this run should have a best epoch before its last').toBeLessThan(4);
    expect(result.keptEpoch).toBe(best.epoch);
    // The report describes the kept weights: its single-pass accuracy is that epoch's.
    expect(result.evaluation!.accuracy).toBe(best.valAccuracy);
    const loaded = await loadModel(outDir);
    expect(loaded.metadata).toMatchObject({ epochsTrained: 4, keptEpoch: best.epoch });
    expect(loaded.metadata.evaluation!.accuracy).toBe(best.valAccuracy);
    const rescored = await evaluateModel(outDir, loaded, offByOne, { split: 'test', testTimeFlip: false });
    expect(Math.abs(rescored.report.accuracy - best.valAccuracy)).toBeLessThanOrEqual(1 / 256); // float16 storage
    expect(Math.abs(rescored.report.accuracy - result.history[3].valAccuracy)).toBeGreaterThan(1 / 256);
    loaded.model.dispose();
  });

  it('closes every replica on every path out: an error as it starts, in a step, or as it finishes', async () => {
    expect(runningWorkers()).toBe(0);
    const failAt = (type: TrainProgress['type']) => (event: TrainProgress) => {
      if (event.type === type) throw new Error(`failed at ${type}`);
    };
    for (const type of ['start', 'batch'] as const) {
      await expect(
        trainModel({ dataset: small, recipe: quickRecipe(1), outDir: await temporaryDir(), onProgress: failAt(type) }),
      ).rejects.toThrow(`failed at ${type}`);
      expect(runningWorkers(), `worker threads left after a failure at ${type}`).toBe(0);
    }
    // The finished model cannot be written: its folder is a file.
    const blocked = path.join(await temporaryDir(), 'model');
    writeFileSync(blocked, 'not a folder');
    await expect(trainModel({ dataset: small, recipe: quickRecipe(1), outDir: blocked })).rejects.toThrow();
    expect(runningWorkers(), 'worker threads left after a failure as it finished').toBe(0);
  });

  it('distils from a teacher: its cached probabilities change the loss, are recorded, and are read back on a second run', async () => {
    const cacheDir = await temporaryDir();
    const teacher = path.resolve('resources/models/default');
    const run = async (withTeacher: boolean, teacherDataset?: FaceDataset) => {
      const events: TrainProgress[] = [];
      const result = await trainModel({
        dataset: small,
        recipe: quickRecipe(1),
        outDir: await temporaryDir(),
        seed: 3,
        maxBatchesPerEpoch: 2,
        teacher: withTeacher ? teacher : undefined,
        teacherDataset,
        cacheDir,
        onProgress: (e) => events.push(e),
      });
      const firstBatch = events.find((e) => e.type === 'batch');
      return { result, events, loss: firstBatch?.type === 'batch' ? firstBatch.loss : NaN };
    };
    const plain = await run(false);
    const distilled = await run(true);
    expect(distilled.events.find((e) => e.type === 'teacher')).toMatchObject({ cached: false, teacher });
    // Same seed, same faces, same first step: only the targets differ.
    expect(distilled.loss).not.toBeCloseTo(plain.loss, 3);
    const metadata = (await loadModel(distilled.result.outDir)).metadata;
    expect(metadata.recipe.distillation).toMatchObject({ teacher: 'default', weight: 0.7, temperature: 2 });
    expect(metadata.recipe.distillation?.teacherFaces).toBeUndefined();
    const again = await run(true);
    expect(again.events.find((e) => e.type === 'teacher')).toMatchObject({ cached: true });
    expect(again.loss).toBeCloseTo(distilled.loss, 5);

    // The teacher shown its own copy of the faces (turned upside down here, which its ten views never
    // see): the same student steps, other targets.
    const train = small.splits.train!;
    const turned: FaceDataset = {
      ...small,
      fingerprint: 'subset-512-turned',
      splits: { ...small.splits, train: { ...train, images: train.images.slice().reverse() } },
    };
    const shown = await run(true, turned);
    expect(shown.loss).not.toBeCloseTo(distilled.loss, 3);
    expect((await loadModel(shown.result.outDir)).metadata.recipe.distillation).toMatchObject({
      teacher: 'default',
      teacherFaces: 'subset-512-turned',
    });
  });

  it("refuses a teacher's copy of the training faces that does not hold the same faces", async () => {
    const train = small.splits.train!;
    const run = (teacherDataset: FaceDataset) =>
      trainModel({
        dataset: small,
        recipe: quickRecipe(1),
        outDir: path.join(tmpdir(), 'never-written'),
        teacher: path.resolve('resources/models/default'),
        teacherDataset,
      });
    const relabelled: FaceDataset = {
      ...small,
      splits: { ...small.splits, train: { ...train, labels: Uint8Array.from(train.labels, (l) => (l + 1) % 7) } },
    };
    await expect(run(relabelled)).rejects.toThrow(/must hold the training faces in the same order: face 0 is/);
    const fewer: FaceDataset = { ...small, splits: { ...small.splits, train: subset(train, 100, 4) } };
    await expect(run(fewer)).rejects.toThrow(/100 training faces against 512/);
    expect(runningWorkers()).toBe(0);
  });

  it('refuses to resume a checkpoint made from other data', async () => {
    const outDir = await temporaryDir();
    const controller = new AbortController();
    await trainModel({
      dataset: small,
      recipe: quickRecipe(2),
      outDir,
      signal: controller.signal,
      onProgress: (e) => e.type === 'checkpoint' && controller.abort(),
    });
    const other = { ...small, fingerprint: 'something-else' };
    await expect(trainModel({ dataset: other, recipe: quickRecipe(2), outDir, resume: true })).rejects.toThrow(
      /different dataset/,
    );
  });
});

describe('trainModel input checks', () => {
  it('refuses a dataset smaller than one batch with a clear error', async () => {
    const tiny: FaceDataset = {
      splits: { train: { images: new Uint8Array(10 * FACE_PIXELS), labels: new Uint8Array(10) } },
      report: {
        source: 'tiny',
        format: 'folder',
        counts: {},
        totalImages: 10,
        skippedCount: 0,
        skipped: [],
        sharpness: {},
        notes: [],
      },
      fingerprint: 'tiny',
    };
    await expect(trainModel({ dataset: tiny, recipe: quickRecipe(1), outDir: await temporaryDir() })).rejects.toThrow(
      /Need at least one batch of 64 training images, found 9/,
    );
  });
});

describe('holdOut', () => {
  it('holds out the same fraction of every class, reproducibly', () => {
    const labels = Uint8Array.from({ length: 700 }, (_, i) => i % 7);
    const images = new Uint8Array(700 * FACE_PIXELS).map((_, i) => Math.floor(i / FACE_PIXELS) % 256);
    const a = holdOut({ images, labels }, 0.2, 5);
    const b = holdOut({ images, labels }, 0.2, 5);
    expect(a.validation.labels.length).toBe(140);
    for (let c = 0; c < 7; c++) expect(a.validation.labels.filter((l) => l === c).length).toBe(20);
    expect(Array.from(a.validation.labels)).toEqual(Array.from(b.validation.labels));
    expect(a.train.labels.length + a.validation.labels.length).toBe(700);
    // Images travel with their labels.
    expect(a.validation.images[0] % 7).toBe(a.validation.labels[0]);
  });
});
