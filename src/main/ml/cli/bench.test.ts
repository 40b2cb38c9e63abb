import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { encodeJpegGray, temporaryDir, writeFiles } from '../test-support/fixtures';

const run = promisify(execFile);

describe('npm run bench', () => {
  it('refuses a dataset too small to time a batch, instead of printing 0 images/s', async () => {
    const data = await temporaryDir();
    await writeFiles(
      data,
      Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`happy/${i}.jpg`, encodeJpegGray(48, 48, i)])),
    );
    const result = await run(process.execPath, [
      '--import',
      'tsx',
      path.resolve('src/main/ml/cli/bench.ts'),
      '--data',
      data,
    ]).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('has 20 training images; timing needs at least 256');
  });

  it('ends with one JSON line holding every figure it measures, with the backend', { timeout: 300_000 }, async () => {
    const data = await temporaryDir();
    // 130 training faces: one warm-up and one measured batch of 64; a test split for the evaluation.
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 130; i++) files[`train/${i % 2 ? 'happy' : 'sad'}/${i}.jpg`] = encodeJpegGray(48, 48, i);
    for (let i = 0; i < 6; i++) files[`test/${i % 2 ? 'happy' : 'sad'}/${i}.jpg`] = encodeJpegGray(48, 48, 500 + i);
    await writeFiles(data, files);
    const { stdout } = await run(process.execPath, [
      '--import',
      'tsx',
      path.resolve('src/main/ml/cli/bench.ts'),
      '--data',
      data,
      '--steps',
      '1',
      '--warmup',
      '1',
      '--repeats',
      '1',
    ]);
    const figures = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(figures.backend).toBe('wasm');
    // A tiny dataset loads from the cache in about a millisecond: there, only its presence is checked.
    expect(figures.dataset_load_cached_s).toBeGreaterThanOrEqual(0);
    for (const key of [
      'dataset_load_cold_s',
      'train_seed_images_per_s',
      'train_seed_gflops',
      'train_default_images_per_s',
      'train_default_gflops',
      'train_fast_images_per_s',
      'infer_default_b1_ms_per_face',
      'infer_default_b8_ms_per_face',
      'evaluate_default_s',
    ])
      expect(figures[key], key).toBeGreaterThan(0);
    expect(figures.evaluate_default_faces).toBe(6);
  });

  it('times a model folder per face at batch 1, 8 and 16, with its multiply-adds', { timeout: 120_000 }, async () => {
    const { stdout } = await run(process.execPath, [
      '--import',
      'tsx',
      path.resolve('src/main/ml/cli/bench.ts'),
      '--model',
      'resources/models/default',
      '--repeats',
      '1',
    ]);
    const figures = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(figures.default_multiply_adds).toBeGreaterThan(50e6);
    for (const batch of [1, 8, 16]) expect(figures[`infer_default_b${batch}_ms_per_face`]).toBeGreaterThan(0);
  });
});
