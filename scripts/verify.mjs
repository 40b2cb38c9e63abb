// `npm run verify`: every stage runs even when an earlier one fails (a failing unit test must not
// hide the end-to-end results), then one line per stage and a non-zero exit if any failed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * The stages, in order. Where Electron is installed its specs run the real app, which needs
 * better-sqlite3 built for Electron first (`npm start` builds it itself; the tests do not start it).
 */
export function stagesFor({ electronInstalled }) {
  return [
    ['lint', ['run', 'lint']],
    ['typecheck', ['run', 'typecheck']],
    ['build', ['exec', '--', 'electron-vite', 'build']],
    ['unit tests', ['test']],
    // History's session view may not grow dearer per sample than its committed baseline.
    ['sessions guard', ['run', 'guard:sessions']],
    ...(electronInstalled ? [['better-sqlite3 for Electron', ['run', 'build:native']]] : []),
    ['end-to-end tests', ['run', 'test:e2e']],
  ];
}

/** Whether Electron's binary is installed (its download is skipped on some machines). */
function electronInstalled() {
  try {
    const binary = createRequire(import.meta.url)('electron');
    return typeof binary === 'string' && existsSync(binary);
  } catch {
    return false;
  }
}

export const STAGES = stagesFor({ electronInstalled: electronInstalled() });

/**
 * Runs every stage with `run` (which returns true when the stage passed), whatever the earlier
 * ones did; returns one result per stage.
 */
export function runStages(stages, run, log = console.log) {
  const results = stages.map(([name, args]) => {
    log(`\n=== ${name}: npm ${args.join(' ')}`);
    const started = Date.now();
    const ok = run(args);
    return { name, ok, seconds: Math.round((Date.now() - started) / 1000) };
  });
  log('\n=== verify');
  for (const { name, ok, seconds } of results) log(`${ok ? 'passed' : 'FAILED'}  ${name} (${seconds} s)`);
  const failed = results.filter((r) => !r.ok).map((r) => r.name);
  if (failed.length > 0) log(`verify failed: ${failed.join(', ')}`);
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = runStages(STAGES, (args) => spawnSync('npm', args, { stdio: 'inherit' }).status === 0);
  if (results.some((r) => !r.ok)) process.exitCode = 1;
}
