/**
 * What the neutral-baseline correction (src/shared/baseline.ts) buys, measured on FER2013's test
 * faces: `npx tsx scripts/baseline-check.ts [--data ../shared/fer2013] [--model resources/models/default]`.
 * A synthetic participant is the model's outputs with a per-class bias (their resting face reads
 * sad, say); their baseline is the mean of 25 of their neutral faces (five seconds at 5 samples a
 * second); the model's reference is the mean over other neutral faces. Accuracy and recalls are
 * scored on the remaining faces: unbiased, biased, and biased then corrected at strengths 0.5 and 1.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { applyBaseline, baselineFactors, meanDistribution } from '../src/shared/baseline';
import { EMOTIONS, NUM_CLASSES, topEmotionIndex } from '../src/shared/emotions';
import { loadDataset } from '../src/main/ml/data/load';
import { applyTemperature } from '../src/main/ml/evaluation/calibration';
import { predictProbabilities } from '../src/main/ml/models/inference';
import { loadModel, temperatureFor } from '../src/main/ml/models/model-io';
import { initBackend } from '../src/main/ml/runtime/backend';
import { Random } from '../src/main/ml/training/random';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/fer2013' },
    model: { type: 'string', default: 'resources/models/default' },
  },
});
await initBackend();
const loaded = await loadModel(path.resolve(values.model!));
const test = (await loadDataset(path.resolve(values.data!))).splits.test;
if (!test) throw new Error(`${values.data} has no test split`);
const raw = await predictProbabilities(loaded.model, test.images, { blurSigma: loaded.metadata.input.blurSigma });
const probabilities = applyTemperature(raw, temperatureFor(loaded.metadata, { testTimeFlip: false }));
const rows = Array.from({ length: test.labels.length }, (_, i) =>
  Array.from(probabilities.subarray(i * NUM_CLASSES, (i + 1) * NUM_CLASSES)),
);

const NEUTRAL = EMOTIONS.indexOf('neutral');
const random = new Random(16);
const neutral = random.shuffle(Int32Array.from(rows.keys()).filter((i) => test.labels[i] === NEUTRAL));
const baselineFaces = [...neutral.subarray(0, 25)];
const referenceFaces = [...neutral.subarray(25, Math.floor(neutral.length / 2))];
const used = new Set([...baselineFaces, ...referenceFaces]);
const scored = [...rows.keys()].filter((i) => !used.has(i));
const reference = meanDistribution(referenceFaces.map((i) => rows[i]));

/** Per-class multipliers of a participant's outputs (renormalised): how their face reads. */
const PARTICIPANTS: Record<string, Partial<Record<(typeof EMOTIONS)[number], number>>> = {
  'reads sad and angry': { sad: 3, angry: 2 },
  'reads fearful': { fear: 3, surprise: 1.5 },
  'reads happy': { happy: 3 },
};

function score(outputs: number[][]): { accuracy: number; recall: Record<string, number> } {
  const hits = new Array<number>(NUM_CLASSES).fill(0);
  const totals = new Array<number>(NUM_CLASSES).fill(0);
  scored.forEach((i, k) => {
    totals[test!.labels[i]]++;
    if (topEmotionIndex(outputs[k]) === test!.labels[i]) hits[test!.labels[i]]++;
  });
  return {
    accuracy: hits.reduce((a, b) => a + b, 0) / scored.length,
    recall: Object.fromEntries(EMOTIONS.map((e, c) => [e, hits[c] / totals[c]])),
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const report: Record<string, Record<string, ReturnType<typeof score>>> = {};
const unbiased = score(scored.map((i) => rows[i]));
console.log(`${scored.length} test faces scored; unbiased model: ${pct(unbiased.accuracy)}`);
console.log('participant             | biased | corrected s=0.5 | corrected s=1 | neutral recall biased -> s=1');
for (const [name, bias] of Object.entries(PARTICIPANTS)) {
  const multiplier = EMOTIONS.map((e) => bias[e] ?? 1);
  const biasedOf = (i: number) => applyBaseline(rows[i], multiplier);
  const baseline = meanDistribution(baselineFaces.map(biasedOf));
  const biased = score(scored.map(biasedOf));
  const corrected = (strength: number) => {
    const factors = baselineFactors(baseline, reference, strength);
    return score(scored.map((i) => applyBaseline(biasedOf(i), factors)));
  };
  const [half, full] = [corrected(0.5), corrected(1)];
  report[name] = { biased, half, full };
  console.log(
    `${name.padEnd(23)} | ${pct(biased.accuracy).padStart(6)} | ${pct(half.accuracy).padStart(15)} | ${pct(full.accuracy).padStart(13)} | ${pct(biased.recall.neutral)} -> ${pct(full.recall.neutral)}`,
  );
}
console.log(JSON.stringify({ check: 'baseline', faces: scored.length, unbiased, participants: report }));
