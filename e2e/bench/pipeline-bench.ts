/**
 * Pipeline check (`npm run bench:pipeline -- [--sides 48,64,… --frame 640x480 --limit N --split
 * test --json FILE]`): how the model does on faces as the live view sees them, not as FER2013
 * stores them. Every FER2013 test face (or the first N of a shuffle) is drawn at every side on a
 * grey frame (sides too large for a face turned 30° go on a 1280x720 one), at a position and a
 * turn, found by the app's own photo analysis (its MediaPipe detector at every scale, in Debian's
 * Chromium), framed and cropped by its own code, and classified by the model. Per side it splits
 * the loss by cause: detection, crop fidelity (the drawn square itself cropped, against the stored
 * face: PSNR and accuracy), framing (where BlazeFace's box and keypoints sit on a FER2013 face) and
 * the pipeline's own crop; then accuracy by angle and recall per class. Ends with one JSON line,
 * also written to --json FILE.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EMOTIONS, FACE_PIXELS } from '../../src/shared/emotions';
import { FER_CROP_SCALE, FER_CROP_SHIFT_UP } from '../../src/renderer/src/vision/config';
import { loadDataset } from '../../src/main/ml/data/load';
import { scoreProbabilities } from '../../src/main/ml/evaluation/evaluate-model';
import { argmaxRows, predictProbabilities } from '../../src/main/ml/models/inference';
import { loadModel, temperatureFor } from '../../src/main/ml/models/model-io';
import { initBackend } from '../../src/main/ml/runtime/backend';
import { Random } from '../../src/main/ml/training/random';
import { DEFAULT_MODEL_DIR, ROOT } from '../support/paths';
import type { Scene } from './pipeline-page';
import { ANGLES, SIDES, placeFace, runScenes } from './pipeline-runner';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: DEFAULT_MODEL_DIR },
    data: { type: 'string', default: path.resolve(ROOT, '../shared/fer2013') },
    limit: { type: 'string' },
    sides: { type: 'string', default: SIDES.join(',') },
    frame: { type: 'string', default: '640x480' },
    json: { type: 'string' },
    split: { type: 'string', default: 'test' },
  },
});
const sides = values.sides!.split(',').map(Number);
const [frameWidth, frameHeight] = values.frame!.split('x').map(Number);
if (sides.some((side) => !(side >= 16)) || !(frameWidth > 0 && frameHeight > 0))
  throw new Error('--sides takes face sides in pixels (16 or more), --frame WIDTHxHEIGHT');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const quartiles = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return [sorted[Math.floor(sorted.length / 4)], sorted[Math.floor((3 * sorted.length) / 4)]];
};
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

const backend = await initBackend();
const loaded = await loadModel(values.model!);
const dataset = await loadDataset(values.data!);
const test = dataset.splits[values.split as 'train' | 'test'];
if (!test) throw new Error(`--split takes train or test; ${values.data} has no ${values.split} split`);
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
/** Scene k is face faceOf[k] (an index into `order`) at its side and angle. */
const faceOf: number[] = [];
const scenes: Scene[] = [];
for (let i = 0; i < count; i++)
  sides.forEach((side, s) => {
    faceOf.push(i);
    scenes.push(
      placeFace(
        images.subarray(i * FACE_PIXELS, (i + 1) * FACE_PIXELS),
        side,
        ANGLES[(i + s) % ANGLES.length],
        random,
        {
          frameWidth,
          frameHeight,
        },
      ),
    );
  });
const started = performance.now();
const results = await runScenes(scenes);
const sceneSeconds = (performance.now() - started) / 1000;

/**
 * Where the detector's box sits on the upright FER2013 faces among `sceneIndices` (what the box
 * crop must undo): the face's side over the box's, and the box centre below the face's in box heights.
 */
