/**
 * The default model's ablations: each variant is the default recipe with one or two choices
 * changed, trained on the same data for the same (short) schedule, so their validation numbers
 * can be compared. The ablation table in docs/models.md comes from these runs.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { defaultCacheDir, loadDataset } from '../data/load';
import { formatEvaluation } from '../evaluation/metrics';
import { DEFAULT_AUGMENT, WEBCAM_AUGMENT } from '../training/augment';
import { DEFAULT_RECIPE, type Recipe } from '../training/recipes';
import { trainModel } from '../training/trainer';
import { progressPrinter } from './progress';
import { parseCommandLine, positiveInt, runCli, UsageError } from '../../cli/run';

/** What each variant changes, cumulatively named in the ablation table of docs/models.md. */
export const VARIANTS: Record<string, { about: string; recipe: Partial<Recipe> }> = {
  baseline: {
    about: 'the default recipe as it was sized on the blurred data (widths 24/40/80/160)',
    recipe: { augment: DEFAULT_AUGMENT, classWeighting: false, widths: [24, 40, 80, 160] },
  },
  webcam: {
    about: 'baseline + webcam conditions (blur, gamma, noise, JPEG, zoom 15%) + square-root class weights',
    recipe: { augment: WEBCAM_AUGMENT, classWeighting: true, classWeightPower: 0.5, widths: [24, 40, 80, 160] },
  },
  wider: {
    about: 'webcam + stage widths 24/48/96/192',
    recipe: { augment: WEBCAM_AUGMENT, classWeighting: true, classWeightPower: 0.5, widths: [24, 48, 96, 192] },
  },
};

const USAGE = `Usage: npm run ablation -- --data <folder|csv> --variant ${Object.keys(VARIANTS).join('|')} [--epochs N] [--resume]
Trains one variant of the default recipe into <cache>/ablations/<variant>-<epochs>ep and appends
its figures to <cache>/ablations/results.jsonl.`;

await runCli(USAGE, async () => {
  const { values } = parseCommandLine({
    options: {
      data: { type: 'string' },
      variant: { type: 'string' },
      epochs: { type: 'string', default: '8' },
      resume: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  if (!values.data) throw new UsageError('--data is required');
  const variant = VARIANTS[values.variant ?? ''];
  if (!variant) throw new UsageError(`--variant must be one of ${Object.keys(VARIANTS).join(', ')}`);
  const epochs = positiveInt('--epochs', values.epochs!);
  const recipe: Recipe = { ...structuredClone(DEFAULT_RECIPE), ...variant.recipe, epochs };
  const root = path.join(defaultCacheDir(), 'ablations');
  const outDir = path.join(root, `${values.variant}-${epochs}ep`);
  await mkdir(root, { recursive: true });
  const dataset = await loadDataset(values.data);
  console.error(`${values.variant}: ${variant.about}`);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const result = await trainModel({
    dataset,
    recipe,
    outDir,
    resume: values.resume,
    name: `ablation ${values.variant}`,
    signal: controller.signal,
    onProgress: progressPrinter(),
  });
  if (result.cancelled) {
    process.exitCode = 130;
    return;
  }
  const evaluation = result.evaluation!;
  console.log(formatEvaluation(evaluation));
  const line = {
    variant: values.variant,
    about: variant.about,
    epochs,
    accuracy: evaluation.accuracy,
    macroF1: evaluation.macroF1,
    ece: evaluation.ece,
    recall: Object.fromEntries(evaluation.perClass.map((c) => [c.label, Math.round(c.recall * 1000) / 1000])),
    singlePassAccuracy: result.history.at(-1)?.valAccuracy,
    trainingSeconds: Math.round(result.trainingSeconds),
    finishedAt: new Date().toISOString(),
  };
  await appendFile(path.join(root, 'results.jsonl'), `${JSON.stringify(line)}\n`);
  console.log(JSON.stringify(line));
});
