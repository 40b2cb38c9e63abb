/**
 * Sessions benchmark (`npm run bench:sessions [-- --hours 8 --faces 20]`): two sessions of
 * `hours` with `faces` faces at 10 samples a second each (default one hour, two faces: 72,000
 * samples each). Reports the write rate against the rate recording needs, the database's size per
 * recorded hour, the session view's detail query, the CSV export (streamed, with its progress
 * reports, and how fast a cancel stops it), and in Debian's Chromium (the built renderer, the real
 * session API behind the test bridge) the time to open a session in History and draw its chart,
 * to change the chart's zoom, and to Compare the two. Memory: this process's RSS (the main side)
 * throughout, and the page's JS heap. Ends with one JSON line of the figures.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from '@playwright/test';
import { EMOTIONS } from '../../src/shared/emotions';
import { SessionService } from '../../src/main/storage/session-service';
import { SessionStore } from '../../src/main/storage/session-store';
import { bucketFor } from '../../src/renderer/src/history/format';
import { appOrigin, CHROMIUM_ARGS, routeApp } from '../support/chromium';
import { CHROMIUM } from '../support/paths';
import { startTestBridge } from '../support/test-bridge';
import { openDatabase } from '../../src/main/storage/database';

const { values: args } = parseArgs({
  options: { hours: { type: 'string', default: '1' }, faces: { type: 'string', default: '2' } },
});
const HOURS = Number(args.hours);
const FACES = Number(args.faces);
if (!(HOURS > 0) || !Number.isInteger(FACES) || FACES < 1 || FACES > 32) {
  throw new Error('--hours must be above 0 and --faces a whole number from 1 to 32');
}
const HOUR_MS = 3_600_000;
const DURATION_MS = HOURS * HOUR_MS;
const RATE = 10; // samples per face per second
const round = (value: number) => Math.round(value * 10) / 10;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mb = (bytes: number) => round(bytes / 1e6);

/** Collects garbage first where node runs with --expose-gc (as `npm run bench:sessions` does), so readings are of what is live. */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
/** This process's memory (resident, and the JS heap in use): the peak and every reading, by phase. */
const memory = { peak: 0, readings: [] as { phase: string; rssMb: number; heapMb: number }[] };
function readMemory(phase: string): void {
  collect();
  const { rss, heapUsed } = process.memoryUsage();
  memory.peak = Math.max(memory.peak, rss);
  memory.readings.push({ phase, rssMb: mb(rss), heapMb: mb(heapUsed) });
}
/** Reads memory every 250 ms while `work` runs (for work that yields to the event loop). */
async function watchingMemory<T>(phase: string, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => readMemory(phase), 250);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    readMemory(phase);
  }
}

const dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-bench-'));
const dbFile = path.join(dir, 'sessions.db');
const figures: Record<string, number | string> = { hours: HOURS, faces: FACES };
try {
  readMemory('start');
  // 1. Writing: one transaction per second of recording, as the recorder does; two sessions, for Compare.
  const store = new SessionStore(openDatabase(dbFile));
  const ids: number[] = [];
  let writeMs = 0;
  for (const [index, name] of ['First', 'Second'].entries()) {
    const session = store.createSession({
      name: `${name}: ${HOURS} h, ${FACES} faces`,
      startedAt: Date.now() - DURATION_MS * (2 - index),
      model: 'default',
    });
    ids.push(session.id);
    const writeStart = performance.now();
    for (let second = 0; second < DURATION_MS / 1000; second++) {
      const batch = [];
      for (let k = 0; k < RATE; k++) {
        for (let face = 1; face <= FACES; face++) {
          const top = (Math.floor(second / (7 + face)) + face + index) % EMOTIONS.length;
          batch.push({
            faceId: face,
            offsetMs: second * 1000 + k * (1000 / RATE),
            probabilities: EMOTIONS.map((_, c) => (c === top ? 0.64 : 0.06)),
            box: { x: (face % 5) * 0.2, y: Math.floor(face / 5) * 0.15, width: 0.15, height: 0.15 },
          });
        }
      }
      store.appendSamples(session.id, batch);
      if (second % 600 === 0) readMemory('write');
    }
    writeMs += performance.now() - writeStart;
    for (let minute = 5; minute < DURATION_MS / 60_000; minute += 5) {
      store.addMarker(session.id, minute * 60_000, `marker ${minute}`);
    }
    store.endSession(session.id, session.startedAt + DURATION_MS);
  }
  const samples = (DURATION_MS / 1000) * RATE * FACES;
  figures.samples = samples;
  figures.write_samples_per_s = Math.round((2 * samples) / (writeMs / 1000));
  figures.write_headroom = Math.round(figures.write_samples_per_s / (RATE * FACES));
  console.log(
    `write: 2 x ${samples} samples in ${round(writeMs)} ms = ${figures.write_samples_per_s} samples/s ` +
      `(1 transaction per recorded second), ${figures.write_headroom}x what recording ${FACES} faces needs`,
  );
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.db.close();
  figures.db_mb_per_hour = round(mb(statSync(dbFile).size) / (2 * HOURS));
  console.log(`database: ${mb(statSync(dbFile).size)} MB for ${2 * HOURS} h = ${figures.db_mb_per_hour} MB per hour`);

  // 2. The queries behind the session view, in the main process.
  const db = openDatabase(dbFile);
  const service = new SessionService(new SessionStore(db), { activeModel: () => 'default' });
  const bucketMs = bucketFor(DURATION_MS);
  const queryTimes = Array.from({ length: 5 }, () => {
    const start = performance.now();
    service.detail(ids[0], bucketMs);
    return performance.now() - start;
  });
  readMemory('detail');
  figures.detail_query_ms = round(median(queryTimes));
  console.log(
    `session view query (timeline in ${bucketMs / 1000} s buckets, distribution, lanes, markers): ${figures.detail_query_ms} ms`,
  );
  service.dispose();

  // 3. Export, as the app writes it: streamed, reporting progress; then one cancelled at a tenth.
  const reports: { rows: number; total: number }[] = [];
  let cancelAt: number | undefined;
  const exporter = new SessionService(new SessionStore(db), {
    activeModel: () => 'default',
    onExportProgress: (progress) => {
      reports.push(progress);
      if (cancelAt === undefined && reports.length > 1 && progress.rows >= progress.total / 10) {
        cancelAt = performance.now();
        exporter.cancelExport();
      }
    },
  });
  const csv = path.join(dir, 'export.csv');
  cancelAt = -1; // the first export runs to its end
  const exportStart = performance.now();
  const { rows } = await watchingMemory('export', () => exporter.exportCsv(csv, 'samples', [ids[0]]));
  figures.export_ms = round(performance.now() - exportStart);
  figures.export_mb = mb(statSync(csv).size);
  figures.export_progress_reports = reports.length;
  console.log(
    `export: ${rows} rows, ${figures.export_mb} MB in ${figures.export_ms} ms, ${reports.length} progress reports`,
  );
  cancelAt = undefined;
  reports.length = 0;
  const cancelled = await watchingMemory('export', () => exporter.exportCsv(csv, 'samples', [ids[0]]));
  figures.export_cancel_ms = round(performance.now() - (cancelAt ?? NaN));
  console.log(
    `export cancelled at ${reports.at(-1)?.rows} rows: stopped ${figures.export_cancel_ms} ms after the cancel, ` +
      `${cancelled.cancelled ? 'no file left' : 'NOT CANCELLED'}`,
  );
  exporter.dispose();
  db.close();

  // 4. History in Chromium: open a session and draw it, zoom, Compare the two.
  const bridge = await startTestBridge({ dbFile });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, '--enable-precise-memory-info', '--js-flags=--expose-gc'],
  });
  const heaps: number[] = [];
  const heapMb = async (page: Page) =>
    // Chromium's non-standard performance.memory (precise by the flag above): the page's JS heap in use, after a collection.
    heaps.push(
      mb(
        await page.evaluate(() => {
          (window as unknown as { gc: () => void }).gc();
          return (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize;
        }),
      ),
    );
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const origin = appOrigin(bridge.port);
    await routeApp(context, origin);
    const page = await context.newPage();
    await bridge.attach(page);
    const openTimes: number[] = [];
    const zoomTimes: number[] = [];
    for (let run = 0; run < 5; run++) {
      await page.goto(`${origin}/index.html`);
      await page.getByRole('button', { name: 'History', exact: true }).click();
      await page.getByTestId('session-item').getByRole('button').first().waitFor();
      openTimes.push(
        await page.evaluate(async () => {
          const start = performance.now();
          document.querySelector<HTMLButtonElement>('[data-testid="session-item"] button')!.click();
          while (!document.querySelector('[data-testid="timeline-chart"][data-drawn-at] canvas')) {
            await new Promise((resolve) => requestAnimationFrame(resolve));
          }
          // The chart is drawn on the frame after it is built.
          await new Promise((resolve) => requestAnimationFrame(resolve));
          return performance.now() - start;
        }),
      );
      // Wait until every lane's chart is built too, then zoom: every chart follows the range.
      await page.waitForFunction(
        () =>
          document.querySelectorAll('[data-testid="timeline-chart"]').length ===
          document.querySelectorAll('[data-testid="timeline-chart"][data-drawn-at]').length,
      );
      zoomTimes.push(
        await page.evaluate(async () => {
          const start = performance.now();
          document.querySelector<HTMLButtonElement>('button[aria-label="Zoom in"]')!.click();
          await new Promise((resolve) => requestAnimationFrame(resolve));
          await new Promise((resolve) => requestAnimationFrame(resolve));
          return performance.now() - start;
        }),
      );
      await heapMb(page);
      readMemory('open');
    }
    figures.open_and_draw_ms = round(median(openTimes.slice(1))); // the first run includes loading the page's code
    figures.zoom_ms = round(median(zoomTimes.slice(1)));
    console.log(
      `open the session in History and draw its chart: ${figures.open_and_draw_ms} ms; zoom in: ${figures.zoom_ms} ms (medians of 4, Chromium, test bridge)`,
    );

    const compareTimes: number[] = [];
    for (let run = 0; run < 3; run++) {
      await page.goto(`${origin}/index.html`);
      await page.getByRole('button', { name: 'History', exact: true }).click();
      for (const checkbox of await page.getByTestId('session-item').getByRole('checkbox').all()) await checkbox.check();
      compareTimes.push(
        await page.evaluate(async () => {
          const start = performance.now();
          [...document.querySelectorAll<HTMLButtonElement>('button')]
            .find((button) => button.textContent?.trim().startsWith('Compare'))!
            .click();
          // (No named function in here: the page does not have tsx's helpers.)
          while (
            document.querySelectorAll('[data-testid="compare"] [data-testid="timeline-chart"][data-drawn-at] canvas')
              .length < 2
          ) {
            await new Promise((resolve) => requestAnimationFrame(resolve));
          }
          await new Promise((resolve) => requestAnimationFrame(resolve));
          return performance.now() - start;
        }),
      );
      await heapMb(page);
      readMemory('compare');
    }
    figures.compare_ms = round(median(compareTimes));
    console.log(`Compare the two sessions: ${figures.compare_ms} ms (median of 3)`);
  } finally {
    await browser.close();
    await bridge.dispose();
  }
  figures.rss_start_mb = memory.readings[0].rssMb;
  figures.rss_peak_mb = mb(memory.peak);
  figures.page_heap_mb_first = heaps[0];
  figures.page_heap_mb_last = heaps.at(-1)!;
  figures.heap_start_mb = memory.readings[0].heapMb;
  figures.heap_peak_mb = Math.max(...memory.readings.map((reading) => reading.heapMb));
  const byPhase = new Map<string, { rssMb: number; heapMb: number }>();
  for (const { phase, rssMb, heapMb } of memory.readings) {
    const seen = byPhase.get(phase);
    byPhase.set(phase, { rssMb: Math.max(seen?.rssMb ?? 0, rssMb), heapMb: Math.max(seen?.heapMb ?? 0, heapMb) });
  }
  console.log(
    `memory: this process's RSS / JS heap ${figures.rss_start_mb} / ${figures.heap_start_mb} MB at start, peaks by phase ` +
      `${[...byPhase].map(([phase, peak]) => `${phase} ${peak.rssMb} / ${peak.heapMb}`).join(', ')}; ` +
      `the page's JS heap ${heaps.join(', ')} MB over ${heaps.length} visits`,
  );
  console.log(JSON.stringify({ bench: 'sessions', ...figures }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