function boxFraming(sceneIndices: number[]) {
  const upright = sceneIndices.flatMap((i) => {
    const box = results[i].box;
    return box && scenes[i].degrees === 0 ? [{ box, s: scenes[i] }] : [];
  });
  return {
    scales: upright.map(({ box, s }) => s.side / Math.max(box.width, box.height)),
    shifts: upright.map(({ box, s }) => (box.y + box.height / 2 - (s.y + s.side / 2)) / box.height),
  };
}
const { scales, shifts } = boxFraming(scenes.map((_, i) => i));
/** Where each of BlazeFace's keypoints sits in the drawn FER2013 square (turn undone), as shares of its side: FER_KEYPOINTS. */
const keypointTemplate = [0, 1, 2, 3, 4, 5].map((k) => {
  const placed = results.flatMap((r, i) => {
    const point = r.keypoints?.[k];
    if (!point) return [];
    const s = scenes[i];
    const angle = (-s.degrees * Math.PI) / 180;
    const dx = point.x - (s.x + s.side / 2);
    const dy = point.y - (s.y + s.side / 2);
    return [
      {
        x: (dx * Math.cos(angle) - dy * Math.sin(angle)) / s.side + 0.5,
        y: (dx * Math.sin(angle) + dy * Math.cos(angle)) / s.side + 0.5,
      },
    ];
  });
  return { x: round(median(placed.map((p) => p.x)), 4), y: round(median(placed.map((p) => p.y)), 4) };
});

// Exactly what the ML host does for the live view: single pass, the model's blur and temperature.
const temperature = temperatureFor(loaded.metadata, { testTimeFlip: false });
const predict = (faces: Uint8Array | Float32Array) =>
  predictProbabilities(loaded.model, faces, { blurSigma: loaded.metadata.input.blurSigma });
