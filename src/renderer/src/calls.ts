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
