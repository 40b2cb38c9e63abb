import { cpSync, mkdirSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './support/app';
import { DEFAULT_MODEL_DIR } from './support/paths';

test('the model library imports a model, makes it live without a restart, and refuses a broken folder', async ({
  app,
}) => {
  test.skip(!app.bridge, 'needs the test bridge to answer the folder dialog');
  const { page } = app;
  const bridge = app.bridge!;
  await expect(page.getByTestId('ml-status')).toHaveAttribute('data-state', 'ready');
  await page.getByRole('button', { name: 'Models', exact: true }).click();
  // The bundled models: ours (live), its fast student for rooms of faces, and the seed design, for comparison.
  await expect(page.getByTestId('model-row')).toHaveCount(3);
  // Each accuracy says how it was measured: ours over ten views, the seed as its recipe ran it.
  const accuracyOf = (id: string) => page.locator(`[data-model-id="${id}"] [data-testid="model-accuracy"]`);
  await expect(accuracyOf('bundled:default')).toContainText(/% on the test split, 3,589 images, averaged over ten/);
  await expect(accuracyOf('bundled:fast')).toContainText(/% on the test split, 3,589 images, averaged over ten/);
  await expect(accuracyOf('bundled:seed')).toContainText(/% on the test split, 3,589 images, one pass a face/);
  // The seed run kept its best epoch, and its row says so and on which images that was chosen.
  await expect(page.locator('[data-model-id="bundled:seed"] [data-testid="model-epochs"]')).toContainText(
    /weights of epoch \d+, its best on the test split/,
  );

  // A broken copy is refused with the reason, and nothing is added.
  const broken = path.join(bridge.dir, 'broken');
  cpSync(DEFAULT_MODEL_DIR, broken, { recursive: true });
  truncateSync(path.join(broken, 'weights.bin'), 100);
  bridge.folder = broken;
  await page.getByRole('button', { name: 'Import a model folder…' }).click();
  await expect(page.getByTestId('models-error')).toContainText(`Could not import ${broken}: `);
  await expect(page.getByTestId('models-error')).toContainText('truncated');
  await expect(page.getByTestId('model-row')).toHaveCount(3);

  bridge.folder = DEFAULT_MODEL_DIR;
  await page.getByRole('button', { name: 'Import a model folder…' }).click();
  await expect(page.getByTestId('model-row')).toHaveCount(4);
  const imported = page.locator('[data-testid="model-row"][data-model-id="user:default"]');

  // At 1280 px the table reads on one line a row: headers, dates, badges and actions do not wrap,
  // and "Trained on" names the dataset, with its path on hover.
  await expect(imported.getByTestId('model-dataset')).toHaveText('fer2013');
  await expect(imported.getByTestId('model-dataset')).toHaveAttribute('title', /[\\/]fer2013$/);
  const linesPerCell = await page.getByTestId('model-list').evaluate((table) =>
    [...table.querySelectorAll('thead th, .badge, td.nowrap, td.dataset')].map((cell) => {
      const range = document.createRange();
      range.selectNodeContents(cell);
      // Rects of the visible text only (a visually hidden label has a 1 px box of its own).
      const rects = [...range.getClientRects()].filter((rect) => rect.width > 1 && rect.height > 1);
      return new Set(rects.map((rect) => Math.round(rect.bottom))).size;
    }),
  );
  expect(Math.max(...linesPerCell), 'lines in a header, date, badge or dataset cell').toBe(1);
  const buttonRows = await imported
    .locator('td.actions button')
    .evaluateAll((buttons) => buttons.map((button) => Math.round(button.getBoundingClientRect().top)));
  expect(new Set(buttonRows).size, 'rows of action buttons').toBe(1);
  await imported.getByRole('button', { name: 'Rename' }).click();
  await imported.getByRole('textbox').fill('My model');
  await imported.getByRole('button', { name: 'Save' }).click();
  await expect(imported).toContainText('My model');

  await imported.getByRole('button', { name: 'Make live' }).click();
  await expect(page.getByTestId('models-message')).toContainText('“My model” is now the live model');
  await expect(imported).toContainText('live');
  expect(bridge.ml.status.model).toBe('My model');
  // The live row's highlight covers its cells evenly (every cell spans the row), and the other
  // rows' buttons read on one line each ("Make live" once wrapped).
  const cellEdges = await imported.evaluate((row) =>
    [...row.children].map((cell) => {
      const { top, bottom } = cell.getBoundingClientRect();
      return `${Math.round(top)}-${Math.round(bottom)}`;
    }),
  );
  expect(new Set(cellEdges).size, `cell edges ${cellEdges.join(' ')}`).toBe(1);
  const buttonLines = await page.locator('[data-model-id="bundled:default"] td.actions button').evaluateAll((buttons) =>
    buttons.map((button) => {
      const range = document.createRange();
      range.selectNodeContents(button);
      return new Set([...range.getClientRects()].map((rect) => Math.round(rect.bottom))).size;
    }),
  );
  expect(buttonLines.length).toBeGreaterThan(1);
  expect(Math.max(...buttonLines), 'lines in an action button').toBe(1);

  // The live view classifies with it from now on.
  await page.getByRole('button', { name: 'Live', exact: true }).click();
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('face').first()).toBeVisible();
  await expect(page.getByTestId('stats')).toContainText('My model');

  // Exporting copies the folder where the user chose.
  const destination = path.join(bridge.dir, 'shared');
  mkdirSync(destination);
  bridge.folder = destination;
  await page.getByRole('button', { name: 'Models', exact: true }).click();
  await imported.getByRole('button', { name: 'Export…' }).click();
  await expect(page.getByTestId('models-message')).toContainText(path.join(destination, 'my-model'));
});
