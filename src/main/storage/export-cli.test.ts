import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { SessionStore } from './session-store';
import { sample } from './test-support/samples';
import { openDatabase } from './database';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function exportCli(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', path.resolve('src/main/storage/export-cli.ts'), ...args]).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe('npm run export', () => {
  const db = path.join(dir, 'sessions.db');
  const store = new SessionStore(openDatabase(db));
  const { id } = store.createSession({ name: 'Lab, run 2', startedAt: Date.UTC(2026, 0, 1) });
  store.appendSamples(id, [
    { ...sample(1, 'surprise'), offsetMs: 0 },
    { ...sample(1, 'happy'), offsetMs: 200 },
  ]);
  store.addMarker(id, 100, 'question');
  store.db.close();

  it('writes a session as CSV, and a summary', async () => {
    const out = path.join(dir, 'samples.csv');
    const result = await exportCli('--db', db, '--session', String(id), '--out', out);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Wrote 2 samples');
    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.session_name, r.top_emotion])).toEqual([
      ['Lab, run 2', 'surprise'],
      ['Lab, run 2', 'happy'],
    ]);
    const summary = path.join(dir, 'summary.csv');
    expect((await exportCli('--db', db, '--session', 'all', '--out', summary, '--summary')).code).toBe(0);
    expect(readFileSync(summary, 'utf8')).toContain('"Lab, run 2"');
    const segments = path.join(dir, 'segments.csv');
    const bySegment = await exportCli('--db', db, '--session', 'all', '--out', segments, '--segments');
    expect(bySegment.stdout).toContain('Wrote 2 segments');
    const parts = parse(readFileSync(segments, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(parts.map((r) => [r.marker, r.dominant_emotion])).toEqual([
      ['Start', 'surprise'],
      ['question', 'happy'],
    ]);
  });

  it('explains a wrong command line, a missing database or session, with exit code 2', async () => {
    for (const args of [
      ['--db', db],
      ['--db', path.join(dir, 'nope.db'), '--session', 'all', '--out', 'x.csv'],
      ['--db', db, '--session', '99', '--out', path.join(dir, 'x.csv')],
      ['--db', db, '--session', 'first', '--out', path.join(dir, 'x.csv')],
    ]) {
      const result = await exportCli(...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/required|No database|No session 99|whole number/);
      expect(result.stderr).toContain('Usage: npm run export');
    }
  });

  it('refuses a file that is not its database, naming it, and changes nothing in it', async () => {
    const other = path.join(dir, 'other.sqlite');
    const foreign = new Database(other);
    foreign.exec('CREATE TABLE notes (text TEXT)');
    foreign.close();
    const empty = path.join(dir, 'empty.db');
    writeFileSync(empty, '');
    const text = path.join(dir, 'text.db');
    writeFileSync(text, 'just some text, not SQLite at all');
    for (const file of [other, empty, text]) {
      const before = readFileSync(file);
      const result = await exportCli('--db', file, '--session', 'all', '--out', path.join(dir, 'x.csv'));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`${file} is not an Emotion Monitor sessions database`);
      expect(readFileSync(file).equals(before)).toBe(true);
    }
  });
});
