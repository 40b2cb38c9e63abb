import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { evaluationSplit } from '../data/dataset';
import { FACE_PIXELS } from '../data/image';
import { loadDataset } from '../data/load';
import { evaluateModel } from '../evaluation/evaluate-model';
import { ARCHITECTURES, buildModel, type Architecture } from '../models/architectures';
import { multiplyAddsPerFace } from '../models/flops';
import { fuseForInference } from '../models/fused-inference';
import { predictProbabilities } from '../models/inference';
import { loadModel } from '../models/model-io';
import { formatBackendReport, initBackend } from '../runtime/backend';
import { recipeFor } from '../training/recipes';
import { trainModel } from '../training/trainer';
import { temporaryDir } from '../runtime/temporary-dir';
import { parseCommandLine, positiveInt, runCli, UsageError } from '../../cli/run';

const USAGE = `Usage: npm run bench -- [--data <folder|csv>] [--steps N] [--warmup N] [--repeats N]
       npm run bench -- --model DIR [--model DIR...] [--repeats N]
Measures, on the backend it names: loading the dataset (decoding every image, and from the cache),
training images/s and achieved GFLOP/s (batch 64) for each architecture, inference ms per face at
batch 1 and 8, and scoring the bundled default model on the test split with mirrored averaging.
With --model, only the inference ms per face of each model folder (as the app runs it, batch 1,
8 and 16: one face, and a room of them in one call), e.g. for the ablation table. Ends with one JSON line of the figures.`;

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
  const result = await trainModel({
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
  return { rate: measuredImages / ((endedAt - measuredFrom) / 1000), profile: result.stepProfile };
}

/** Median ms per face; `fused` is what the app runs (batch norm folded, see fused-inference.ts). */
async function inferenceMs(architecture: Architecture, batch: number, repeats: number, fused: boolean) {
  const bundled = path.resolve('resources/models', architecture);
  const model = existsSync(path.join(bundled, 'model.json'))
    ? (await loadModel(bundled)).model
    : buildModel(architecture);
  try {
    return await timeInference(model, batch, repeats, fused);
  } finally {
    model.dispose();
  }
}

// For a few seconds after the backend starts, inference runs slower whatever the calls: the first model
// timed read 1.7-2.0 ms a face at batch 1 against 0.9-1.0 ms for the same model timed next, and 25
// warm-up calls did not help where 3 s did (V8 optimising the wasm kernels in the background, likely).
const WASM_WARM_UP_MS = 3000;
let wasmWarm = false;

/** Median ms per face of `model` (left for the caller to dispose). */
async function timeInference(model: tf.LayersModel, batch: number, repeats: number, fused: boolean) {
  const fusedModel = fused ? fuseForInference(model) : undefined;
  const predictor = fusedModel ?? model;
  const faces = new Uint8Array(batch * FACE_PIXELS).map((_, i) => (i * 31) % 256);
  if (!wasmWarm) {
    const until = performance.now() + WASM_WARM_UP_MS;
    while (performance.now() < until) await predictProbabilities(predictor, faces);
    wasmWarm = true;
  }
  for (let i = 0; i < 5; i++) await predictProbabilities(predictor, faces);
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await predictProbabilities(predictor, faces);
    times.push(performance.now() - start);
  }
  fusedModel?.dispose();
  return median(times) / batch;
}

