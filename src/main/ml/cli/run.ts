/** A mistake in the command line: print it with the usage, exit 2. */
export class UsageError extends Error {}

export function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number above 0, not "${value}"`);
  return n;
}

export function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a number above 0, not "${value}"`);
  return n;
}

/** Runs a command's body, turning errors into one clear line and an exit code instead of a stack trace. */
export async function runCli(usage: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${usage}`);
      process.exitCode = 2;
    } else if (
      error instanceof Error &&
      error.name === 'TypeError' &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`${error.message}\n\n${usage}`);
      process.exitCode = 2;
    } else {
      console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
      if (process.env.DEBUG) console.error(error);
      process.exitCode = 1;
    }
  }
}
