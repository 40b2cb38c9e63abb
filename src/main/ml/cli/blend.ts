import { existsSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { blendMetadata, blendWeights } from '../models/blend';
import { loadModel, MODEL_FILE, saveModel } from '../models/model-io';
import { formatBackendReport, initBackend } from '../runtime/backend';
import { parseCommandLine, runCli, UsageError } from '../../cli/run';

const USAGE = `Usage: npm run blend -- --base DIR --tuned DIR --weight X --out DIR [--name NAME] [--force]
Writes a model whose every weight is (1 - X) x base + X x tuned, where tuned is a fine-tune of base
(\`npm run train -- --from base\`): weight-space ensembling, which keeps much of what each model is
good at for the cost of one. The blend has no evaluation or temperatures yet: measure them with
  npm run evaluate -- --model DIR --data <dataset> --save-evaluation`;

await runCli(USAGE, async () => {
  const { values } = parseCommandLine({
    options: {
      base: { type: 'string' },
      tuned: { type: 'string' },
      weight: { type: 'string' },
      out: { type: 'string' },
      name: { type: 'string' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  if (!values.base || !values.tuned || !values.out || values.weight === undefined)
    throw new UsageError('--base, --tuned, --weight and --out are required');
  const weight = Number(values.weight);
  if (!(weight >= 0 && weight <= 1))
    throw new UsageError(`--weight must be a number from 0 to 1, not "${values.weight}"`);
  const out = path.resolve(values.out);
  if (!values.force && existsSync(path.join(out, MODEL_FILE)))
    throw new UsageError(`${out} already holds a model: choose another --out, or pass --force to replace it`);

  console.error(formatBackendReport(await initBackend()));
  const base = { dir: path.resolve(values.base), loaded: await loadModel(values.base) };
  const tuned = { dir: path.resolve(values.tuned), loaded: await loadModel(values.tuned) };
  const metadata = blendMetadata(base, tuned, weight, values.name ?? path.basename(out));
  const blended = blendWeights(base.loaded.model, tuned.loaded.model, weight);
  base.loaded.model.setWeights(blended);
  tf.dispose(blended);
  await saveModel(out, base.loaded.model, metadata);
  console.log(`Wrote ${out}: ${(1 - weight).toFixed(2)} x ${base.dir} + ${weight.toFixed(2)} x ${tuned.dir}`);
});
