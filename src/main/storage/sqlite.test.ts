import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

// The sessions store (next milestone) is built on better-sqlite3, a native module compiled at
// install time; this proves the build works on this machine.
describe('better-sqlite3', () => {
  it('loads its native binding and runs SQL with WAL-capable SQLite', () => {
    const db = new Database(':memory:');
    const { version } = db.prepare('select sqlite_version() as version').get() as { version: string };
    expect(version).toMatch(/^3\.\d+\.\d+$/);
    db.exec('create table t (x integer); insert into t values (1), (2)');
    expect(db.prepare('select sum(x) as s from t').get()).toEqual({ s: 3 });
    db.close();
  });
});
