/**
 * Live benchmark (`npm run bench:live [-- --faces N]`): the built renderer in Debian's Chromium, a
 * fake webcam at 30 fps, the real ML host behind the test bridge. Reads the monitor's per-frame User
 * Timing entries and prints frames per second held and frame-to-overlay latency, then one JSON line
 * of the figures. By default with one and with two faces (320x240 and 640x480 clips of FER2013 faces
 * made by scripts/make-faces-y4m.sh, which needs apt's imagemagick and ffmpeg); with `--faces N`, a
 * room of N FER2013 test faces 64-96 px wide (e2e/support/crowd-clip.ts) at 640x480 and 1280x720,
 * wherever they fit.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FACE_PIXELS } from '../../src/shared/emotions';
import { loadDataset } from '../../src/main/ml/data/load';
import { crowdClip, crowdPlacements } from '../support/crowd-clip';
import { SCALE_MEASURE } from '../../src/renderer/src/vision/source';
import { FIXTURES_DIR, ROOT } from '../support/paths';
import { openLiveApp } from './live-app';

const CAMERA_FPS = 30;
const MEASURE_MS = Number(process.env.BENCH_SECONDS ?? 20) * 1000;
const SIZES = [
  { width: 320, height: 240, single: 200, pair: 150 },
  { width: 640, height: 480, single: 400, pair: 300 },
];

interface FrameEntry {
  start: number;
  duration: number;
  faces: number;
  detectMs: number;
  cropMs: number;
  classifyMs: number;
  renderMs: number;
  inferenceMs: number;
  /** The model that classified the frame's faces (the crowd model for a frame of many). */
  model?: string;
}

function clip(width: number, height: number, single: number, pair: number): string {
  const dir = path.join(process.env.EMOTION_MONITOR_CACHE ?? path.join(ROOT, '.cache'), 'bench');
  const file = path.join(dir, `faces-${width}x${height}-${CAMERA_FPS}fps.y4m`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const env = {
    ...process.env,
    W: `${width}`,
    H: `${height}`,
    FPS: `${CAMERA_FPS}`,
    PER_SEG: '24',
    SINGLE: `${single}`,
    PAIR: `${pair}`,
  };
  try {
    execFileSync(
      'bash',
      [path.join(ROOT, 'scripts/make-faces-y4m.sh'), path.resolve(FIXTURES_DIR, '../fer2013/test'), file],
      { env, stdio: 'inherit' },
    );
  } catch {
    throw new Error('Making the benchmark clips needs ImageMagick and ffmpeg: apt-get install -y imagemagick ffmpeg');
  }
  return file;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const round = (value: number) => Math.round(value * 10) / 10;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function summarise(entries: FrameEntry[], faces: number) {
  const frames = entries.filter((e) => e.faces === faces);
  const latencies = frames.map((e) => e.duration).sort((a, b) => a - b);
  // Overlays per second while this many faces were in view: from the gaps between consecutive such frames.
  const gaps: number[] = [];
  for (let i = 1; i < entries.length; i++) {
    if (entries[i].faces === faces && entries[i - 1].faces === faces)
      gaps.push(entries[i].start - entries[i - 1].start);
  }
  const meanGap = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  return {
    frames: frames.length,
    fps: round(1000 / meanGap),
    latencyMedianMs: round(percentile(latencies, 0.5)),
    latencyP95Ms: round(percentile(latencies, 0.95)),
    detectMedianMs: round(median(frames.map((e) => e.detectMs))),
    classifyMedianMs: round(median(frames.map((e) => e.classifyMs))),
    inferenceMedianMs: round(median(frames.map((e) => e.inferenceMs))),
  };
}

async function measure(video: string, settings: Record<string, unknown> = {}) {
  const { page, externalRequests, close } = await openLiveApp(video, settings);
  try {
    await page.getByTestId('overlay').waitFor();
    await page.waitForTimeout(3000); // warm-up: first inferences, JIT
    const { entries, scaleMs, cameraFps, videoSize } = await page.evaluate(
      async ({ duration, scaleMeasure }) => {
        const collected: FrameEntry[] = [];
        const scaleMs: number[] = [];
        const observer = new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as PerformanceMeasure[]) {
            if (entry.name === scaleMeasure) {
              scaleMs.push(entry.duration);
              continue;
            }
            const detail = entry.detail as Omit<FrameEntry, 'start' | 'duration'>;
            collected.push({ start: entry.startTime, duration: entry.duration, ...detail });
          }
        });
        observer.observe({ entryTypes: ['measure'] });
        // No named functions in here: tsx would wrap them in a helper the page does not have.
        const video = document.querySelector('video')!;
        let cameraFrames = 0;
        const deadline = performance.now() + duration;
        while (performance.now() < deadline) {
          await new Promise((resolve) => video.requestVideoFrameCallback(() => resolve(undefined)));
          cameraFrames++;
        }
        observer.disconnect();
        return {
          entries: collected.filter((e) => e.faces !== undefined),
          scaleMs,
          cameraFps: (cameraFrames * 1000) / duration,
          videoSize: `${video.videoWidth}x${video.videoHeight}`,
        };
      },
      { duration: MEASURE_MS, scaleMeasure: SCALE_MEASURE },
    );
    if (externalRequests.length > 0) throw new Error(`Requests left the app: ${externalRequests.join(', ')}`);
    return {
      entries,
      video: videoSize,
      cameraFps: round(cameraFps),
      // Of the detection time, the copy of the frame down to the detector's width (none at 320 wide).
      detectScaleMedianMs: scaleMs.length > 0 ? round(median(scaleMs)) : 0,
    };
  } finally {
    await close();
  }
}

