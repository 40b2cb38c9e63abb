import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './database';
import {
  BACKUPS_KEPT,
  compact,
  dailyBackup,
  databaseSize,
  integrityProblem,
  listBackups,
  openCheckedDatabase,
} from './maintenance';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';
import { SessionService } from './session-service';
import { SessionStore } from './session-store';
import { damagedDatabase, recordedDatabase, scribble } from './test-support/damaged-database';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-maintenance-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const count = (db: Database, table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

describe('the database check at start', () => {
  it('opens a healthy file as it is, saying nothing', () => {
    const file = path.join(dir, 'sessions.db');
    recordedDatabase(file, 2, 50);
    const { db, notice } = openCheckedDatabase(file, { backupsDir: path.join(dir, 'backups') });
    expect(notice).toBeUndefined();
    expect(count(db, 'samples')).toBe(100);
    db.close();
  });

  it('keeps a damaged file aside and opens a recovered copy of every session and sample still readable', () => {
    const file = path.join(dir, 'sessions.db');
    damagedDatabase(file, 3, 4000);
    expect(integrityProblem(file)).toBeDefined();

    const { db, notice } = openCheckedDatabase(file, { backupsDir: path.join(dir, 'backups') });
    expect(notice).toMatch(/The sessions database was damaged \(.+\)\. The damaged file is kept as .+damaged-.+\.db/);
    expect(notice).toMatch(/A recovered copy is open: 3 sessions and \d+ samples could be read/);
    const aside = readdirSync(dir).find((name) => name.includes('.damaged-'));
    expect(aside).toBeDefined();
    // The recovered copy is whole, holds most samples, and the damaged stretch's loss only.
    expect(integrityProblem(file)).toBeUndefined();
    expect(count(db, 'sessions')).toBe(3);
    const samples = count(db, 'samples');
    expect(samples).toBeGreaterThan(12_000 * 0.8);
    expect(samples).toBeLessThan(12_000);
    // History's sums are rebuilt from the samples saved, not copied from the damaged file.
    const listed = new SessionStore(db).listSessions().reduce((sum, session) => sum + session.samples, 0);
    expect(listed).toBe(samples);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('opens the newest backup when nothing of the damaged file can be read', async () => {
    const file = path.join(dir, 'sessions.db');
    const backupsDir = path.join(dir, 'backups');
    recordedDatabase(file, 2, 10);
    const db = openDatabase(file);
    await dailyBackup(db, backupsDir, Date.now());
    new SessionStore(db).createSession({ name: 'after the backup' });
    db.close();
    scribble(file, 0, 4096); // the header: not a database any more

    const opened = openCheckedDatabase(file, { backupsDir });
    expect(opened.notice).toMatch(
      /nothing in it could be read\. The damaged file is kept as .+ The backup of .+ is open/,
    );
    expect(count(opened.db, 'sessions')).toBe(2);
    expect(count(opened.db, 'samples')).toBe(20);
    opened.db.close();
  });

  it('backs the file up before migrating it to a newer schema, and the backup is the old file', () => {
    const file = path.join(dir, 'sessions.db');
    const old = new BetterSqlite3(file);
    MIGRATIONS.slice(0, 4).forEach((migration) => migration(old));
    old.pragma('user_version = 4');
    old.prepare("INSERT INTO sessions (name, started_at) VALUES ('from version 4', 0)").run();
    old.close();

    const backupsDir = path.join(dir, 'backups');
    const { db } = openCheckedDatabase(file, { backupsDir });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
    const [backup] = listBackups(backupsDir);
    expect(backup.file).toMatch(/before-upgrade\.db$/);
    const saved = new BetterSqlite3(backup.file, { readonly: true });
    expect(saved.pragma('user_version', { simple: true })).toBe(4);
    expect(saved.prepare('SELECT name FROM sessions').pluck().all()).toEqual(['from version 4']);
    saved.close();
  });
});

describe('backups', () => {
  it('are made at most once a day, keep the newest few, and restore what they held', async () => {
    const file = path.join(dir, 'sessions.db');
    recordedDatabase(file, 1, 10);
    const db = openDatabase(file);
    const backupsDir = path.join(dir, 'backups');
    const day = 24 * 60 * 60 * 1000;
    const first = await dailyBackup(db, backupsDir, Date.now());
    expect(first).toBeDefined();
    expect(await dailyBackup(db, backupsDir, Date.now() + day / 2)).toBeUndefined();
    const start = first!.createdAt;
    for (let d = 1; d <= BACKUPS_KEPT + 1; d++)
      expect(await dailyBackup(db, backupsDir, start + d * day)).toBeDefined();
    const kept = listBackups(backupsDir);
    expect(kept.map((backup) => backup.createdAt)).toEqual([4, 3, 2].map((d) => start + d * day));
    // Each is a whole database, holding what the app held when it was made.
    const copy = new BetterSqlite3(kept[0].file, { readonly: true });
    expect(copy.prepare('SELECT count(*) FROM samples').pluck().get()).toBe(10);
    expect(copy.pragma('quick_check', { simple: true })).toBe('ok');
    copy.close();
    db.close();
  });
});

describe('space', () => {
  it('deleting sessions gives their pages back at once in a new file, and compact does so for an older one', () => {
    const file = path.join(dir, 'sessions.db');
    recordedDatabase(file, 4, 5000);
    const db = openDatabase(file);
    const service = new SessionService(new SessionStore(db), { activeModel: () => 'default' });
    const before = databaseSize(db).bytes;
    const ids = (db.prepare('SELECT id FROM sessions').pluck().all() as number[]).slice(0, 3);
    service.deleteSessions(ids);
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(databaseSize(db)).toMatchObject({ freeBytes: 0 });
    expect(databaseSize(db).bytes).toBeLessThan(before * 0.5);
    db.close();

    // A file made before incremental auto-vacuum: deletes leave free pages until it is compacted.
    const older = path.join(dir, 'older.db');
    recordedDatabase(older, 4, 5000);
    const raw = new BetterSqlite3(older);
    raw.pragma('auto_vacuum = NONE');
    raw.exec('VACUUM');
    raw.close();
    const olderDb = openDatabase(older);
    const olderService = new SessionService(new SessionStore(olderDb), { activeModel: () => 'default' });
    olderService.deleteSessions((olderDb.prepare('SELECT id FROM sessions').pluck().all() as number[]).slice(0, 3));
    expect(databaseSize(olderDb).freeBytes).toBeGreaterThan(0);
    const { bytesFreed } = compact(olderDb);
    expect(bytesFreed).toBeGreaterThan(0);
    expect(databaseSize(olderDb).freeBytes).toBe(0);
    expect(olderDb.pragma('auto_vacuum', { simple: true })).toBe(2);
    expect(count(olderDb, 'samples')).toBe(5000);
    olderDb.close();
    expect(existsSync(older)).toBe(true);
  });
});
