/**
 * Sessions benchmark (`npm run bench:sessions`): the write rate of recorded samples, and for a
 * one-hour session at 10 samples/s with two faces (72,000 samples) the time to open it in History
 * and draw its chart (the built renderer in Debian's Chromium, the real session API behind the
 * test bridge) and to export it as CSV. Ends with one JSON line of the figures.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { EMOTIONS } from '../../src/shared/emotions';
import { SessionService } from '../../src/main/storage/session-service';
import { SessionStore } from '../../src/main/storage/session-store';
import { bucketFor } from '../../src/renderer/src/history/format';
import { appOrigin, CHROMIUM_ARGS, routeApp } from '../support/chromium';
import { CHROMIUM } from '../support/paths';
import { startTestBridge } from '../support/test-bridge';
import { openDatabase } from '../../src/main/storage/database';

const HOUR_MS = 3_600_000;
const RATE = 10; // samples per face per second
const FACES = 2;
const round = (value: number) => Math.round(value * 10) / 10;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-bench-'));
const dbFile = path.join(dir, 'sessions.db');
const figures: Record<string, number | string> = {};
try {
  // 1. Writing: one transaction per second of recording, as the recorder does.
  const store = new SessionStore(openDatabase(dbFile));
  const session = store.createSession({
    name: 'One hour, two faces',
    startedAt: Date.now() - HOUR_MS,
    model: 'default',
  });
  const writeStart = performance.now();
  for (let second = 0; second < HOUR_MS / 1000; second++) {
    const batch = [];
    for (let k = 0; k < RATE; k++) {
      for (let face = 1; face <= FACES; face++) {
        const top = (second + face) % EMOTIONS.length;
        batch.push({
          faceId: face,
          offsetMs: second * 1000 + k * (1000 / RATE),
          probabilities: EMOTIONS.map((_, c) => (c === top ? 0.64 : 0.06)),
          box: { x: 0.1 + 0.4 * (face - 1), y: 0.2, width: 0.3, height: 0.4 },
        });
      }
    }
    store.appendSamples(session.id, batch);
  }
  for (let minute = 5; minute < 60; minute += 5) store.addMarker(session.id, minute * 60_000, `marker ${minute}`);
  store.endSession(session.id, session.startedAt + HOUR_MS);
  const writeMs = performance.now() - writeStart;
  const samples = (HOUR_MS / 1000) * RATE * FACES;
  figures.samples = samples;
  figures.write_samples_per_s = Math.round(samples / (writeMs / 1000));
  console.log(
    `write: ${samples} samples in ${round(writeMs)} ms = ${figures.write_samples_per_s} samples/s (1 transaction per recorded second)`,
  );
  store.db.close();

  // 2. The queries behind the session view, in the main process.
  const db = openDatabase(dbFile);
  const service = new SessionService(new SessionStore(db), { activeModel: () => 'default' });
  const bucketMs = bucketFor(HOUR_MS);
  const queryTimes = Array.from({ length: 5 }, () => {
    const start = performance.now();
    service.detail(session.id, bucketMs);
    return performance.now() - start;
  });
  figures.detail_query_ms = round(median(queryTimes));
  console.log(
    `session view query (timeline in ${bucketMs / 1000} s buckets, distribution, markers): ${figures.detail_query_ms} ms`,
  );

  // 3. Export, as the app writes it.
  const csv = path.join(dir, 'export.csv');
  const exportStart = performance.now();
  const rows = await service.exportCsv(csv, 'samples', [session.id]);
  figures.export_ms = round(performance.now() - exportStart);
  console.log(`export: ${rows} rows, ${(statSync(csv).size / 1e6).toFixed(1)} MB in ${figures.export_ms} ms`);
  service.dispose();
  db.close();

  // 4. Opening the session in History and drawing its chart, in Chromium.
  const bridge = await startTestBridge({ dbFile });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const origin = appOrigin(bridge.port);
    await routeApp(context, origin);
    const page = await context.newPage();
    await bridge.attach(page);
    const openTimes: number[] = [];
    for (let run = 0; run < 5; run++) {
      await page.goto(`${origin}/index.html`);
      await page.getByRole('button', { name: 'History', exact: true }).click();
      const item = page.getByTestId('session-item').getByRole('button').first();
      await item.waitFor();
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
    }
    figures.open_and_draw_ms = round(median(openTimes.slice(1))); // the first run includes loading the page's code
    console.log(
      `open the session in History and draw its chart: ${figures.open_and_draw_ms} ms (median of 4, Chromium, test bridge)`,
    );
  } finally {
    await browser.close();
    await bridge.dispose();
  }
  console.log(JSON.stringify({ bench: 'sessions', ...figures }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