async function run(size: (typeof SIZES)[number]) {
  const { entries, ...measured } = await measure(clip(size.width, size.height, size.single, size.pair));
  return { ...measured, oneFace: summarise(entries, 1), twoFaces: summarise(entries, 2) };
}

/** Every frame of a crowd clip, whatever number of its faces the detector found in it. */
function summariseCrowd(entries: FrameEntry[]) {
  const latencies = entries.map((e) => e.duration).sort((a, b) => a - b);
  const gaps = entries.slice(1).map((e, i) => e.start - entries[i].start);
  return {
    frames: entries.length,
    facesFoundMedian: median(entries.map((e) => e.faces)),
    fps: round(1000 / (gaps.reduce((a, b) => a + b, 0) / gaps.length)),
    latencyMedianMs: round(percentile(latencies, 0.5)),
    latencyP95Ms: round(percentile(latencies, 0.95)),
    detectMedianMs: round(median(entries.map((e) => e.detectMs))),
    cropMedianMs: round(median(entries.map((e) => e.cropMs))),
    classifyMedianMs: round(median(entries.map((e) => e.classifyMs))),
    /** Showing the frame: the overlay, the faces panel and the recording's hand-off, until the page has painted. */
    renderMedianMs: round(median(entries.map((e) => e.renderMs))),
    /** What the ML process spends on a frame's faces (one call, one batch). */
    mlMedianMs: round(median(entries.map((e) => e.inferenceMs))),
    /** Frames classified by each model: the chosen one, and the fast one for frames of more faces than it serves. */
    framesByModel: Object.fromEntries(
      [...new Set(entries.map((e) => e.model ?? 'none'))].map((model) => [
        model,
        entries.filter((e) => (e.model ?? 'none') === model).length,
      ]),
    ),
  };
}

async function runCrowd(faces: number) {
  const dataset = await loadDataset(path.resolve(FIXTURES_DIR, '../fer2013'));
  const test = dataset.splits.test!;
  const dir = path.join(process.env.EMOTION_MONITOR_CACHE ?? path.join(ROOT, '.cache'), 'bench');
  mkdirSync(dir, { recursive: true });
  // Every 97th test face: all seven emotions, a different person in each cell.
  const chosen = new Uint8Array(faces * FACE_PIXELS);
  for (let k = 0; k < faces; k++) {
    const from = ((k * 97) % test.labels.length) * FACE_PIXELS;
    chosen.set(test.images.subarray(from, from + FACE_PIXELS), k * FACE_PIXELS);
  }
  const results: Record<string, unknown> = {};
  for (const [width, height] of [
    [640, 480],
    [1280, 720],
  ]) {
    try {
      crowdPlacements(faces, width, height);
    } catch {
      console.log(`${width}x${height}: ${faces} faces of 64-96 px do not fit apart; skipped`);
      continue;
    }
    const file = path.join(dir, `crowd-${faces}-${width}x${height}.y4m`);
    writeFileSync(file, crowdClip(chosen, { width, height, fps: CAMERA_FPS }).y4m);
    const { entries, ...measured } = await measure(file, { cameraResolution: `${width}x${height}` });
    const summary = { ...measured, ...summariseCrowd(entries) };
    results[`${width}x${height}`] = summary;
    console.log(
      `${width}x${height}, ${faces} faces (found ${summary.facesFoundMedian} a frame; camera ${summary.cameraFps} fps): ` +
        `${summary.fps} fps, latency median ${summary.latencyMedianMs} ms, p95 ${summary.latencyP95Ms} ms ` +
        `(detect ${summary.detectMedianMs} ms, crop ${summary.cropMedianMs} ms, render ${summary.renderMedianMs} ms, classify round trip ${summary.classifyMedianMs} ms, ML ${summary.mlMedianMs} ms a frame; ` +
        `frames by model ${JSON.stringify(summary.framesByModel)})`,
    );
  }
  console.log(JSON.stringify({ bench: 'live-crowd', faces, measureSeconds: MEASURE_MS / 1000, ...results }));
}

const { values } = parseArgs({ options: { faces: { type: 'string' } } });
if (values.faces) {
  const faces = Number(values.faces);
  if (!Number.isInteger(faces) || faces < 1) throw new Error('--faces takes a number of faces');
  await runCrowd(faces);
  process.exit(0);
}

const results: Record<string, Awaited<ReturnType<typeof run>>> = {};
for (const size of SIZES) {
  const key = `${size.width}x${size.height}`;
  results[key] = await run(size);
  const r = results[key];
  for (const [label, s] of [
    ['1 face ', r.oneFace],
    ['2 faces', r.twoFaces],
  ] as const) {
    console.log(
      `${key} (camera ${r.cameraFps} fps, scaling for detection ${r.detectScaleMedianMs} ms) ${label}: ${s.fps} fps, latency median ${s.latencyMedianMs} ms, p95 ${s.latencyP95Ms} ms ` +
        `(detect ${s.detectMedianMs} ms, classify round trip ${s.classifyMedianMs} ms of which ${s.inferenceMedianMs} ms in the ML process; ${s.frames} frames)`,
    );
  }
}
console.log(
  JSON.stringify({ bench: 'live', host: 'chromium+test-bridge', measureSeconds: MEASURE_MS / 1000, ...results }),
);
