/**
 * Pipeline check (`npm run bench:pipeline`): how the model does on faces as the live view sees
 * them, not as FER2013 stores them. Every FER2013 test face is drawn on a 640x480 grey frame at a
 * size, position and small rotation, found by the live view's own MediaPipe detector (in Debian's
 * Chromium), framed and cropped by its own code, and classified by the model. Prints the detection
 * rate, where BlazeFace's box sits on a FER2013 face (what the live crop's framing constants must
 * undo), and accuracy straight from the dataset against through the pipeline, by size and angle;
 * ends with one JSON line.
 */
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { EMOTIONS, FACE_PIXELS } from '../../src/shared/emotions';
import { FER_CROP_SCALE, FER_CROP_SHIFT_UP } from '../../src/renderer/src/live/config';
import { loadDataset } from '../../src/main/ml/data/load';
import { scoreProbabilities } from '../../src/main/ml/evaluation/evaluate-model';
import { argmaxRows, predictProbabilities } from '../../src/main/ml/models/inference';
import { loadModel, temperatureFor } from '../../src/main/ml/models/model-io';
import { initBackend } from '../../src/main/ml/runtime/backend';
import { Random } from '../../src/main/ml/training/random';
import { CHROMIUM_ARGS } from '../support/chromium';
import { CHROMIUM, DEFAULT_MODEL_DIR, RENDERER_DIR, ROOT } from '../support/paths';
import type { Scene, SceneResult } from './pipeline-page';

/** Face sides in pixels on a 640x480 frame (a webcam face is typically 100-250 px) and angles in degrees. */
export const SIDES = [112, 160, 224, 288];
export const ANGLES = [-30, -20, -10, 0, 0, 10, 20, 30];
const CHUNK = 150;

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: DEFAULT_MODEL_DIR },
    data: { type: 'string', default: path.resolve(ROOT, '../shared/fer2013') },
    limit: { type: 'string' },
  },
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const quartiles = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return [sorted[Math.floor(sorted.length / 4)], sorted[Math.floor((3 * sorted.length) / 4)]];
};
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

async function bundlePage(): Promise<string> {
  const outDir = path.join(process.env.EMOTION_MONITOR_CACHE ?? path.join(ROOT, '.cache'), 'bench', 'pipeline');
  mkdirSync(outDir, { recursive: true });
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      lib: { entry: path.join(ROOT, 'e2e/bench/pipeline-page.ts'), formats: ['es'], fileName: () => 'pipeline.js' },
    },
  });
  return path.join(outDir, 'pipeline.js');
}

async function runScenes(scenes: Scene[]): Promise<SceneResult[]> {
  const script = await readFile(await bundlePage());
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext();
    const origin = 'http://pipeline.localhost';
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== origin) return route.abort('blockedbyclient');
      if (url.pathname === '/')
        return route.fulfill({ body: '<script type="module" src="/pipeline.js"></script>', contentType: 'text/html' });
      if (url.pathname === '/pipeline.js') return route.fulfill({ body: script, contentType: 'text/javascript' });
      const file = path.join(RENDERER_DIR, decodeURIComponent(url.pathname));
      if (!url.pathname.startsWith('/mediapipe/') || !file.startsWith(RENDERER_DIR))
        return route.fulfill({ status: 404 });
      const type = file.endsWith('.wasm') ? 'application/wasm' : file.endsWith('.js') ? 'text/javascript' : undefined;
      return route.fulfill({ body: await readFile(file), contentType: type });
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => document.title === 'pipeline ready');
    const results: SceneResult[] = [];
    for (let start = 0; start < scenes.length; start += CHUNK) {
      const chunk = scenes.slice(start, start + CHUNK);
      results.push(
        ...(await page.evaluate(
          (batch) =>
            (window as unknown as { pipeline: { run(s: Scene[]): Promise<SceneResult[]> } }).pipeline.run(batch),
          chunk,
        )),
      );
      process.stderr.write(`\r${results.length}/${scenes.length} scenes`);
    }
    process.stderr.write('\n');
    return results;
  } finally {
    await browser.close();
  }
}

const backend = await initBackend();
const loaded = await loadModel(values.model!);
const dataset = await loadDataset(values.data!);
const test = dataset.splits.test!;
const random = new Random(2013);
// The split is stored class by class: a --limit takes a random sample, in a random order.
const order = random
  .shuffle(Int32Array.from({ length: test.labels.length }, (_, i) => i))
  .subarray(0, values.limit ? Number(values.limit) : undefined);
const count = order.length;
const labels = Uint8Array.from(order, (i) => test.labels[i]);
const images = new Uint8Array(count * FACE_PIXELS);
order.forEach((from, to) =>
  images.set(test.images.subarray(from * FACE_PIXELS, (from + 1) * FACE_PIXELS), to * FACE_PIXELS),
);
const scenes: Scene[] = Array.from({ length: count }, (_, i) => {
  const side = SIDES[i % SIDES.length];
  const degrees = ANGLES[Math.floor(i / SIDES.length) % ANGLES.length];
  // Keep the rotated square inside the frame.
  const margin = side * 0.21;
  return {
    face: Buffer.from(images.subarray(i * FACE_PIXELS, (i + 1) * FACE_PIXELS)).toString('base64'),
    x: Math.round(random.uniform(margin, 640 - side - margin)),
    y: Math.round(random.uniform(margin, 480 - side - margin)),
    side,
    degrees,
  };
});
const results = await runScenes(scenes);

// Where the detector's box sits on an upright FER2013 face: the crop must undo this.
const upright = results.flatMap((r, i) => (r.box && scenes[i].degrees === 0 ? [{ r, s: scenes[i] }] : []));
const scales = upright.map(({ r, s }) => s.side / Math.max(r.box!.width, r.box!.height));
const shifts = upright.map(({ r, s }) => (r.box!.y + r.box!.height / 2 - (s.y + s.side / 2)) / r.box!.height);

