import { describe, expect, it } from 'vitest';
import { attempt, attemptNow } from './calls';

describe('attempt', () => {
  it('clears the error shown once the work succeeds, and resolves with its value', async () => {
    const shown: (string | undefined)[] = ['an old error'];
    await expect(
      attempt(
        async () => 42,
        (error) => shown.push(error),
      ),
    ).resolves.toEqual({ value: 42 });
    expect(shown).toEqual(['an old error', undefined]);
  });

  it('shows a failure’s message, after the prefix, and resolves with undefined', async () => {
    const shown: (string | undefined)[] = [];
    const failing = async () => {
      throw new Error('the disk is full');
    };
    await expect(attempt(failing, (error) => shown.push(error), 'The report could not be made')).resolves.toBe(
      undefined,
    );
    expect(shown).toEqual(['The report could not be made: the disk is full']);
  });

  it('does the same for work that does not wait', () => {
    const shown: (string | undefined)[] = [];
    expect(
      attemptNow(
        () => 'done',
        (error) => shown.push(error),
      ),
    ).toEqual({ value: 'done' });
    expect(
      attemptNow(
        () => {
          throw new Error('no face');
        },
        (error) => shown.push(error),
      ),
    ).toBeUndefined();
    expect(shown).toEqual([undefined, 'no face']);
  });
});
