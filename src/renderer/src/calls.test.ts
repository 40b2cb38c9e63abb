import { describe, expect, it } from 'vitest';
import { attempt, attemptNow, sharedReads } from './calls';

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

describe('sharedReads', () => {
  const counting = () => {
    const asked: string[] = [];
    let failNext = false;
    const read = async (request: { fromMs: number; faceIds?: number[] }) => {
      asked.push(JSON.stringify(request));
      if (failNext) {
        failNext = false;
        throw new Error('the database is busy');
      }
      return request.fromMs * 2;
    };
    return { asked, read, failNext: () => (failNext = true) };
  };

  it('reads a request once for every view that asks for it, and other requests on their own', async () => {
    const source = counting();
    const read = sharedReads(source.read);
    const [main, affect] = await Promise.all([read({ fromMs: 10 }), read({ fromMs: 10 })]);
    expect([main, affect]).toEqual([20, 20]);
    await expect(read({ fromMs: 10, faceIds: [2] })).resolves.toBe(20);
    await expect(read({ fromMs: 30 })).resolves.toBe(60);
    expect(source.asked).toEqual(['{"fromMs":10}', '{"fromMs":10,"faceIds":[2]}', '{"fromMs":30}']);
  });

  it('reads again after a failure, and past the answers it keeps', async () => {
    const source = counting();
    const read = sharedReads(source.read, 2);
    source.failNext();
    await expect(read({ fromMs: 1 })).rejects.toThrow('the database is busy');
    await expect(read({ fromMs: 1 })).resolves.toBe(2);
    await read({ fromMs: 2 });
    await read({ fromMs: 3 });
    await read({ fromMs: 1 });
    expect(source.asked).toEqual(['{"fromMs":1}', '{"fromMs":1}', '{"fromMs":2}', '{"fromMs":3}', '{"fromMs":1}']);
  });
});
