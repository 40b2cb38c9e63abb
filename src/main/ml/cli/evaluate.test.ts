import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { EvaluationReport } from '@shared/training';
import type { ModelMetadata } from '../models/model-folder';
import { SHARED_FER2013, temporaryDir } from '../test-support/fixtures';

const run = promisify(execFile);
const DEFAULT_MODEL = path.resolve('resources/models/default');

function evaluateCli(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', path.resolve('src/main/ml/cli/evaluate.ts'), ...args]).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

/** A few real FER2013 test faces of three classes, laid out under `root/<prefix><class>/`. */
async function faces(prefix: string): Promise<string> {
  const root = await temporaryDir();
  for (const label of ['happy', 'surprise', 'neutral']) {
    const target = path.join(root, prefix, label);
    mkdirSync(target, { recursive: true });
    const source = path.join(SHARED_FER2013, 'test', label);
    for (const file of readdirSync(source).sort().slice(0, 4))
      copyFileSync(path.join(source, file), path.join(target, file));
  }
  return root;
}

describe('npm run evaluate on any labelled folder', () => {
  it('scores a folder that has only test/<class>/ images, naming the split, the count and what it skipped', async () => {
    const data = await faces('test/');
    writeFileSync(path.join(data, 'test', 'happy', 'broken.jpg'), 'not a JPEG');
    const json = path.join(data, 'report.json');
    const result = await evaluateCli('--model', DEFAULT_MODEL, '--data', data, '--json', json);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/on the test split of .*: 12 images/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as EvaluationReport & { skipped: { count: number } };
    expect(report).toMatchObject({ split: 'test', images: 12, skipped: { count: 1 } });
    expect(report.ece).toBeGreaterThanOrEqual(0);
    expect(result.stderr).toMatch(/skipped 1:\n.*broken\.jpg/);
  }, 120_000);

  it('scores all of a bare folder of class folders', async () => {
    const data = await faces('');
    const json = path.join(data, 'report.json');
    const result = await evaluateCli('--model', DEFAULT_MODEL, '--data', data, '--json', json);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/on all images of .*: 12 images/);
    expect(JSON.parse(readFileSync(json, 'utf8'))).toMatchObject({ split: 'all', images: 12 });
  }, 120_000);

  it('averages ten views with --tta-shifts; --save-evaluation refits every temperature on the split and stores the report', async () => {
    const data = await faces('');
    const model = await temporaryDir();
    for (const file of readdirSync(DEFAULT_MODEL)) copyFileSync(path.join(DEFAULT_MODEL, file), path.join(model, file));
    const metadataOf = () => JSON.parse(readFileSync(path.join(model, 'metadata.json'), 'utf8')) as ModelMetadata;
    const json = path.join(data, 'report.json');
    const result = await evaluateCli(
      '--model',
      model,
      '--data',
      data,
      '--tta-shifts',
      '--save-evaluation',
      '--json',
      json,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/12 images, averaged over ten shifted and mirrored views/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as EvaluationReport;
    expect(report).toMatchObject({ testTimeFlip: true, testTimeShifts: true });
    const after = metadataOf().calibration!;
    expect(after.shifted).toBeCloseTo(report.temperature, 6);
    expect(after).toMatchObject({ fittedOn: 'all', images: 12 });
    expect(metadataOf().evaluation).toMatchObject({ accuracy: report.accuracy, ece: report.ece, testTimeShifts: true });
    // Refitted on these twelve faces, not kept from the bundled model's 3,589: twelve are too few
    // to fit any temperature (MIN_CALIBRATION_FACES), so every way of predicting gets none.
    expect([after.single, after.mirrored, after.shifted]).toEqual([1, 1, 1]);
  }, 120_000);
});