const direct = scoreProbabilities(labels, await predict(images), {
  split: 'test',
  testTimeFlip: false,
  temperature,
});
const directPredictions = argmaxRows(direct.probabilities);
const labelOf = (sceneIndex: number) => labels[faceOf[sceneIndex]];
const found = results.flatMap((r, i) => (r.crop ? [i] : []));
/** Scores crops of the given scenes: the live view's (aligned), the upright ones, or the drawn square's. */
async function scoreCrops(which: 'crop' | 'uprightCrop' | 'truthCrop', sceneIndices = found) {
  const crops = new Float32Array(sceneIndices.length * FACE_PIXELS);
  sceneIndices.forEach((sceneIndex, k) => {
    const bytes = Buffer.from(results[sceneIndex][which]!, 'base64');
    crops.set(new Float32Array(bytes.buffer, bytes.byteOffset, FACE_PIXELS), k * FACE_PIXELS);
  });
  return scoreProbabilities(Uint8Array.from(sceneIndices, labelOf), await predict(crops), {
    split: 'test',
    testTimeFlip: false,
    temperature,
  });
}
const pipeline = await scoreCrops('crop');
const uprightPipeline = await scoreCrops('uprightCrop');
const predictionsOf = (scored: typeof pipeline) => argmaxRows(scored.probabilities);
const predictions = predictionsOf(pipeline);
const uprightPredictions = predictionsOf(uprightPipeline);
const everyScene = scenes.map((_, i) => i);
const truthPredictions = predictionsOf(await scoreCrops('truthCrop', everyScene));
const predictionOf = new Map(found.map((sceneIndex, k) => [sceneIndex, k]));
const accuracyWhere = (keep: (scene: Scene) => boolean, chosen = predictions) => {
  const picked = found.map((sceneIndex, k) => ({ sceneIndex, k })).filter(({ sceneIndex }) => keep(scenes[sceneIndex]));
  const detected = picked.length / scenes.filter(keep).length;
  const correct = picked.filter(({ sceneIndex, k }) => chosen[k] === labelOf(sceneIndex)).length;
  return { detected: round(detected), accuracy: round(correct / Math.max(1, picked.length)) };
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
/** Everything measured at one side: detection, accuracy by cause, crop fidelity and the detector's framing. */
function sideReport(side: number) {
  const atSide = (scene: Scene) => scene.side === side;
  const all = everyScene.filter((i) => atSide(scenes[i]));
  const detectedHere = all.filter((i) => predictionOf.has(i));
  const share = (xs: number[], right: (i: number) => boolean) =>
    round(xs.filter(right).length / Math.max(1, xs.length));
  const framing = boxFraming(all);
  return {
    frame: `${scenes[all[0]].frameWidth}x${scenes[all[0]].frameHeight}`,
    faces: all.length,
    /** Detected, and right through the pipeline: the live view's aligned crop of each detected face. */
    ...accuracyWhere(atSide),
    /** The same detected faces straight from the dataset. */
    direct: share(detectedHere, (i) => directPredictions[faceOf[i]] === labelOf(i)),
    /** The same faces cropped upright (no turn undone). */
    upright: accuracyWhere(atSide, uprightPredictions).accuracy,
    /** Every drawn face cropped at its true square: the resampling's share of the loss, no detector. */
    truthSquare: share(all, (i) => truthPredictions[i] === labelOf(i)),
    psnr: round(mean(all.map((i) => results[i].psnr)), 2),
    psnrCanvas: round(mean(all.map((i) => results[i].psnrCanvas)), 2),
    faceSideOverBox: round(median(framing.scales)),
    boxCentreBelowFaceCentre: round(median(framing.shifts)),
  };
}
// How well alignment reads the tilt: the drawn angle against the one the keypoint fit measured.
const tiltErrors = found.flatMap((i) =>
  results[i].alignedDegrees ? [Math.abs(results[i].alignedDegrees! - scenes[i].degrees)] : [],
);
const bySide = Object.fromEntries(sides.map((side) => [side, sideReport(side)]));

const report = {
  bench: 'pipeline',
  model: loaded.metadata.name,
  backend: backend.backend,
  faces: count,
  scenes: scenes.length,
  frame: values.frame,
  sceneSeconds: round(sceneSeconds, 1),
  detected: round(found.length / scenes.length),
  framing: {
    faceSideOverBox: { median: round(median(scales)), quartiles: quartiles(scales).map((x) => round(x)) },
    boxCentreBelowFaceCentre: { median: round(median(shifts)), quartiles: quartiles(shifts).map((x) => round(x)) },
    cropConstants: { scale: FER_CROP_SCALE, shiftUp: FER_CROP_SHIFT_UP },
    keypointsInFerCrop: keypointTemplate,
  },
  accuracyDirect: round(direct.report.accuracy),
  accuracyDirectOfDetected: round(
    found.filter((i) => directPredictions[faceOf[i]] === labelOf(i)).length / Math.max(1, found.length),
  ),
  accuracyPipeline: round(pipeline.report.accuracy),
  accuracyPipelineUpright: round(uprightPipeline.report.accuracy),
  aligned: round(tiltErrors.length / Math.max(1, found.length)),
  tiltErrorMedianDegrees: round(median(tiltErrors), 1),
  macroF1Direct: round(direct.report.macroF1),
  macroF1Pipeline: round(pipeline.report.macroF1),
  eceDirect: round(direct.report.ece),
  ecePipeline: round(pipeline.report.ece),
  recallPipeline: Object.fromEntries(pipeline.report.perClass.map((c) => [c.label, round(c.recall)])),
  bySide,
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
const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
for (const [side, r] of Object.entries(report.bySide))
  console.log(
    `  ${side} px (${r.frame}): ${percent(r.detected)} detected; of those ${percent(r.accuracy)} through the pipeline, ` +
      `${percent(r.direct)} from the dataset, ${percent(r.upright)} upright; drawn square ${percent(r.truthSquare)}; ` +
      `crop PSNR ${r.psnr} dB (browser scaling ${r.psnrCanvas}); face side ${r.faceSideOverBox} x box, ` +
      `box centre ${r.boxCentreBelowFaceCentre} x box below`,
  );
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
if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
