import { errorMessage } from '@shared/errors';

/**
 * The one way a view runs work whose failure it shows: `show` is handed the failure's message
 * (after `prefix`), or undefined once the work succeeds (an old error does not outlive a success,
 * and work repeated every frame does not flicker its error). Resolves with `{ value }`, or
 * undefined when the work failed, so a caller can go on only after a success.
 */
export async function attempt<T>(
  work: () => Promise<T>,
  show: (error: string | undefined) => void,
  prefix?: string,
): Promise<{ value: T } | undefined> {
  try {
    const value = await work();
    show(undefined);
    return { value };
  } catch (caught) {
    show(failure(caught, prefix));
    return undefined;
  }
}

/** `attempt` for work that does not wait (a step of a frame's handling, say). */
export function attemptNow<T>(
  work: () => T,
  show: (error: string | undefined) => void,
  prefix?: string,
): { value: T } | undefined {
  try {
    const value = work();
    show(undefined);
    return { value };
  } catch (caught) {
    show(failure(caught, prefix));
    return undefined;
  }
}

const failure = (caught: unknown, prefix?: string) =>
  prefix ? `${prefix}: ${errorMessage(caught)}` : errorMessage(caught);

/**
 * A read that views asking for the same thing at once share: the main and affect charts of a
 * session zoomed together ask for the same stretch, and it is read once. The last `keep` answers
 * stay shared; a failed read is not, so asking again tries again. Make one per state of the data
 * read (a new one after an edit), since an answer kept is never read again.
 */
export function sharedReads<Request, Answer>(
  read: (request: Request) => Promise<Answer>,
  keep = 16,
): (request: Request) => Promise<Answer> {
  const reads = new Map<string, Promise<Answer>>();
  return (request) => {
    const key = JSON.stringify(request);
    const held = reads.get(key);
    if (held) return held;
    const reading = read(request);
    reads.set(key, reading);
    if (reads.size > keep) reads.delete(reads.keys().next().value!);
    reading.catch(() => {
      if (reads.get(key) === reading) reads.delete(key);
    });
    return reading;
  };
}
