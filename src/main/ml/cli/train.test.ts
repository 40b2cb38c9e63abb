import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RECIPE, SEED_RECIPE } from '../training/recipes';
import { csvRow, temporaryDir } from '../test-support/fixtures';

const run = promisify(execFile);
const git = promisify(execFile);

function trainCli(...args: string[]) {
  return trainCliWith({}, ...args);
}

function trainCliWith(env: NodeJS.ProcessEnv, ...args: string[]) {
  const script = path.resolve('src/main/ml/cli/train.ts');
  return run(process.execPath, ['--import', 'tsx', script, ...args], { env: { ...process.env, ...env } }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe('npm run train protects finished models', () => {
  it('refuses --resume where there is no checkpoint, naming the folder', async () => {
    const out = await temporaryDir();
    const result = await trainCli('--data', '/no/such/dataset', '--arch', 'default', '--out', out, '--resume');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--resume: ${out} has no checkpoint to continue from`);
  });

  it('refuses to train into a folder that holds a model unless --force is given', async () => {
    const out = await temporaryDir();
    writeFileSync(path.join(out, 'model.json'), '{}');
    const refused = await trainCli('--data', '/no/such/dataset', '--arch', 'default', '--out', out);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${out} already holds a trained model`);
    expect(readFileSync(path.join(out, 'model.json'), 'utf8')).toBe('{}');
    // With --force it goes on (here to the missing dataset, which it then names).
    const forced = await trainCli('--data', '/no/such/dataset', '--arch', 'default', '--out', out, '--force');
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain('Dataset not found');
  });

  it('refuses a --from folder that is not a model of the architecture being trained, before reading data', async () => {
    const notModel = await temporaryDir();
    const broken = await trainCli('--data', '/no/such/dataset', '--from', notModel);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('--from:');
    const wrongArch = await trainCli(
      '--data',
      '/no/such/dataset',
      '--arch',
      'seed',
      '--from',
      'resources/models/default',
    );
    expect(wrongArch.code).toBe(2);
    expect(wrongArch.stderr).toContain('holds a default model and this run trains seed');
  });

  it('refuses --teacher-data without a teacher to show it to, before reading data', async () => {
    const out = await temporaryDir();
    const result = await trainCli('--data', '/no/such/dataset', '--teacher-data', '/no/such/copy', '--out', out);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--teacher-data needs a --teacher to show it to');
  });

  it('states the recipes’ own defaults in its help', async () => {
    const help = await trainCli('--help');
    expect(help.stdout).toContain(`epochs (seed: ${SEED_RECIPE.epochs}, default and fast: ${DEFAULT_RECIPE.epochs})`);
    expect(help.stdout).toContain(
      `batch size (seed: ${SEED_RECIPE.batchSize}, default and fast: ${DEFAULT_RECIPE.batchSize})`,
    );
  });
});

describe('npm run train --teacher', () => {
  it(
    'distils a fast model from the bundled default, computing the teacher once and reading it back',
    { timeout: 240_000 },
    async () => {
      const dir = await temporaryDir();
      const rows = [
        'emotion,pixels,Usage',
        ...Array.from({ length: 16 }, (_, i) => csvRow(i % 7, i, 'Training')),
        ...Array.from({ length: 7 }, (_, i) => csvRow(i, 100 + i, 'PublicTest')),
      ];
      writeFileSync(path.join(dir, 'fer2013.csv'), rows.join('\n'));
      const env = { EMOTION_MONITOR_CACHE: path.join(dir, 'cache') };
      const args = ['--data', path.join(dir, 'fer2013.csv'), '--arch', 'fast', '--teacher', 'resources/models/default'];
      const first = await trainCliWith(env, ...args, '--epochs', '1', '--batch', '8', '--out', path.join(dir, 'a'));
      expect(first.stderr).toContain('Learning from');
      expect(first.code).toBe(0);
      expect(first.stderr).toContain('computed and kept in');
      const metadata = JSON.parse(readFileSync(path.join(dir, 'a', 'metadata.json'), 'utf8')) as {
        architecture: string;
        recipe: { distillation?: { teacher: string } };
      };
      expect(metadata.architecture).toBe('fast');
      expect(metadata.recipe.distillation?.teacher).toBe('default');
      const second = await trainCliWith(env, ...args, '--epochs', '1', '--batch', '8', '--out', path.join(dir, 'b'));
      expect(second.code).toBe(0);
      expect(second.stderr).toContain('read from');
    },
  );
});

describe('npm run train explains a bad command line or dataset in one clear line', () => {
  it('checks a negative learning rate against the allowed range instead of calling it ambiguous', async () => {
    const result = await trainCli('--data', '/no/such/dataset', '--lr', '-1');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--lr must be a number above 0, not "-1"');
  });

  it('names an --out folder it cannot create, and why, before reading any data', async () => {
    const dir = await temporaryDir();
    writeFileSync(path.join(dir, 'file'), '');
    const out = path.join(dir, 'file', 'model');
    const result = await trainCli('--data', '/no/such/dataset', '--out', out);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Cannot create the --out folder ${out}: a file is in the way of the folder`);
  });

  it('suggests a smaller --batch for a dataset smaller than one batch', async () => {
    const dir = await temporaryDir();
    const rows = [
      'emotion,pixels,Usage',
      ...[0, 1, 2].map((i) => csvRow(i, i, 'Training')),
      csvRow(3, 9, 'PublicTest'),
    ];
    writeFileSync(path.join(dir, 'fer2013.csv'), rows.join('\n'));
    const result = await trainCli('--data', path.join(dir, 'fer2013.csv'), '--out', path.join(dir, 'model'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Need at least one batch of ${DEFAULT_RECIPE.batchSize} training images, found 3.`);
    expect(result.stderr).toContain('Pass a smaller --batch (at most 3).');
  });

  it('writes by default into models/<arch>, which git ignores', async () => {
    await expect(git('git', ['check-ignore', '-q', 'models/default/model.json'])).resolves.toBeDefined();
  });
});
