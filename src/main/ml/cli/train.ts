import path from 'node:path';
import { parseArgs } from 'node:util';
import { plural } from '../../../shared/format';
import { formatReport } from '../data/dataset';
import { loadDataset } from '../data/load';
import { formatEvaluation } from '../evaluation/metrics';
import { isArchitecture } from '../models/architectures';
import { recipeFor } from '../training/recipes';
import { trainModel } from '../training/trainer';
import { progressPrinter } from './progress';
import { runCli } from './run';

const USAGE = `Usage: npm run train -- --data <folder|fer2013.csv> --arch seed|default [options]
  --epochs N        epochs (seed: 50, default: 40)
  --batch N         batch size (seed: 64, default: 128)
  --lr X            base learning rate
  --out DIR         model folder to write (default: models/<arch>)
  --resume          continue from DIR/checkpoint
  --seed N          seed for weights, shuffling and augmentation (default 1)
  --workers N       worker threads (default: one per core)
  --max-batches N   batches per epoch, for quick trials`;

await runCli(USAGE, async () => {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      arch: { type: 'string', default: 'default' },
      epochs: { type: 'string' },
      batch: { type: 'string' },
      lr: { type: 'string' },
      out: { type: 'string' },
      resume: { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
      workers: { type: 'string' },
      'max-batches': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  if (!values.data) throw new UsageError('--data is required');
  if (!isArchitecture(values.arch!)) throw new UsageError(`--arch must be seed or default, not "${values.arch}"`);
  const recipe = recipeFor(values.arch);
  if (values.epochs) recipe.epochs = positiveInt('--epochs', values.epochs);
  if (values.batch) recipe.batchSize = positiveInt('--batch', values.batch);
  if (values.lr) recipe.learningRate = positiveNumber('--lr', values.lr);
  const outDir = path.resolve(values.out ?? path.join('models', values.arch));

  const dataset = await loadDataset(values.data);
  console.error(formatReport(dataset.report));
  const controller = new AbortController();
  process.once('SIGINT', () => {
    console.error('\nCancelling after the current batch...');
    controller.abort();
  });
  const result = await trainModel({
    dataset,
    recipe,
    outDir,
    resume: values.resume,
    seed: positiveInt('--seed', values.seed!),
    workers: values.workers ? positiveInt('--workers', values.workers) : undefined,
    maxBatchesPerEpoch: values['max-batches'] ? positiveInt('--max-batches', values['max-batches']) : undefined,
    signal: controller.signal,
    onProgress: progressPrinter(),
  });
  if (result.cancelled) {
    console.error(
      `Cancelled after ${plural(result.epochsTrained, 'complete epoch')}. Resume with the same command and --resume.`,
    );
    process.exitCode = 130;
    return;
  }
  console.log(formatEvaluation(result.evaluation!));
  console.log(`Model written to ${outDir} (${result.epochsTrained} epochs, ${Math.round(result.trainingSeconds)} s)`);
});

import { UsageError, positiveInt, positiveNumber } from './run';
