import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '@shared/errors';

/** The main process's log (no Electron import: the app passes its folder, tests a temporary one). */
export interface Logger {
  info(message: string): void;
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
}

export const LOG_FILE = 'main.log';
/** How long the same line is counted rather than written again. */
export const REPEAT_WINDOW_MS = 10_000;

/**
 * A log to the console and, with `dir`, to `dir/main.log`, rotated when it would pass `maxBytes`
 * (main.log.1 is the previous one, up to `keep` of them). Writing is synchronous: lines are few,
 * and the last one before a crash must reach the disk. A log that cannot be written is not worth
 * crashing the app for: it falls back to the console alone.
 */
export function createLogger(
  options: {
    dir?: string;
    maxBytes?: number;
    keep?: number;
    console?: Pick<Console, 'info' | 'warn' | 'error'>;
    now?: () => number;
  } = {},
): Logger {
  const { dir, maxBytes = 1_000_000, keep = 3, console: out = console, now = Date.now } = options;
  const file = dir && path.join(dir, LOG_FILE);
  let fileWorks = file !== undefined;
  if (dir) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch {
      fileWorks = false;
    }
  }

  function rotate(incoming: number): void {
    let size = 0;
    try {
      size = statSync(file!).size;
    } catch {
      return; // no log yet
    }
    if (size + incoming <= maxBytes) return;
    rmSync(`${file}.${keep}`, { force: true });
    for (let n = keep - 1; n >= 1; n--) {
      try {
        renameSync(`${file}.${n}`, `${file}.${n + 1}`);
      } catch {
        // that generation does not exist yet
      }
    }
    renameSync(file!, `${file}.1`);
  }

  /**
   * The same line again within REPEAT_WINDOW_MS is counted, not written: a call failing on every
   * frame while the ML process restarts must not fill the log. The count is written with the next
   * different line, or the same one after the window.
   */
  let last: { key: string; at: number; repeats: number } | undefined;

  function write(level: 'INFO' | 'WARN' | 'ERROR', message: string, error?: unknown): void {
    const key = `${level} ${message} ${error === undefined ? '' : errorMessage(error)}`;
    const at = now();
    if (last?.key === key && at - last.at < REPEAT_WINDOW_MS) {
      last.repeats++;
      return;
    }
    if (last && last.repeats > 0) emit('INFO', `(the line before was repeated ${last.repeats} more times)`);
    last = { key, at, repeats: 0 };
    emit(level, message, error);
  }

  function emit(level: 'INFO' | 'WARN' | 'ERROR', message: string, error?: unknown): void {
    const detail =
      error === undefined ? '' : `\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    const line = `${new Date(now()).toISOString()} ${level} ${message}${detail}\n`;
    (level === 'ERROR' ? out.error : level === 'WARN' ? out.warn : out.info)(line.trimEnd());
    if (!fileWorks) return;
    try {
      rotate(Buffer.byteLength(line));
      appendFileSync(file!, line);
    } catch (writeError) {
      fileWorks = false;
      out.warn(`The log file ${file} cannot be written (${String(writeError)}): logging to the console only`);
    }
  }

  return {
    info: (message) => write('INFO', message),
    warn: (message, error) => write('WARN', message, error),
    error: (message, error) => write('ERROR', message, error),
  };
}