// Exactly what the ML host does for the live view: single pass, the model's blur and temperature.
const temperature = temperatureFor(loaded.metadata, { testTimeFlip: false });
const predict = (faces: Uint8Array | Float32Array) =>
  predictProbabilities(loaded.model, faces, { blurSigma: loaded.metadata.input.blurSigma });
const direct = scoreProbabilities(labels, await predict(images), {
  split: 'test',
  testTimeFlip: false,
  temperature,
});
const found = results.flatMap((r, i) => (r.crop ? [i] : []));
const foundLabels = Uint8Array.from(found, (i) => labels[i]);
/** Scores the crops of every detected face: the live view's (aligned) or the upright ones. */
async function scoreCrops(which: 'crop' | 'uprightCrop') {
  const crops = new Float32Array(found.length * FACE_PIXELS);
  found.forEach((sceneIndex, k) => {
    const bytes = Buffer.from(results[sceneIndex][which]!, 'base64');
    crops.set(new Float32Array(bytes.buffer, bytes.byteOffset, FACE_PIXELS), k * FACE_PIXELS);
  });
  return scoreProbabilities(foundLabels, await predict(crops), { split: 'test', testTimeFlip: false, temperature });
}
const pipeline = await scoreCrops('crop');
const uprightPipeline = await scoreCrops('uprightCrop');
const predictionsOf = (scored: typeof pipeline) => argmaxRows(scored.probabilities);
const predictions = predictionsOf(pipeline);
const uprightPredictions = predictionsOf(uprightPipeline);
const accuracyWhere = (keep: (scene: Scene) => boolean, chosen = predictions) => {
  const picked = found.map((sceneIndex, k) => ({ sceneIndex, k })).filter(({ sceneIndex }) => keep(scenes[sceneIndex]));
  const detected = picked.length / scenes.filter(keep).length;
  const correct = picked.filter(({ sceneIndex, k }) => chosen[k] === labels[sceneIndex]).length;
  return { detected: round(detected), accuracy: round(correct / Math.max(1, picked.length)) };
};
// How well alignment reads the tilt: the drawn angle against the one measured from the eyes.
const tiltErrors = found.flatMap((i) =>
  results[i].alignedDegrees ? [Math.abs(results[i].alignedDegrees! - scenes[i].degrees)] : [],
);

const report = {
  bench: 'pipeline',
  model: loaded.metadata.name,
  backend: backend.backend,
  faces: count,
  detected: round(found.length / count),
  framing: {
    faceSideOverBox: { median: round(median(scales)), quartiles: quartiles(scales).map((x) => round(x)) },
    boxCentreBelowFaceCentre: { median: round(median(shifts)), quartiles: quartiles(shifts).map((x) => round(x)) },
    cropConstants: { scale: FER_CROP_SCALE, shiftUp: FER_CROP_SHIFT_UP },
  },
  accuracyDirect: round(direct.report.accuracy),
  accuracyPipeline: round(pipeline.report.accuracy),
  accuracyPipelineUpright: round(uprightPipeline.report.accuracy),
  aligned: round(tiltErrors.length / Math.max(1, found.length)),
  tiltErrorMedianDegrees: round(median(tiltErrors), 1),
  macroF1Direct: round(direct.report.macroF1),
  macroF1Pipeline: round(pipeline.report.macroF1),
  eceDirect: round(direct.report.ece),
  ecePipeline: round(pipeline.report.ece),
  recallPipeline: Object.fromEntries(pipeline.report.perClass.map((c) => [c.label, round(c.recall)])),
  bySide: Object.fromEntries(SIDES.map((side) => [side, accuracyWhere((s) => s.side === side)])),
  byAngle: Object.fromEntries(
    [...new Set(ANGLES)].map((a) => [
      a,
      {
        ...accuracyWhere((s) => s.degrees === a),
        upright: accuracyWhere((s) => s.degrees === a, uprightPredictions).accuracy,
      },
    ]),
  ),
};
console.log(
  `${report.model} on ${count} FER2013 test faces: ${(report.accuracyDirect * 100).toFixed(1)}% as stored, ` +
    `${(report.accuracyPipeline * 100).toFixed(1)}% through the live pipeline (${(report.detected * 100).toFixed(1)}% detected)`,
);
console.log(
  `framing: face side = ${report.framing.faceSideOverBox.median} x box (crop uses ${FER_CROP_SCALE}), ` +
    `box centre ${report.framing.boxCentreBelowFaceCentre.median} x box height below the face's (crop moves up ${FER_CROP_SHIFT_UP})`,
);
for (const [side, r] of Object.entries(report.bySide))
  console.log(`  ${side} px: ${(r.accuracy * 100).toFixed(1)}% (${(r.detected * 100).toFixed(0)}% detected)`);
console.log(
  `alignment: ${(report.aligned * 100).toFixed(0)}% of detected faces turned (median error ${report.tiltErrorMedianDegrees}°); ` +
    `${(report.accuracyPipeline * 100).toFixed(1)}% aligned, ${(report.accuracyPipelineUpright * 100).toFixed(1)}% upright`,
);
for (const [angle, r] of Object.entries(report.byAngle))
  console.log(
    `  ${angle}°: ${(r.accuracy * 100).toFixed(1)}% aligned, ${(r.upright * 100).toFixed(1)}% upright (${(r.detected * 100).toFixed(0)}% detected)`,
  );
console.log(`recall through the pipeline: ${EMOTIONS.map((e) => `${e} ${report.recallPipeline[e]}`).join(', ')}`);
console.log(JSON.stringify(report));
