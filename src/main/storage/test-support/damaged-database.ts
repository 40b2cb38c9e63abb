import { closeSync, openSync, statSync, writeSync } from 'node:fs';
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

/** `recordedDatabase`, then three pages at 60% of the file damaged: sample pages, the schema left whole. */
export function damagedDatabase(file: string, sessions = 3, samplesEach = 4000): void {
  recordedDatabase(file, sessions, samplesEach);
  const pageSize = 4096;
  const pages = statSync(file).size / pageSize;
  scribble(file, Math.floor(pages * 0.6) * pageSize, 3 * pageSize);
}
