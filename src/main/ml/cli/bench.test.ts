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
});
