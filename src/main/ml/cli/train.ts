import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { plural } from '@shared/format';
import { formatReport } from '../data/dataset';
import { loadDataset } from '../data/load';
import { formatEvaluation } from '../evaluation/metrics';
import { ARCHITECTURES, isArchitecture, type Architecture } from '../models/architectures';
import { MODEL_FILE, readMetadata } from '../models/model-folder';
import { CHECKPOINT_DIR, CHECKPOINT_STATE_FILE } from '../training/protocol';
import { DEFAULT_RECIPE, recipeFor, SEED_RECIPE } from '../training/recipes';
import { BatchTooLargeError, trainModel } from '../training/trainer';
import { progressPrinter } from './progress';
import { parseCommandLine, positiveInt, positiveNumber, runCli, UsageError } from '../../cli/run';
import { errorMessage } from '@shared/errors';

// Defaults are read from the recipes, so the help cannot disagree with what training does.
const USAGE = `Usage: npm run train -- --data <folder|fer2013.csv> --arch ${ARCHITECTURES.join('|')} [options]
  --epochs N        epochs (seed: ${SEED_RECIPE.epochs}, default and fast: ${DEFAULT_RECIPE.epochs})
  --batch N         batch size (seed: ${SEED_RECIPE.batchSize}, default and fast: ${DEFAULT_RECIPE.batchSize})
  --lr X            base learning rate (seed: ${SEED_RECIPE.learningRate}, default and fast: ${DEFAULT_RECIPE.learningRate})
  --out DIR         model folder to write (default: models/<arch>)
  --resume          continue from DIR/checkpoint
  --from DIR        start from this model folder's weights (fine-tuning; same --arch)
  --teacher DIR     distil from this model folder: every face's target blends in its ten-view
                    probabilities, softened (computed once, then cached)
  --teacher-data D  show the teacher these faces instead: the training faces in the same order,
                    framed otherwise (FER2013 as stored, for a copy made by dataset:framed)
  --force           train into DIR even though it already holds a finished model (replacing it)
  --seed N          seed for weights, shuffling and augmentation (default 1)
  --workers N       worker threads (default: one per core)
  --max-batches N   batches per epoch, for quick trials`;

await runCli(USAGE, async () => {
  const { values } = parseCommandLine({
    options: {
      data: { type: 'string' },
      arch: { type: 'string', default: 'default' },
      epochs: { type: 'string' },
      batch: { type: 'string' },
      lr: { type: 'string' },
      out: { type: 'string' },
      resume: { type: 'boolean', default: false },
      from: { type: 'string' },
      teacher: { type: 'string' },
      'teacher-data': { type: 'string' },
      force: { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
      workers: { type: 'string' },
      'max-batches': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  if (!values.data) throw new UsageError('--data is required');
  if (!isArchitecture(values.arch!))
    throw new UsageError(`--arch must be one of ${ARCHITECTURES.join(', ')}, not "${values.arch}"`);
  const recipe = recipeFor(values.arch);
  if (values.epochs) recipe.epochs = positiveInt('--epochs', values.epochs);
  if (values.batch) recipe.batchSize = positiveInt('--batch', values.batch);
  if (values.lr) recipe.learningRate = positiveNumber('--lr', values.lr);
  const outDir = path.resolve(values.out ?? path.join('models', values.arch));
  // Checked before the dataset is read: a finished model is never overwritten by mistake.
  if (values.resume && !existsSync(path.join(outDir, CHECKPOINT_DIR, CHECKPOINT_STATE_FILE))) {
    throw new UsageError(`--resume: ${outDir} has no checkpoint to continue from (${CHECKPOINT_DIR}/)`);
  }
  if (!values.resume && !values.force && existsSync(path.join(outDir, MODEL_FILE))) {
    throw new UsageError(
      `${outDir} already holds a trained model: choose another --out, or pass --force to replace it`,
    );
  }

  const initFrom = values.from === undefined ? undefined : await fineTuneStart(values.from, values.arch);
  const teacher = values.teacher === undefined ? undefined : await teacherFolder(values.teacher);
  if (values['teacher-data'] !== undefined && teacher === undefined && !values.resume)
    throw new UsageError('--teacher-data needs a --teacher to show it to');
  await createOutFolder(outDir);

  const dataset = await loadDataset(values.data);
  console.error(formatReport(dataset.report));
  const teacherDataset = values['teacher-data'] === undefined ? undefined : await loadDataset(values['teacher-data']);
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
    initFrom,
    teacher,
    teacherDataset,
    seed: positiveInt('--seed', values.seed!),
    workers: values.workers ? positiveInt('--workers', values.workers) : undefined,
    maxBatchesPerEpoch: values['max-batches'] ? positiveInt('--max-batches', values['max-batches']) : undefined,
    signal: controller.signal,
    onProgress: progressPrinter(),
  }).catch((error: unknown) => {
    if (error instanceof BatchTooLargeError && error.trainImages > 0)
      throw new UsageError(`${error.message} Pass a smaller --batch (at most ${error.trainImages}).`);
    throw error;
  });
  if (result.cancelled) {
    console.error(
      `Cancelled after ${plural(result.epochsTrained, 'complete epoch')}. Resume with the same command and --resume.`,
    );
    process.exitCode = 130;
    return;
  }
  console.log(formatEvaluation(result.evaluation!));
  const kept =
    result.keptEpoch === result.epochsTrained
      ? ''
      : `, the weights of epoch ${result.keptEpoch}, its best on the validation split`;
  console.log(
    `Model written to ${outDir} (${result.epochsTrained} epochs${kept}, ${Math.round(result.trainingSeconds)} s)`,
  );
});

/** The --from model folder, checked before the dataset is read: a model of the architecture being trained. */
async function fineTuneStart(folder: string, architecture: Architecture): Promise<string> {
  const dir = path.resolve(folder);
  const start = await readMetadata(dir).catch((error: unknown) => {
    throw new UsageError(`--from: ${errorMessage(error)}`);
  });
  if (start.architecture !== architecture) {
    throw new UsageError(`--from: ${dir} holds a ${start.architecture} model and this run trains ${architecture}`);
  }
  return dir;
}

/** A teacher must be a model folder, checked before the dataset is read. */
async function teacherFolder(folder: string): Promise<string> {
  const dir = path.resolve(folder);
  await readMetadata(dir).catch((error: unknown) => {
    throw new UsageError(`--teacher: ${errorMessage(error)}`);
  });
  return dir;
}

/** Made before the dataset is read, so a folder that cannot be written fails at once, saying why. */
async function createOutFolder(outDir: string): Promise<void> {
  try {
    await mkdir(outDir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'ENOTDIR' || code === 'EEXIST'
          ? 'a file is in the way of the folder'
          : code === 'EROFS'
            ? 'the disk is read-only'
            : errorMessage(error);
    throw new UsageError(`Cannot create the --out folder ${outDir}: ${why}`);
  }
}
