import { describe, expect, it } from 'vitest';
import { DialogGate } from './dialog-gate';

describe('DialogGate', () => {
  it('refuses a second dialog for a window while its first is open, and allows one again after', async () => {
    const gate = new DialogGate<object>();
    const [window, other] = [{}, {}];
    let answer: (path: string | undefined) => void = () => undefined;
    const first = gate.show(window, () => new Promise<string | undefined>((resolve) => (answer = resolve)));
    await expect(gate.show(window, async () => 'second')).rejects.toThrow(/already open/);
    await expect(gate.show(other, async () => 'another window')).resolves.toBe('another window');
    answer('/tmp/a.csv');
    await expect(first).resolves.toBe('/tmp/a.csv');
    await expect(gate.show(window, async () => 'again')).resolves.toBe('again');
    // A dialog that fails still lets the next one open.
    await expect(gate.show(window, () => Promise.reject(new Error('no display')))).rejects.toThrow('no display');
    await expect(gate.show(window, async () => 'after a failure')).resolves.toBe('after a failure');
  });
});
