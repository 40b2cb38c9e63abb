import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorMessage } from '@shared/errors';

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
      console.error(`Error: ${errorMessage(error)}`);
      if (process.env.DEBUG) console.error(error);
      process.exitCode = 1;
    }
  }
}

type CommandLineConfig = ParseArgsConfig & { options: NonNullable<ParseArgsConfig['options']> };

/** `--lr -1` as `--lr=-1`: parseArgs calls a value starting with a dash ambiguous, but a negative number is not. */
function joinNegativeValues(args: string[], options: CommandLineConfig['options']): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith('--') ? args[i].slice(2) : undefined;
    const next = args[i + 1];
    if (name && options[name]?.type === 'string' && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      joined.push(`${args[i]}=${next}`);
      i++;
    } else joined.push(args[i]);
  }
  return joined;
}

/**
 * parseArgs for our commands: negative numbers reach the commands' own range checks (which say
 * what is allowed), and a flag given with its `--no-` opposite is refused rather than one silently winning.
 */
export function parseCommandLine<T extends CommandLineConfig>(config: T) {
  const args = joinNegativeValues([...(config.args ?? process.argv.slice(2))], config.options);
  const result = parseArgs<T>({ ...config, args });
  const values = result.values as Record<string, unknown>;
  for (const name of Object.keys(config.options)) {
    const positive = name.slice('no-'.length);
    if (name.startsWith('no-') && values[name] === true && values[positive] === true)
      throw new UsageError(`--${positive} and --${name} contradict each other: give one of them`);
  }
  return result;
}
