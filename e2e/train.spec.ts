import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { EMOTIONS } from '../src/shared/emotions';
import { expect, test } from './support/app';
import { buildSmallDataset, hasSharedFer2013 } from './support/small-dataset';
import { expectAccessible } from './support/axe';
import { expectAppBackground, pageBackground } from './support/theme';

test('the training wizard: dataset report, setup with an estimate, live curves, cancel and resume, report, make live', async ({
  app,
}, testInfo) => {
  test.skip(!app.bridge, 'needs the test bridge to answer the dataset dialog');
  test.skip(!hasSharedFer2013(), 'needs ../shared/fer2013');
  test.setTimeout(600_000);
  const { page } = app;
  const bridge = app.bridge!;
  const dataset = buildSmallDataset(bridge.dir);
  await expect(page.getByTestId('ml-status')).toHaveAttribute('data-state', 'ready');
  // The app's dark page, which no view may change (the PDF report's paper once leaked into Train).
  const appBackground = await pageBackground(page);
  expect(appBackground).not.toBe('rgb(255, 255, 255)');
  await page.getByRole('button', { name: 'Train', exact: true }).click();

  // 1. The CSV form: counts per class and split, the imbalance, the skipped row, sample faces.
  bridge.datasetPath = dataset.csv;
  await page.getByRole('button', { name: 'Choose a fer2013.csv…' }).click();
  const report = page.getByTestId('dataset-report');
  await expect(report).toContainText(`${dataset.trainImages.reduce((a, b) => a + b, 0) + 70} images (csv)`);
  const counts = page.getByTestId('class-counts');
  for (const [label, emotion] of EMOTIONS.entries()) {
    await expect(counts.getByRole('row', { name: new RegExp(`^${emotion}`) })).toContainText(
      String(dataset.trainImages[label]),
    );
  }
  await expect(page.getByTestId('imbalance')).toContainText('disgust has 12 training images, about 1/5');
  await expect(page.getByTestId('skipped')).toContainText('1 file or row skipped');
  await page.getByTestId('skipped').locator('summary').click();
  await expect(page.getByTestId('skipped')).toContainText('small-fer2013.csv:');
  await expect(page.getByTestId('sample-faces').locator('canvas')).toHaveCount(7 * 8);
  await expectAppBackground(page, appBackground, 'Train with a dataset chosen');
  await expectAccessible(page, "Train: the dataset's report");

  // The folder form reads the same faces; its broken file is named.
  bridge.datasetPath = dataset.folder;
  await page.getByRole('button', { name: 'Choose a folder…' }).click();
  await expect(report).toContainText('(folder)');
  await page.getByTestId('skipped').locator('summary').click();
  await expect(page.getByTestId('skipped')).toContainText('broken.jpg');
  await page.screenshot({ path: testInfo.outputPath('train-dataset.png'), fullPage: true });

  // A dataset that cannot be used replaces the report with its error, naming it.
  const empty = path.join(bridge.dir, 'empty-dataset');
  mkdirSync(empty);
  bridge.datasetPath = empty;
  await page.getByRole('button', { name: 'Choose a folder…' }).click();
  await expect(page.getByRole('alert')).toContainText(`${empty} cannot be used`);
  await expect(report).toHaveCount(0);
  bridge.datasetPath = dataset.folder;
  await page.getByRole('button', { name: 'Choose a folder…' }).click();
  await expect(report).toContainText('(folder)');

  // 2. Setup: two epochs of the fast model learning from the default one, and a time estimate measured on this machine.
  await page.getByRole('button', { name: 'Next: set up training' }).click();
  const teacher = page.getByLabel('Learn from a teacher');
  await expect(teacher).toHaveValue(''); // the default network learns from the labels unless asked
  await page.getByRole('radio', { name: /^fast —/ }).check();
  await expect(teacher).toHaveValue('bundled:default');
  await page.getByLabel('Model name', { exact: true }).fill('Small FER');
  await page.getByLabel('Epochs', { exact: true }).fill('2');
  await page.getByLabel('Batch size', { exact: true }).fill('16');
  // Impossible settings are named where they are typed, and nothing starts with them.
  const learningRate = page.getByLabel('Learning rate', { exact: true });
  for (const impossible of ['-1', '0', '50']) {
    await learningRate.fill(impossible);
    await expect(page.getByText('The learning rate must be a number from')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Start training' })).toBeDisabled();
  }
  await learningRate.fill('0.002');
  await expect(page.getByText('The learning rate must be a number from')).toHaveCount(0);
  await page.getByRole('button', { name: 'Estimate the time' }).click();
  await expect(page.getByTestId('estimate')).toContainText(/About .+ on the wasm backend/);
  await expect(page.getByTestId('estimate')).toContainText('@tensorflow/tfjs-node');
  await page.screenshot({ path: testInfo.outputPath('train-setup.png'), fullPage: true });
  await expectAccessible(page, 'Train: the setup with its estimate');
  await page.getByRole('button', { name: 'Start training' }).click();

  // 3. Training: the curves move, pause holds, cancel after the first epoch keeps its checkpoint.
  const panel = page.getByTestId('run-panel');
  await expect(panel).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('curve-loss')).toHaveAttribute('data-points', '1'); // the epoch in progress
  // The loss chart has its y axis from the start, and both charts count whole epochs.
  await expect(page.getByTestId('curve-loss')).toHaveAttribute('data-y-ticks', /\d/);
  for (const metric of ['loss', 'accuracy']) {
    const ticks = (await page.getByTestId(`curve-${metric}`).getAttribute('data-x-ticks'))!.split(' ').map(Number);
    expect(ticks.length, `${metric} epoch ticks`).toBeGreaterThan(1);
    expect(ticks.every(Number.isInteger), `${metric} epoch ticks ${ticks.join(' ')}`).toBe(true);
  }
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(panel).toHaveAttribute('data-status', 'paused');
  // Scanned while paused: a scan takes seconds, and the run must not get past its first epoch meanwhile.
  await expectAccessible(page, 'Train: a run with its curves');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(panel).toHaveAttribute('data-status', 'running');
  // The first epoch ends (an event, however long this machine takes for it).
  await expect(page.getByTestId('best-epoch')).toContainText('(epoch 1)', { timeout: 300_000 });
  await page.screenshot({ path: testInfo.outputPath('train-running.png'), fullPage: true });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(panel).toHaveAttribute('data-status', 'cancelled');
  await expect(page.getByTestId('run-message')).toContainText('Cancelled after 1 complete epoch');
  await expect(page.getByTestId('curve-accuracy')).toHaveAttribute('data-points', '1');

  await page.getByRole('button', { name: 'Resume from the last checkpoint' }).click();
  await expect(panel).toHaveAttribute('data-status', 'done', { timeout: 300_000 });
  await expect(page.getByTestId('curve-accuracy')).toHaveAttribute('data-points', '2');
  await expect(page.getByTestId('run-progress')).toContainText('2 of 2 epochs');

  // 4. The report: accuracy, per-class table, confusion matrix, comparison, mistakes.
  await page.getByRole('button', { name: 'Open the report' }).click();
  await expect(page.getByTestId('report-accuracy')).toContainText('%');
  await expect(page.getByTestId('per-class').locator('tbody tr')).toHaveCount(7);
  await expect(page.getByTestId('per-class')).toContainText('macro average');
  await expect(page.getByTestId('per-class')).toContainText('weighted average');
  const confusionCounts = await page.getByTestId('confusion').locator('tbody td').allTextContents();
  expect(confusionCounts.map(Number).reduce((a, b) => a + b, 0)).toBe(70);
  await page.getByLabel('row-normalised').check();
  await expect(page.getByTestId('confusion').locator('tbody td').first()).toContainText('%');
  await expect(page.getByTestId('comparison')).toContainText('default (live)');
  await expect(page.getByTestId('mistakes').locator('figure').first()).toBeVisible();
  await expectAppBackground(page, appBackground, "Train with a run's report open");
  await page.screenshot({ path: testInfo.outputPath('train-report.png'), fullPage: true });
  await expectAccessible(page, "Train: a run's report");

  // Two epochs on 442 faces make a model far below the bundled one: the report says so, and
  // making it live is no longer the obvious next step.
  await expect(page.getByTestId('report-verdict')).toContainText(
    /no better than chance|less accurate than the live model/,
  );
  await expect(page.getByRole('button', { name: 'Make it the live model', exact: true })).toHaveCount(0);
  // 70 validation faces cannot say how far a confidence can be trusted: no temperature, and the report says so.
  await expect(page.getByTestId('report-calibration')).toContainText('70 validation faces are too few');
  await expect(page.getByTestId('report-epoch')).toContainText('last epoch (2)');

  // 5. Make it live anyway: the live monitor classifies with it, without a restart.
  await page.getByRole('button', { name: 'Make it the live model anyway' }).click();
  await expect(page.getByTestId('activation-message')).toContainText('“Small FER” is now the live model');
  expect(bridge.ml.status.model).toBe('Small FER');
  await page.getByRole('button', { name: 'Live', exact: true }).click();
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('face').first()).toBeVisible();
  await expect(page.getByTestId('stats')).toContainText('Small FER');

  // The library lists it with the run that made it.
  await page.getByRole('button', { name: 'Models', exact: true }).click();
  const row = page.locator('[data-testid="model-row"]', { hasText: 'Small FER' });
  await expect(row).toContainText('run 1');
  await expect(row).toContainText('fast');

  // Every view, with everything this run left behind, keeps the app's background.
  for (const view of ['Live', 'History', 'Files', 'Models', 'Train']) {
    await page.getByRole('button', { name: view, exact: true }).click();
    await expectAppBackground(page, appBackground, view);
  }
});

