import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { EvaluationReport } from '../../../shared/training';
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
});
