/**
 * The "no accuracy lost" check for changes to the training kernels or the trainer: a short,
 * fixed run (seed 5, 3 epochs of 20 batches, validated on the whole test split) whose loss curve is
 * compared between two checkouts. tf.js on wasm is deterministic, so equal code paths print equal
 * numbers; a kernel that changes rounding prints curves that should agree to a few digits.
 *
 *   npx tsx scripts/loss-curve.ts <checkout> <data> [default|seed ...]
 *   (e.g. a `git worktree add --detach ../before <commit>` beside this one)
 */
import path from 'node:path';

const [root = '.', data = '../shared/fer2013', ...architectures] = process.argv.slice(2);
const from = (module: string) => import(path.resolve(root, 'src/main/ml', module));
const { loadDataset } = await from('data/load.ts');
const { trainModel } = await from('training/trainer.ts');
const { recipeFor } = await from('training/recipes.ts');
const { temporaryDir } = await from('runtime/temporary-dir.ts');
const { initBackend } = await from('runtime/backend.ts');

await initBackend({ candidates: ['wasm'] });
const dataset = await loadDataset(data);
for (const architecture of architectures.length > 0 ? architectures : ['default', 'seed']) {
  const recipe = recipeFor(architecture);
  recipe.epochs = 3;
  const result = await trainModel({
    dataset,
    recipe,
    outDir: await temporaryDir(),
    seed: 5,
    maxBatchesPerEpoch: 20,
    backendCandidates: ['wasm'],
  });
  for (const epoch of result.history as { epoch: number; loss: number; valLoss: number; valAccuracy: number }[])
    console.log(architecture, epoch.epoch, epoch.loss, epoch.valLoss, epoch.valAccuracy);
}