test('a dataset smaller than one batch is named at the dataset step, and the setup offers a batch size that fits', async ({
  app,
}) => {
  test.skip(!app.bridge, 'needs the test bridge to answer the dataset dialog');
  test.skip(!hasSharedFer2013(), 'needs ../shared/fer2013');
  const { page } = app;
  const bridge = app.bridge!;
  const tiny = buildSmallDataset(bridge.dir, { name: 'tiny-fer2013', trainPerClass: 15 });
  const trainImages = tiny.trainImages.reduce((a, b) => a + b, 0);
  expect(trainImages).toBeLessThan(128);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  bridge.datasetPath = tiny.folder;
  await page.getByRole('button', { name: 'Choose a folder…' }).click();
  await expect(page.getByTestId('small-dataset')).toContainText(
    `${trainImages} training images are fewer than one batch of the default model's 128`,
  );
  await page.getByRole('button', { name: 'Next: set up training' }).click();
  const batchSize = page.getByLabel('Batch size', { exact: true });
  await expect(
    page.getByText(`fewer than one batch of 128: choose a batch size of at most ${trainImages}`),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start training' })).toBeDisabled();
  await page.getByRole('button', { name: 'Use a batch size of 16' }).click();
  await expect(batchSize).toHaveValue('16');
  await expect(page.getByText('fewer than one batch')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Start training' })).toBeEnabled();
});
