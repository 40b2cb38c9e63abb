/**
 * `npm run export -- --db FILE --session ID|all [--summary] --out FILE`: the History view's CSV
 * export, for scripts.
 */
import { existsSync } from 'node:fs';
import { parseCommandLine, positiveInt, runCli, UsageError } from '../cli/run';
import { exportCsvFile } from './csv-export';
import { openDatabaseForReading } from './database';
import { SessionStore } from './session-store';

const USAGE = `Usage: npm run export -- --db <file> --session <id|all> --out <file.csv> [--summary | --segments]

Writes one CSV row per sample (or, with --summary, one row per session with the time share and
mean probability of each emotion; with --segments, one row per part of a session between its
markers). --session takes a session id, several separated by commas, or all.`;

await runCli(USAGE, async () => {
  const { values } = parseCommandLine({
    options: {
      db: { type: 'string' },
      session: { type: 'string' },
      out: { type: 'string' },
      summary: { type: 'boolean', default: false },
      segments: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  if (!values.db || !values.session || !values.out) throw new UsageError('--db, --session and --out are required');
  if (values.summary && values.segments) throw new UsageError('--summary and --segments are two forms: choose one');
  if (!existsSync(values.db)) throw new UsageError(`No database at ${values.db}`);
  const ids =
    values.session === 'all' ? undefined : values.session.split(',').map((id) => positiveInt('--session', id.trim()));
  const db = openDatabaseForReading(values.db);
  const store = new SessionStore(db);
  try {
    for (const id of ids ?? []) if (!store.session(id)) throw new UsageError(`No session ${id} in ${values.db}`);
    const kind = values.summary ? 'summary' : values.segments ? 'segments' : 'samples';
    const rows = await exportCsvFile(store, values.out, kind, ids);
    console.log(
      `Wrote ${rows} ${{ summary: 'sessions', segments: 'segments', samples: 'samples' }[kind]} to ${values.out}`,
    );
  } finally {
    db.close();
  }
});
