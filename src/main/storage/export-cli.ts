/**
 * `npm run export -- --db FILE --session ID|all [--summary] --out FILE`: the History view's CSV
 * export, for scripts.
 */
import { existsSync } from 'node:fs';
import { parseCommandLine, positiveInt, runCli, UsageError } from '../ml/cli/run';
import { exportCsvFile } from './csv-export';
import { SessionStore } from './session-store';

const USAGE = `Usage: npm run export -- --db <file> --session <id|all> --out <file.csv> [--summary]

Writes one CSV row per sample (or, with --summary, one row per session with the time share and
mean probability of each emotion). --session takes a session id, several separated by commas, or all.`;

await runCli(USAGE, async () => {
  const { values } = parseCommandLine({
    options: {
      db: { type: 'string' },
      session: { type: 'string' },
      out: { type: 'string' },
      summary: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  if (!values.db || !values.session || !values.out) throw new UsageError('--db, --session and --out are required');
  if (!existsSync(values.db)) throw new UsageError(`No database at ${values.db}`);
  const ids =
    values.session === 'all' ? undefined : values.session.split(',').map((id) => positiveInt('--session', id.trim()));
  const store = SessionStore.openForReading(values.db);
  try {
    for (const id of ids ?? []) if (!store.session(id)) throw new UsageError(`No session ${id} in ${values.db}`);
    const rows = await exportCsvFile(store, values.out, values.summary ? 'summary' : 'samples', ids);
    console.log(`Wrote ${rows} ${values.summary ? 'sessions' : 'samples'} to ${values.out}`);
  } finally {
    store.close();
  }
});
