import BetterSqlite3 from 'better-sqlite3';
import { closeSync, openSync, writeSync } from 'node:fs';
import { openDatabase } from '../database';
import { SessionStore } from '../session-store';
import { sample } from './samples';

/** A database file of `sessions` closed sessions of `samplesEach` samples, closed and checkpointed. */
export function recordedDatabase(file: string, sessions: number, samplesEach: number): void {
  const db = openDatabase(file);
  const store = new SessionStore(db);
  for (let s = 0; s < sessions; s++) {
    const { id } = store.createSession({ name: `session ${s + 1}`, startedAt: s * 1000 });
    store.appendSamples(
      id,
      Array.from({ length: samplesEach }, (_, i) => ({ ...sample(1 + (i % 3), 'happy'), offsetMs: i * 100 })),
    );
    store.endSession(id, s * 1000 + samplesEach * 100);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** Overwrites `length` bytes of `file` at `offset` with a pattern no page holds, as a failing disk might. */
export function scribble(file: string, offset: number, length: number): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(length, 0xa5), 0, length, offset);
  closeSync(fd);
}

/** `recordedDatabase`, then three of the samples table's pages from its middle damaged; the schema left whole. */
export function damagedDatabase(file: string, sessions = 3, samplesEach = 4000): void {
  recordedDatabase(file, sessions, samplesEach);
  const db = new BetterSqlite3(file, { readonly: true });
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db
    .prepare("SELECT pageno FROM dbstat WHERE name = 'samples' AND pagetype = 'leaf' ORDER BY pageno")
    .pluck()
    .all() as number[];
  db.close();
  const middle = Math.floor(pages.length / 2);
  for (const page of pages.slice(middle, middle + 3)) scribble(file, (page - 1) * pageSize, pageSize);
}
