import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { StorageInfo } from '@shared/api';
import { errorMessage } from '@shared/errors';
import { openDatabase, type Database } from './database';
import { SCHEMA_VERSION } from './migrations';
import { rebuildSums } from './sample-sums';

/**
 * Keeping the sessions database whole: a check at start, a recovered copy of a damaged file,
 * backups (daily and before a migration) and compaction after deletes. Nothing here imports
 * Electron; src/main/index.ts calls it with the app's folders.
 */

/** Backups kept; the oldest goes when a new one is made. */
export const BACKUPS_KEPT = 3;
const DAY_MS = 24 * 60 * 60 * 1000;

/** better-sqlite3's options for a build other than Node's (Electron's; see openDatabase). */
const binding = (nativeBinding?: string) => (nativeBinding ? { nativeBinding } : {});

export interface OpenedDatabase {
  db: Database;
  /** What happened to the file on the way, for the user (a damaged file recovered, say). */
  notice?: string;
}

/**
 * Opens the app's database at `file`, checked first: a damaged file is moved aside (never
 * deleted) and replaced by a recovered copy of everything still readable in it, or by the
 * newest backup when nothing is; a database about to be migrated is backed up first.
 */
export function openCheckedDatabase(
  file: string,
  options: { backupsDir: string; nativeBinding?: string; now?: () => number },
): OpenedDatabase {
  const now = options.now ?? Date.now;
  let notice: string | undefined;
  if (existsSync(file)) {
    const problem = integrityProblem(file, options.nativeBinding);
    if (problem) notice = recoverInPlace(file, problem, options.backupsDir, now(), options.nativeBinding);
    else if (needsMigration(file, options.nativeBinding))
      backupNow(file, options.backupsDir, now(), 'before-upgrade', options.nativeBinding);
  }
  return { db: openDatabase(file, { nativeBinding: options.nativeBinding }), notice };
}

/** `PRAGMA quick_check`'s findings, or undefined for a healthy file. */
export function integrityProblem(file: string, nativeBinding?: string): string | undefined {
  let db: Database | undefined;
  try {
    db = new BetterSqlite3(file, { fileMustExist: true, ...binding(nativeBinding) });
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    const findings = rows.map((row) => row.quick_check).filter((line) => line !== 'ok');
    return findings.length > 0 ? findings.slice(0, 3).join('; ') : undefined;
  } catch (error) {
    return errorMessage(error);
  } finally {
    db?.close();
  }
}

function needsMigration(file: string, nativeBinding?: string): boolean {
  const db = new BetterSqlite3(file, { readonly: true, ...binding(nativeBinding) });
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    return version > 0 && version < SCHEMA_VERSION;
  } finally {
    db.close();
  }
}

/** Moves a database and its WAL files aside under `target`'s name. */
function moveAside(file: string, target: string): void {
  renameSync(file, target);
  for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
}

/**
 * Replaces the damaged `file` by what can be read from it (or by the newest backup when nothing
 * can), keeping the damaged file beside it; returns the sentence that tells the user.
 */
function recoverInPlace(file: string, problem: string, backupsDir: string, at: number, nativeBinding?: string): string {
  const aside = file.replace(/(\.db)?$/, `.damaged-${stamp(at)}.db`);
  moveAside(file, aside);
  const recovered = salvage(aside, file, nativeBinding);
  const kept = `The damaged file is kept as ${aside}.`;
  if (recovered.sessions > 0 || recovered.rows > 0) {
    return (
      `The sessions database was damaged (${problem}). ${kept} A recovered copy is open: ` +
      `${recovered.sessions} sessions and ${recovered.samples} samples could be read` +
      (recovered.unreadable > 0 ? `; ${recovered.unreadable} unreadable parts were left behind.` : '.')
    );
  }
  rmSync(file, { force: true });
  const backup = listBackups(backupsDir)[0];
  if (backup) {
    restoreBackup(backup.file, file, nativeBinding);
    return `The sessions database was damaged (${problem}) and nothing in it could be read. ${kept} The backup of ${new Date(backup.createdAt).toLocaleString()} is open.`;
  }
  return `The sessions database was damaged (${problem}) and nothing in it could be read, and there is no backup. ${kept} A new, empty database is open.`;
}

interface Salvage {
  sessions: number;
  samples: number;
  rows: number;
  /** Stretches of a table that could not be read. */
  unreadable: number;
}

