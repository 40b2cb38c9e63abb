/**
 * FER2013 as the app frames it (`npm run dataset:framed -- --out DIR [--data DIR --share 0.5
 * --seed 2013]`): writes a copy of the dataset in the Kaggle folder layout, outside the repo, in
 * which a share of the training faces is replaced by the crop the live view makes of it. Each such
 * face is drawn at a random side (48 to 400 px) and turn (±30°) on a frame, found by the app's
 * detector, framed by its keypoint fit and cropped by its cropper, exactly as bench:pipeline does
 * for test faces. A model trained on it learns the framing it is served as well as FER2013's own;
 * the test split is copied unchanged, so evaluations stay comparable. Resumable: faces already
 * written are kept, and the choices come from the seed, so a second run finishes the first.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PNG } from 'pngjs';
import { EMOTIONS, FACE_PIXELS, FACE_SIZE } from '../../src/shared/emotions';
import { loadDataset } from '../../src/main/ml/data/load';
import type { FaceSplit } from '../../src/main/ml/data/dataset';
import { Random } from '../../src/main/ml/training/random';
import { ROOT } from '../support/paths';
import type { Scene } from './pipeline-page';
import { SIDES, placeFace, runScenes } from './pipeline-runner';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: path.resolve(ROOT, '../shared/fer2013') },
    out: { type: 'string' },
    share: { type: 'string', default: '0.5' },
    seed: { type: 'string', default: '2013' },
  },
});
const share = Number(values.share);
if (!values.out || !(share >= 0 && share <= 1))
  throw new Error('usage: npm run dataset:framed -- --out DIR [--data DIR --share 0..1 --seed N]');
const out = path.resolve(values.out);
if (out.startsWith(`${ROOT}${path.sep}`)) throw new Error(`--out must be outside the repository (${ROOT})`);

function writeFace(file: string, grey: Uint8Array): void {
  const png = new PNG({ width: FACE_SIZE, height: FACE_SIZE });
  grey.forEach((value, i) => png.data.set([value, value, value, 255], 4 * i));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, PNG.sync.write(png));
}
const faceFile = (split: string, label: number, index: number) =>
  path.join(out, split, EMOTIONS[label], `${String(index).padStart(5, '0')}.png`);
const faceOf = (split: FaceSplit, i: number) => split.images.subarray(i * FACE_PIXELS, (i + 1) * FACE_PIXELS);

const dataset = await loadDataset(values.data!);
const { train, test } = dataset.splits;
if (!train || !test) throw new Error(`${values.data} needs a train and a test split`);
for (let i = 0; i < test.labels.length; i++) {
  const file = faceFile('test', test.labels[i], i);
  if (!existsSync(file)) writeFace(file, faceOf(test, i));
}

// Every choice is drawn up front, so a resumed run makes the same ones.
const random = new Random(Number(values.seed));
const framed: { index: number; scene: Scene }[] = [];
for (let i = 0; i < train.labels.length; i++) {
  const frameIt = random.next() < share;
  const side = SIDES[random.int(SIDES.length)];
  const degrees = Math.round(random.uniform(-30, 30));
  const scene = placeFace(faceOf(train, i), side, degrees, random);
  if (existsSync(faceFile('train', train.labels[i], i))) continue;
  if (frameIt) framed.push({ index: i, scene });
  else writeFace(faceFile('train', train.labels[i], i), faceOf(train, i));
}

// One line per framed face (index, side, turn, whether it was found): the run's record, across resumes.
const manifest = path.join(out, 'framed.tsv');
await runScenes(
  framed.map((f) => f.scene),
  (results, first) => {
    results.forEach((result, k) => {
      const { index, scene } = framed[first + k];
      let grey = faceOf(train, index);
      if (result.crop) {
        const bytes = Buffer.from(result.crop, 'base64');
        const crop = new Float32Array(bytes.buffer, bytes.byteOffset, FACE_PIXELS);
        grey = Uint8Array.from(crop, (v) => Math.round(Math.min(Math.max(v, 0), 1) * 255));
      }
      writeFace(faceFile('train', train.labels[index], index), grey);
      appendFileSync(manifest, `${index}\t${scene.side}\t${scene.degrees}\t${result.crop ? 1 : 0}\n`);
    });
  },
  availableParallelism(),
);

// An interrupted run may have recorded a face it then framed again: the last line for it counts.
const rows = [
  ...new Map(
    (existsSync(manifest) ? readFileSync(manifest, 'utf8').split('\n').filter(Boolean) : []).map((line) => {
      const row = line.split('\t').map(Number);
      return [row[0], row] as const;
    }),
  ).values(),
];
const summary = {
  source: path.resolve(values.data!),
  share,
  seed: Number(values.seed),
  train: train.labels.length,
  test: test.labels.length,
  framed: rows.filter((r) => r[3] === 1).length,
  // Not found by the detector: kept as stored.
  undetected: rows.filter((r) => r[3] === 0).length,
};
writeFileSync(path.join(out, 'framing.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(JSON.stringify(summary));
