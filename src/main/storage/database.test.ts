import type { Statement } from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { openDatabase, SLOW_QUERY_MS, timed, type Database } from './database';
import { SessionStore } from './session-store';
import { sample } from './test-support/samples';

/** The SQL of every statement `run` prepares on `db`. */
function statementsOf(db: Database, run: () => void): string[] {
  const prepared: string[] = [];
  const prepare = db.prepare.bind(db);
  const spy = vi.spyOn(db, 'prepare').mockImplementation(((sql: string) => {
    prepared.push(sql);
    return prepare(sql);
  }) as (sql: string) => Statement);
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return prepared;
}

/** SQLite's plan for a statement, its parameters bound to placeholders (the plan does not depend on them). */
function planOf(db: Database, sql: string): string[] {
  const named = [...new Set(sql.match(/:\w+/g) ?? [])].map((name) => name.slice(1));
  const positional = (sql.match(/\?/g) ?? []).length;
  const statement = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  const rows = (
    named.length > 0
      ? statement.all(Object.fromEntries(named.map((name) => [name, 1])))
      : statement.all(...new Array<number>(positional).fill(1))
  ) as { detail: string }[];
  return rows.map((row) => row.detail);
}

describe('query plans', () => {
  it('read samples through the samples_by_session index in the summary, timeline and distribution queries', () => {
    const db = openDatabase(':memory:');
    const store = new SessionStore(db);
    const { id } = store.createSession({ name: 'planned', startedAt: 0 });
    store.appendSamples(id, [{ ...sample(1, 'happy'), offsetMs: 0 }]);
    const queries = {
      summary: statementsOf(db, () => store.session(id)),
      list: statementsOf(db, () => store.listSessions()),
      timeline: statementsOf(db, () => store.timeline(id, 1000)),
      faceTimeline: statementsOf(db, () => store.timeline(id, 1000, 1, 'calibrated')),
      distribution: statementsOf(db, () => store.distribution(id)),
    };
    for (const [name, statements] of Object.entries(queries)) {
      expect(statements, name).not.toHaveLength(0);
      const plan = statements.flatMap((sql) => planOf(db, sql));
      const onSamples = plan.filter((detail) => /\bsamples\b/.test(detail));
      expect(onSamples.length, `${name}: ${plan.join(' | ')}`).toBeGreaterThan(0);
      // Every read of samples goes through the index: none scans the whole table.
      for (const detail of onSamples) expect(detail, name).toMatch(/USING (COVERING )?INDEX samples_by_session/);
    }
    db.close();
  });
});

describe('slow queries', () => {
  it('are logged with their name when slower than the limit, and the others are not', () => {
    const warnings: string[] = [];
    const log = { warn: (message: string) => void warnings.push(message) };
    let clock = 0;
    const now = () => clock;
    expect(timed(log, 'quick', () => ((clock += SLOW_QUERY_MS), 1), now)).toBe(1);
    expect(timed(log, 'timeline', () => ((clock += SLOW_QUERY_MS + 25), 2), now)).toBe(2);
    expect(() =>
      timed(
        log,
        'failing',
        () => {
          clock += 100;
          throw new Error('disk I/O error');
        },
        now,
      ),
    ).toThrow('disk I/O error');
    expect(warnings).toEqual(['Slow query timeline: 65 ms', 'Slow query failing: 100 ms']);
  });
});