/**
 * Copies every row that can still be read from the damaged database into a new one with the
 * current schema, table by table in rowid order; where a stretch cannot be read it skips ahead
 * (SQLite's .recover in spirit: better-sqlite3 does not ship the recover extension).
 */
export function salvage(damagedFile: string, targetFile: string, nativeBinding?: string): Salvage {
  const result: Salvage = { sessions: 0, samples: 0, rows: 0, unreadable: 0 };
  let damaged: Database;
  try {
    damaged = new BetterSqlite3(damagedFile, { readonly: true, ...binding(nativeBinding) });
    damaged.pragma('query_only = ON');
  } catch {
    return result;
  }
  const target = openDatabase(targetFile, { nativeBinding });
  try {
    const tables = target
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    const copiedTables = tables.filter((table) => table !== 'sample_sums'); // derived: rebuilt from the samples saved
    target.pragma('foreign_keys = OFF'); // rows arrive table by table, parents maybe after children
    for (const table of copiedTables) {
      const columns = commonColumns(damaged, target, table);
      if (columns.length === 0) continue;
      const list = columns.map((c) => `"${c}"`).join(', ');
      const insert = target.prepare(
        `INSERT OR IGNORE INTO "${table}" (${list}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      const copied = copyReadableRows(damaged, table, list, (row) => insert.run(...row));
      result.rows += copied.rows;
      result.unreadable += copied.unreadable;
      if (table === 'sessions') result.sessions = copied.rows;
      if (table === 'samples') result.samples = copied.rows;
    }
    // Rows whose parent was lost go too: every sample, marker and name belongs to a session that is there.
    for (const child of ['samples', 'markers', 'participants', 'baselines']) {
      if (tables.includes(child))
        target.prepare(`DELETE FROM "${child}" WHERE session_id NOT IN (SELECT id FROM sessions)`).run();
    }
    result.samples = (target.prepare('SELECT count(*) FROM samples').pluck().get() as number) ?? 0;
    target.transaction(() => rebuildSums(target))();
    target.pragma('foreign_keys = ON');
  } finally {
    target.close();
    damaged.close();
  }
  return result;
}

function commonColumns(damaged: Database, target: Database, table: string): string[] {
  try {
    const old = new Set(
      (damaged.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]) ?? [],
    );
    return (target.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]).filter((c) =>
      old.has(c),
    );
  } catch {
    return [];
  }
}

/** Reads `table` in rowid order, in runs; a run that fails is skipped past, ever further, up to the largest rowid. */
function copyReadableRows(
  db: Database,
  table: string,
  columns: string,
  write: (row: unknown[]) => void,
): { rows: number; unreadable: number } {
  let rows = 0;
  let unreadable = 0;
  let maxRowid: number;
  try {
    maxRowid = (db.prepare(`SELECT max(rowid) FROM "${table}"`).pluck().get() as number | null) ?? 0;
  } catch {
    maxRowid = Number.MAX_SAFE_INTEGER;
  }
  let from = 0;
  let skip = 1;
  const read = db.prepare(`SELECT rowid, ${columns} FROM "${table}" WHERE rowid > ? ORDER BY rowid`).raw(true);
  while (from <= maxRowid) {
    let last = from;
    try {
      for (const row of read.iterate(from) as Iterable<unknown[]>) {
        last = row[0] as number;
        write(row.slice(1));
        rows++;
      }
      break;
    } catch {
      // A damaged page: resume past it, further each time the same stretch fails.
      unreadable++;
      skip = last === from ? skip * 2 : 1;
      from = last + skip;
      if (unreadable > 10_000) break;
    }
  }
  return { rows, unreadable };
}

export interface Backup {
  file: string;
  createdAt: number;
  sizeBytes: number;
}

/** The backups in `dir`, newest first (by the time in their names, which copying a folder keeps). */
export function listBackups(dir: string): Backup[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => ({ name, createdAt: stampTime(name) }))
    .filter((entry): entry is { name: string; createdAt: number } => entry.createdAt !== undefined)
    .map(({ name, createdAt }) => {
      const file = path.join(dir, name);
      return { file, createdAt, sizeBytes: statSync(file).size };
    })
    .sort((a, b) => b.createdAt - a.createdAt);
}

/** A time as a file name can hold it: 2026-12-06T06-37-13-123Z. */
function stamp(at: number): string {
  return new Date(at).toISOString().replace(/[:.]/g, '-');
}

function stampTime(name: string): number | undefined {
  const match = /^sessions-(\d{4})-(\d\d)-(\d\d)T(\d\d)-(\d\d)-(\d\d)-(\d{3})Z-[\w-]+\.db$/.exec(name);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second, ms] = match.slice(1).map(Number);
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/**
 * A consistent copy of the database at `file` (VACUUM INTO: one statement, compact, readable as it
 * is), then only the newest BACKUPS_KEPT kept. Synchronous: for the moment before a migration.
 */
export function backupNow(
  file: string,
  dir: string,
  at: number,
  reason: 'daily' | 'before-upgrade',
  nativeBinding?: string,
): Backup {
  mkdirSync(dir, { recursive: true });
  const target = path.join(dir, `sessions-${stamp(at)}-${reason}.db`);
  const db = new BetterSqlite3(file, { readonly: true, ...binding(nativeBinding) });
  try {
    db.prepare('VACUUM INTO ?').run(target);
  } finally {
    db.close();
  }
  pruneBackups(dir);
  return listBackups(dir).find((backup) => backup.file === target)!;
}

/**
 * The daily backup of an open database through SQLite's online backup API, which copies it in
 * steps while the app goes on writing; skipped when the newest backup is under a day old.
 */
export async function dailyBackup(db: Database, dir: string, at: number): Promise<Backup | undefined> {
  const newest = listBackups(dir)[0];
  if (newest && at - newest.createdAt < DAY_MS) return undefined;
  mkdirSync(dir, { recursive: true });
  const target = path.join(dir, `sessions-${stamp(at)}-daily.db`);
  await db.backup(target);
  pruneBackups(dir);
  return listBackups(dir).find((backup) => backup.file === target);
}

function pruneBackups(dir: string): void {
  for (const old of listBackups(dir).slice(BACKUPS_KEPT)) rmSync(old.file, { force: true });
}

/** Puts a backup in place of the database at `file` (which must be closed), its WAL files removed. */
export function restoreBackup(backupFile: string, file: string, nativeBinding?: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  const source = new BetterSqlite3(backupFile, { readonly: true, ...binding(nativeBinding) });
  try {
    source.prepare('VACUUM INTO ?').run(file);
  } finally {
    source.close();
  }
}

/** The database file's size with its write-ahead log, and how much of it is free pages. */
export function databaseSize(db: Database): { bytes: number; freeBytes: number } {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  const free = db.pragma('freelist_count', { simple: true }) as number;
  const wal = db.name !== ':memory:' && existsSync(`${db.name}-wal`) ? statSync(`${db.name}-wal`).size : 0;
  return { bytes: pages * pageSize + wal, freeBytes: free * pageSize };
}

/**
 * Gives the space of deleted sessions back to the disk. The first time it rebuilds the file with
 * incremental auto-vacuum (a full VACUUM); after that each call only releases the free pages.
 */
export function compact(db: Database): { bytesFreed: number } {
  const before = databaseSize(db).bytes;
  if ((db.pragma('auto_vacuum', { simple: true }) as number) !== 2) {
    db.pragma('auto_vacuum = INCREMENTAL');
    db.exec('VACUUM');
  } else {
    db.pragma('incremental_vacuum');
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { bytesFreed: Math.max(0, before - databaseSize(db).bytes) };
}

/** The database's housekeeping as the app runs it: what the user sees of it, daily backups, compaction. */
export class DatabaseKeeper {
  constructor(
    private readonly db: Database,
    private readonly options: { file: string; backupsDir: string; notice?: string },
  ) {}

  info(): StorageInfo {
    const { bytes, freeBytes } = databaseSize(this.db);
    return {
      file: this.options.file,
      bytes,
      freeBytes,
      backupsDir: this.options.backupsDir,
      backups: listBackups(this.options.backupsDir).map(({ createdAt, sizeBytes }) => ({ createdAt, sizeBytes })),
      ...(this.options.notice ? { notice: this.options.notice } : {}),
    };
  }

  compact(): StorageInfo {
    compact(this.db);
    return this.info();
  }

  /** A backup now if the newest is a day old, and a look every hour after; returns the stop. */
  keepDailyBackups(onError: (error: unknown) => void, now: () => number = Date.now): () => void {
    const run = () => void dailyBackup(this.db, this.options.backupsDir, now()).catch(onError);
    run();
    const timer = setInterval(run, 60 * 60 * 1000);
    timer.unref?.();
    return () => clearInterval(timer);
  }
}
