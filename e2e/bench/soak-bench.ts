/**
 * Soak benchmark (`npm run bench:soak -- --minutes 30`): the built renderer in Debian's Chromium
 * with a fake webcam showing two faces, the real ML host behind the test bridge, recording a
 * session the whole time. Every `--sample-seconds` it samples the page's JavaScript heap, the ML
 * host's heap, WebAssembly memory and tensors; at the end it checks that every recorded second is
 * in the database, fits each memory series' slope, and prints one JSON line. Exit code 1 when
 * memory grew (tensors leaked, or a heap slope above the limit) or a second is missing.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fakeCameraVideo, ROOT } from '../support/paths';
import { openLiveApp } from './live-app';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    'sample-seconds': { type: 'string', default: '60' },
  },
});
const minutes = Number(values.minutes);
const sampleSeconds = Number(values['sample-seconds']);
if (!(minutes > 0) || !(sampleSeconds > 0)) throw new Error('--minutes and --sample-seconds must be numbers above 0');
/** A heap that grows faster than this over the run counts as a leak (GC noise stays well below it). */
const LIMIT_MB_PER_HOUR = 10;
/** The fixture's frames with two faces (segment 7 of ../shared/fixtures/README.md). */
const PAIR_FRAMES = [28, 29, 30, 31];

/** A Y4M clip of only the fixture's two-face frames, made once into the cache. */
function pairClip(): string {
  const dir = path.join(process.env.EMOTION_MONITOR_CACHE ?? path.join(ROOT, '.cache'), 'bench');
  const file = path.join(dir, 'faces-pair-320x240.y4m');
  if (existsSync(file)) return file;
  const source = readFileSync(fakeCameraVideo());
  const headerEnd = source.indexOf(0x0a);
  const header = source.subarray(0, headerEnd + 1);
  const width = Number(/ W(\d+)/.exec(header.toString())![1]);
  const height = Number(/ H(\d+)/.exec(header.toString())![1]);
  const frameBytes = (width * height * 3) / 2; // I420
  const frames: Buffer[] = [];
  for (let at = headerEnd + 1; at < source.length;) {
    const lineEnd = source.indexOf(0x0a, at);
    frames.push(source.subarray(at, lineEnd + 1 + frameBytes));
    at = lineEnd + 1 + frameBytes;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, Buffer.concat([header, ...PAIR_FRAMES.map((i) => frames[i])]));
  return file;
}

interface MemorySample {
  atSeconds: number;
  pageHeapMB: number;
  hostHeapMB: number;
  wasmHeapMB: number;
  tensors: number;
  frames: number;
}

/** Least-squares slope of `ys` over `xs`, per hour when xs are seconds. */
function slopePerHour(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 3600;
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 100) / 100;

const { context, page, bridge, externalRequests, close } = await openLiveApp(pairClip());
let failed = false;
try {
  await page.getByTestId('face').nth(1).waitFor();
  // Frames reach the overlay as User Timing measures; count them as they come.
  await page.evaluate(() => {
    const counter = window as unknown as { soakFrames: number };
    counter.soakFrames = 0;
    new PerformanceObserver((list) => (counter.soakFrames += list.getEntries().length)).observe({
      entryTypes: ['measure'],
    });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');

  await page.getByRole('textbox', { name: 'Session name' }).fill('soak');
  await page.getByRole('button', { name: 'Record' }).click();
  await page.getByTestId('recording-state').waitFor();
  const started = Date.now();
  const samples: MemorySample[] = [];
  const sample = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const host = await bridge.ml.request('memory', {});
    const entry: MemorySample = {
      atSeconds: Math.round((Date.now() - started) / 1000),
      pageHeapMB: mb(metrics.find((m) => m.name === 'JSHeapUsedSize')!.value),
      hostHeapMB: mb(host.heapUsedBytes),
      wasmHeapMB: mb(host.wasmHeapBytes),
      tensors: host.tensors,
      frames: await page.evaluate(() => (window as unknown as { soakFrames: number }).soakFrames),
    };
    samples.push(entry);
    console.error(
      `${(entry.atSeconds / 60).toFixed(1)} min: page heap ${entry.pageHeapMB} MB, ML heap ${entry.hostHeapMB} MB, ` +
        `wasm ${entry.wasmHeapMB} MB, ${entry.tensors} tensors, ${entry.frames} frames`,
    );
  };
  await sample();
  const endAt = started + minutes * 60_000;
  while (Date.now() < endAt) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(sampleSeconds * 1000, endAt - Date.now())));
    await sample();
  }
  await page.getByRole('button', { name: 'Stop recording' }).click();
  await page.getByRole('button', { name: 'Record' }).waitFor();
  if (externalRequests.length > 0) throw new Error(`Requests left the app: ${externalRequests.join(', ')}`);

  // Every whole second of the recording has samples, and of both faces.
  const [session] = bridge.store.listSessions();
  const facesPerSecond = new Map<number, Set<number>>();
  let written = 0;
  for (const stored of bridge.store.iterateSamples([session.id])) {
    written++;
    const second = Math.floor(stored.offsetMs / 1000);
    if (!facesPerSecond.has(second)) facesPerSecond.set(second, new Set());
    facesPerSecond.get(second)!.add(stored.faceId);
  }
  const seconds = Math.floor(session.durationMs / 1000);
  let missing = 0;
  let withOneFace = 0;
  for (let s = 0; s < seconds; s++) {
    const faces = facesPerSecond.get(s)?.size ?? 0;
    if (faces === 0) missing++;
    else if (faces === 1) withOneFace++;
  }

  // The first sample is taken before the heaps settle; the slopes are fitted after it.
  const settled = samples.length > 2 ? samples.slice(1) : samples;
  const xs = settled.map((s) => s.atSeconds);
  const slopes = {
    pageHeapMBPerHour:
      Math.round(
        slopePerHour(
          xs,
          settled.map((s) => s.pageHeapMB),
        ) * 10,
      ) / 10,
    mlHeapMBPerHour:
      Math.round(
        slopePerHour(
          xs,
          settled.map((s) => s.hostHeapMB),
        ) * 10,
      ) / 10,
    wasmMBPerHour:
      Math.round(
        slopePerHour(
          xs,
          settled.map((s) => s.wasmHeapMB),
        ) * 10,
      ) / 10,
  };
  const first = samples[0];
  const last = samples.at(-1)!;
  const flat =
    last.tensors === first.tensors && Object.values(slopes).every((slope) => Math.abs(slope) <= LIMIT_MB_PER_HOUR);
  failed = !flat || missing > 0;
  console.log(
    JSON.stringify({
      bench: 'soak',
      minutes,
      frames: last.frames,
      fps: Math.round(((last.frames - first.frames) / Math.max(1, last.atSeconds - first.atSeconds)) * 10) / 10,
      samplesWritten: written,
      secondsRecorded: seconds,
      secondsMissing: missing,
      secondsWithOneFace: withOneFace,
      memoryStart: first,
      memoryEnd: last,
      slopes,
      limitMBPerHour: LIMIT_MB_PER_HOUR,
      flat,
    }),
  );
} finally {
  await close();
}
if (failed) process.exitCode = 1;