/** Seconds to decode every image (no cache), and to load the same dataset from a fresh cache. */
async function datasetLoadSeconds(source: string): Promise<{ cold: number; cached: number }> {
  let started = performance.now();
  await loadDataset(source, { cacheDir: false });
  const cold = (performance.now() - started) / 1000;
  const cacheDir = await temporaryDir();
  try {
    await loadDataset(source, { cacheDir }); // decodes again and writes the cache
    started = performance.now();
    await loadDataset(source, { cacheDir });
    return { cold, cached: (performance.now() - started) / 1000 };
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

/** What `npm run evaluate -- --tta` spends scoring the bundled default model (mirrored averaging: the series kept since the start). */
async function evaluationSeconds(data: Awaited<ReturnType<typeof loadDataset>>) {
  const modelDir = path.resolve('resources/models/default');
  const loaded = await loadModel(modelDir);
  const { split, faces } = evaluationSplit(data);
  const started = performance.now();
  await evaluateModel(modelDir, loaded, faces, { split, testTimeFlip: true });
  loaded.model.dispose();
  return { seconds: (performance.now() - started) / 1000, faces: faces.labels.length };
}

await runCli(USAGE, async () => {
  const { values } = parseCommandLine({
    options: {
      data: { type: 'string', default: path.resolve('../shared/fer2013') },
      steps: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '3' },
      repeats: { type: 'string', default: '50' },
      model: { type: 'string', multiple: true },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  const backend = await initBackend();
  console.log(formatBackendReport(backend));
  const repeats = positiveInt('--repeats', values.repeats!);
  if (values.model) {
    const figures: Record<string, number | string> = { backend: backend.backend };
    for (const dir of values.model) {
      const { model } = await loadModel(path.resolve(dir));
      const name = path.basename(path.resolve(dir));
      figures[`${name}_multiply_adds`] = multiplyAddsPerFace(model);
      for (const batch of [1, 8, 16]) {
        const ms = await timeInference(model, batch, repeats, true);
        figures[`infer_${name}_b${batch}_ms_per_face`] = Math.round(ms * 100) / 100;
        console.log(`inference ${dir}, batch ${batch}: ${ms.toFixed(2)} ms per face`);
      }
      model.dispose();
    }
    return console.log(JSON.stringify(figures));
  }
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
  const load = await datasetLoadSeconds(values.data!);
  figures.dataset_load_cold_s = Math.round(load.cold * 1000) / 1000;
  figures.dataset_load_cached_s = Math.round(load.cached * 1000) / 1000;
  console.log(`dataset: ${load.cold.toFixed(2)} s decoding every image, ${load.cached.toFixed(2)} s from the cache`);
  for (const architecture of ARCHITECTURES) {
    const { rate, profile } = await trainingRate(architecture, data, warmup, steps);
    const model = buildModel(architecture);
    // A training step costs about three forward passes (see flops.ts).
    const gflops = (rate * 3 * 2 * multiplyAddsPerFace(model)) / 1e9;
    model.dispose();
    figures[`train_${architecture}_images_per_s`] = Math.round(rate * 10) / 10;
    figures[`train_${architecture}_gflops`] = Math.round(gflops * 10) / 10;
    console.log(
      `train ${architecture}: ${rate.toFixed(1)} images/s, about ${gflops.toFixed(1)} GFLOP/s ` +
        `(batch 64, ${steps} steps after ${warmup} warm-up)`,
    );
    if (profile) {
      const { steps: profiled, ...parts } = profile;
      for (const [part, ms] of Object.entries(parts))
        figures[`train_${architecture}_${part}_ms`] = Math.round(ms * 10) / 10;
      console.log(
        `  per step (${profiled} steps): ${profile.step.toFixed(0)} ms = replicas computing ${profile.compute.toFixed(0)}` +
          ` + averaging gradients and updating weights ${profile.apply.toFixed(0)} + idle ${profile.idle.toFixed(0)}`,
      );
    }
  }
  for (const architecture of ARCHITECTURES) {
    for (const batch of [1, 8]) {
      for (const fused of [true, false]) {
        const ms = await inferenceMs(architecture, batch, repeats, fused);
        const form = fused ? '' : '_unfused';
        figures[`infer_${architecture}_b${batch}${form}_ms_per_face`] = Math.round(ms * 100) / 100;
        console.log(
          `inference ${architecture}, batch ${batch}${fused ? '' : ' (layers model, unfused)'}: ${ms.toFixed(2)} ms per face`,
        );
      }
    }
  }
  if (data.splits.test && existsSync(path.resolve('resources/models/default/model.json'))) {
    const evaluation = await evaluationSeconds(data);
    figures.evaluate_default_s = Math.round(evaluation.seconds * 100) / 100;
    figures.evaluate_default_faces = evaluation.faces;
    console.log(
      `evaluate default: ${evaluation.faces} faces with mirrored averaging in ${evaluation.seconds.toFixed(2)} s`,
    );
  }
  console.log(`tf.memory: ${tf.memory().numTensors} tensors`);
  console.log(JSON.stringify(figures));
});
