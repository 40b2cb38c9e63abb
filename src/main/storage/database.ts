import BetterSqlite3 from 'better-sqlite3';
import { errorMessage } from '@shared/errors';
import type { Logger } from '../log';
import { migrate, SCHEMA_VERSION } from './migrations';

/** A connection to the app's database (better-sqlite3). */
export type Database = BetterSqlite3.Database;

/**
 * The app's one SQLite connection: opened, tuned and migrated here, then handed to the stores that
 * share it (sessions, settings, training runs). Whoever opens it closes it.
 *
 * `file`: ':memory:' for a throwaway one. `nativeBinding`: better-sqlite3 compiled for another
 * runtime (the Electron build, see scripts/build-electron-sqlite.mjs).
 */
export function openDatabase(file: string, options: { nativeBinding?: string } = {}): Database {
  const db = new BetterSqlite3(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    // A new file frees the pages of deleted sessions as it goes (an older one, once compacted: maintenance.ts).
    if ((db.pragma('page_count', { simple: true }) as number) === 0) db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // WAL makes NORMAL durable across application crashes; only a power cut can lose the last commit.
    db.pragma('synchronous = NORMAL');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * Opens an existing database of this app read-only (the export command): never creates or
 * migrates, and refuses a file that is not one of ours, naming it. Only the app migrates.
 */
export function openDatabaseForReading(file: string): Database {
  const notOurs = (why: string) => new Error(`${file} is not an Emotion Monitor sessions database (${why})`);
  let db: Database;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw notOurs(errorMessage(error));
  }
  try {
    let version: number;
    let hasSessions: boolean;
    try {
      version = db.pragma('user_version', { simple: true }) as number;
      hasSessions =
        db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sessions'").get() !== undefined;
    } catch (error) {
      throw notOurs(errorMessage(error));
    }
    if (!hasSessions) throw notOurs('it has no sessions table');
    if (version !== SCHEMA_VERSION) {
      throw new Error(
        version > SCHEMA_VERSION
          ? `${file} is from a newer Emotion Monitor (schema ${version}, this version reads ${SCHEMA_VERSION})`
          : `${file} is from an older Emotion Monitor (schema ${version}): open it in the app once to upgrade it`,
      );
    }
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** A query slower than this is logged with its name (Signal Desktop does the same). */
export const SLOW_QUERY_MS = 40;

/** Runs a named query; logs it when it took longer than SLOW_QUERY_MS. */
export function timed<T>(
  log: Pick<Logger, 'warn'> | undefined,
  name: string,
  query: () => T,
  now: () => number = () => performance.now(),
): T {
  const started = now();
  try {
    return query();
  } finally {
    const took = now() - started;
    if (took > SLOW_QUERY_MS) log?.warn(`Slow query ${name}: ${Math.round(took)} ms`);
  }
}
