import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { formatBackendReport, selectBackend } from './backend';

describe('backend selection', () => {
  it('falls back to wasm when tfjs-node-gpu and tfjs-node are not installed, and says why', async () => {
    const tried: string[] = [];
    const report = await selectBackend({
      loadNative: async (name) => {
        tried.push(name);
        throw new Error(`Cannot find package '${name}'`);
      },
    });
    expect(tried).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
    expect(report.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(report.attempts.map((a) => [a.backend, a.ok])).toEqual([
      ['tensorflow-gpu', false],
      ['tensorflow', false],
      ['wasm', true],
    ]);
    expect(report.attempts[0].reason).toMatch(/Cannot find package '@tensorflow\/tfjs-node-gpu'/);
    expect(formatBackendReport(report)).toMatch(/backend: wasm\n.*tensorflow-gpu unavailable/);
  });

  it('skips a native package that loads but registers no backend', async () => {
    const report = await selectBackend({ candidates: ['tensorflow', 'cpu'], loadNative: async () => ({}) });
    expect(report.backend).toBe('cpu');
    expect(report.attempts[0]).toMatchObject({ backend: 'tensorflow', ok: false });
    expect(report.attempts[0].reason).toMatch(/tensorflow/);
  });

  it('uses the real optional packages where they load (absent here, so it reports them)', async () => {
    const report = await selectBackend({ candidates: ['tensorflow-gpu', 'tensorflow', 'wasm'] });
    const native = report.attempts.filter((a) => a.backend !== 'wasm');
    // Either a native backend runs, or each failure is explained.
    if (report.backend === 'wasm') native.forEach((a) => expect(a.reason).toBeTruthy());
    else expect(report.tfBackend).toBe('tensorflow');
  });

  it('fails with every reason when nothing starts', async () => {
    await expect(
      selectBackend({ candidates: ['tensorflow'], loadNative: async () => Promise.reject(new Error('no binary')) }),
    ).rejects.toThrow(/No TensorFlow.js backend could start: tensorflow: no binary/);
  });
});
