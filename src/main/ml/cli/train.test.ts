import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RECIPE, SEED_RECIPE } from '../training/recipes';
import { temporaryDir } from '../test-support/fixtures';

const run = promisify(execFile);

function trainCli(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', path.resolve('src/main/ml/cli/train.ts'), ...args]).then(
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

  it('states the recipes’ own defaults in its help', async () => {
    const help = await trainCli('--help');
    expect(help.stdout).toContain(`epochs (seed: ${SEED_RECIPE.epochs}, default: ${DEFAULT_RECIPE.epochs})`);
    expect(help.stdout).toContain(`batch size (seed: ${SEED_RECIPE.batchSize}, default: ${DEFAULT_RECIPE.batchSize})`);
  });
});
