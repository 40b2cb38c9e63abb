import type { Statement } from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { openDatabase, SLOW_QUERY_MS, timed, type Database } from './database';
import { SessionService } from './session-service';
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
  /** Every statement History, Compare, the report and the exports run, by what runs it. */
  function historyStatements(db: Database): Record<string, string[]> {
    const store = new SessionStore(db);
    const service = new SessionService(store, { activeModel: () => 'default' });
    const { id } = store.createSession({ name: 'planned', startedAt: 0 });
    store.appendSamples(id, [
      { ...sample(1, 'happy'), offsetMs: 0 },
      { ...sample(2, 'sad'), offsetMs: 61_500 },
    ]);
    store.addMarker(id, 30_250, 'a marker');
    store.endSession(id, 90_000);
    return {
      list: statementsOf(db, () => service.listSessions({ query: 'plan' })),
      detail: statementsOf(db, () => service.detail(id, 5000)),
      detailOfOneFace: statementsOf(db, () => service.detail(id, 60_000, 1, 'raw')),
      // Buckets no span divides are read from the samples.
      detailInFineBuckets: statementsOf(db, () => service.detail(id, 500)),
      export: statementsOf(db, () => [...store.iterateSamples([id])]),
      exportSummary: statementsOf(db, () => {
        store.distribution(id);
        store.affect(id);
      }),
    };
  }

  it('are pinned for every History query: a change of plan is a change to review', () => {
    const db = openDatabase(':memory:');
    const plans = Object.fromEntries(
      Object.entries(historyStatements(db)).map(([name, statements]) => [
        name,
        [...new Set(statements)].map((sql) => ({ sql: sql.replace(/\s+/g, ' ').trim(), plan: planOf(db, sql) })),
      ]),
    );
    expect(plans).toMatchSnapshot();
    db.close();
  });

  it('never scan a whole table of samples or sums: every read is an index range of one session', () => {
    const db = openDatabase(':memory:');
    for (const [name, statements] of Object.entries(historyStatements(db))) {
      expect(statements, name).not.toHaveLength(0);
      for (const detail of statements.flatMap((sql) => planOf(db, sql))) {
        if (/\bsamples\b/.test(detail)) expect(detail, name).toMatch(/USING (COVERING )?INDEX samples_by_session/);
        if (/\bsample_sums\b/.test(detail)) expect(detail, name).toMatch(/USING PRIMARY KEY \(session_id=\?/);
      }
    }
    db.close();
  });

  it('read the sums, not the samples, for a session view in whole-second buckets', () => {
    const db = openDatabase(':memory:');
    const { detail } = historyStatements(db);
    const onSamples = detail.filter((sql) => /FROM samples\b/.test(sql));
    // The samples are read only for the last sample's time and the part-seconds at a segment's edges.
    for (const sql of onSamples) expect(sql).toMatch(/max\(offset_ms\)|offset_ms >= :from AND offset_ms < :to/);
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
