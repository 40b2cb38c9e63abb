import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, LOG_FILE, REPEAT_WINDOW_MS } from './log';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('main log', () => {
  it('writes levels, messages and stacks to main.log', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-log-'));
    dirs.push(dir);
    const log = createLogger({ dir, console: quiet });
    log.info('started');
    log.error('a handler failed', new TypeError('x is undefined'));
    const text = readFileSync(path.join(dir, LOG_FILE), 'utf8');
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z INFO started\n/);
    expect(text).toMatch(/ERROR a handler failed\nTypeError: x is undefined\n\s+at /);
  });

  it('rotates before the file would pass its size, keeping the newest generations', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-log-'));
    dirs.push(dir);
    const log = createLogger({ dir, console: quiet, maxBytes: 200, keep: 2 });
    for (let i = 0; i < 20; i++) log.info(`line ${i} ${'.'.repeat(40)}`);
    expect(readdirSync(dir).sort()).toEqual([LOG_FILE, `${LOG_FILE}.1`, `${LOG_FILE}.2`]);
    const current = readFileSync(path.join(dir, LOG_FILE), 'utf8');
    expect(Buffer.byteLength(current)).toBeLessThanOrEqual(200);
    expect(current).toContain('line 19');
    expect(readFileSync(path.join(dir, `${LOG_FILE}.1`), 'utf8')).not.toContain('line 19');
  });

  it('falls back to the console when its folder cannot be made', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-log-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'a-file'), ''); // a file where the log folder should be
    const warnings: string[] = [];
    const log = createLogger({
      dir: path.join(dir, 'a-file', 'logs'),
      console: { ...quiet, warn: (m) => warnings.push(m) },
    });
    log.warn('still logged');
    expect(warnings).toEqual([expect.stringMatching(/WARN still logged/)]);
  });

  it('counts a line repeated within the window instead of writing it, and says how often', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-log-'));
    dirs.push(dir);
    let clock = Date.UTC(2026, 10, 26);
    const log = createLogger({ dir, console: quiet, now: () => clock });
    for (let frame = 0; frame < 30; frame++) {
      log.error('classifyFaces failed', new Error('The classifier is starting'));
      clock += 33;
    }
    log.warn('Blocked a request to https://example.com/');
    clock += REPEAT_WINDOW_MS;
    log.warn('Blocked a request to https://example.com/'); // after the window: written again
    const lines = readFileSync(path.join(dir, LOG_FILE), 'utf8')
      .split('\n')
      .filter((line) => /^\d{4}-/.test(line))
      .map((line) => line.slice(25));
    expect(lines).toEqual([
      'ERROR classifyFaces failed',
      'INFO (the line before was repeated 29 more times)',
      'WARN Blocked a request to https://example.com/',
      'WARN Blocked a request to https://example.com/',
    ]);
  });
});
