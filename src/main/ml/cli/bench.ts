import { existsSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { FACE_PIXELS } from '../data/image';
import { loadDataset } from '../data/load';
import { ARCHITECTURES, buildModel, type Architecture } from '../models/architectures';
import { fuseForInference } from '../models/fused-inference';
import { predictProbabilities } from '../models/inference';
import { loadModel } from '../models/model-io';
import { formatBackendReport, initBackend } from '../runtime/backend';
import { recipeFor } from '../training/recipes';
import { trainModel } from '../training/trainer';
import { temporaryDir } from '../runtime/temporary-dir';
import { parseCommandLine, positiveInt, runCli, UsageError } from './run';

const USAGE = `Usage: npm run bench -- [--data <folder|csv>] [--steps N] [--warmup N]
Measures training images/s (batch 64) for each architecture and inference ms per face.
Ends with one JSON line of the figures.`;

/** The training benchmark's batch: the seed recipe's, and what the speed targets are stated for. */
const BENCH_BATCH = 64;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function trainingRate(
  architecture: Architecture,
  data: Awaited<ReturnType<typeof loadDataset>>,
  warmup: number,
  steps: number,
) {
  const recipe = recipeFor(architecture);
  recipe.batchSize = BENCH_BATCH;
  recipe.epochs = 1;
  let measuredFrom = 0;
  let measuredImages = 0;
  let endedAt = 0;
  await trainModel({
    dataset: data,
    recipe,
    outDir: await temporaryDir(),
    maxBatchesPerEpoch: warmup + steps,
    stepsOnly: true,
    onProgress: (event) => {
      if (event.type !== 'batch') return;
      if (event.batch === warmup) measuredFrom = performance.now();
      if (event.batch > warmup) measuredImages += recipe.batchSize;
      endedAt = performance.now();
    },
  });
  return measuredImages / ((endedAt - measuredFrom) / 1000);
}

/** Median ms per face; `fused` is what the app runs (batch norm folded, see fused-inference.ts). */
async function inferenceMs(architecture: Architecture, batch: number, repeats: number, fused: boolean) {
  const bundled = path.resolve('resources/models', architecture);
  const model = existsSync(path.join(bundled, 'model.json'))
    ? (await loadModel(bundled)).model
    : buildModel(architecture);
  const fusedModel = fused ? fuseForInference(model) : undefined;
  const predictor = fusedModel ?? model;
  const faces = new Uint8Array(batch * FACE_PIXELS).map((_, i) => (i * 31) % 256);
  for (let i = 0; i < 5; i++) await predictProbabilities(predictor, faces);
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await predictProbabilities(predictor, faces);
    times.push(performance.now() - start);
  }
  fusedModel?.dispose();
  model.dispose();
  return median(times) / batch;
}

await runCli(USAGE, async () => {
  const { values } = parseCommandLine({
    options: {
      data: { type: 'string', default: path.resolve('../shared/fer2013') },
      steps: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '3' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  const backend = await initBackend();
  console.log(formatBackendReport(backend));
  const data = await loadDataset(values.data!);
  const steps = positiveInt('--steps', values.steps!);
  const warmup = positiveInt('--warmup', values.warmup!);
  // Every measured step needs a batch of its own: fewer images would time nothing and print 0 images/s.
  const trainImages = data.splits.train?.labels.length ?? 0;
  const needed = (warmup + 1) * BENCH_BATCH;
  if (trainImages < needed) {
    throw new UsageError(
      `${values.data} has ${trainImages} training images; timing needs at least ${needed} ` +
        `(${warmup} warm-up batches and one measured batch of ${BENCH_BATCH}): use a larger dataset or a smaller --warmup`,
    );
  }
  const figures: Record<string, number | string> = { backend: backend.backend, threads: 'worker per core' };
  for (const architecture of ARCHITECTURES) {
    const rate = await trainingRate(architecture, data, warmup, steps);
    figures[`train_${architecture}_images_per_s`] = Math.round(rate * 10) / 10;
    console.log(
      `train ${architecture}: ${rate.toFixed(1)} images/s (batch 64, ${steps} steps after ${warmup} warm-up)`,
    );
  }
  for (const architecture of ARCHITECTURES) {
    for (const batch of [1, 8]) {
      for (const fused of [true, false]) {
        const ms = await inferenceMs(architecture, batch, 50, fused);
        const form = fused ? '' : '_unfused';
        figures[`infer_${architecture}_b${batch}${form}_ms_per_face`] = Math.round(ms * 100) / 100;
        console.log(
          `inference ${architecture}, batch ${batch}${fused ? '' : ' (layers model, unfused)'}: ${ms.toFixed(2)} ms per face`,
        );
      }
    }
  }
  console.log(`tf.memory: ${tf.memory().numTensors} tensors`);
  console.log(JSON.stringify(figures));
});
