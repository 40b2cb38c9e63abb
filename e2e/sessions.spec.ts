import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { EMOTIONS } from '../src/shared/emotions';
import { expect, test } from './support/app';

test('records a session with a marker, shows it in History, and exports it as CSV matching the database', async ({
  app,
}, testInfo) => {
  test.skip(!app.bridge, 'needs the test bridge to read the database and answer the save dialog');
  const { page } = app;
  const bridge = app.bridge!;
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('face').first()).toBeVisible();

  await page.getByRole('textbox', { name: 'Session name' }).fill('Study, "day 1"');
  await page.getByRole('button', { name: 'Record' }).click();
  await expect(page.getByTestId('recording-state')).toContainText('Study, "day 1"');
  await page.waitForTimeout(2500);
  await page.getByRole('textbox', { name: 'Marker text' }).fill('question 3');
  await page.getByRole('button', { name: 'Add marker' }).click();
  await page.waitForTimeout(2500);
  await page.getByRole('button', { name: 'Stop recording' }).click();
  await expect(page.getByRole('button', { name: 'Record' })).toBeVisible();

  await page.getByRole('button', { name: 'History', exact: true }).click();
  await page.getByTestId('session-item').filter({ hasText: 'Study' }).getByRole('button').first().click();
  await expect(page.getByTestId('session-detail')).toBeVisible();
  await expect(page.getByTestId('timeline-chart').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('markers')).toContainText('question 3');
  await expect(page.getByTestId('dominant-band').locator('span').first()).toBeVisible();
  await page.getByRole('combobox', { name: 'Chart' }).selectOption('stacked');
  await expect(page.getByTestId('timeline-chart').locator('canvas')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('history-session.png') });

  const [session] = bridge.sessions.store.listSessions();
  expect(session.samples).toBeGreaterThan(5);
  bridge.savePath = path.join(bridge.dir, 'export.csv');
  await page.getByRole('button', { name: 'Export CSV', exact: true }).click();
  await expect(page.getByTestId('export-message')).toContainText(`Saved ${session.samples} samples`);
  const records = parse(await readFile(bridge.savePath, 'utf8'), { columns: true }) as Record<string, string>[];
  const stored = [...bridge.sessions.store.iterateSamples([session.id])];
  expect(records).toHaveLength(stored.length);
  expect(records.map((r) => [r.session_name, Number(r.offset_ms), Number(r.face_id), r.top_emotion])).toEqual(
    stored.map((s) => [s.sessionName, s.offsetMs, s.faceId, EMOTIONS[s.topLabel]]),
  );
});

test('a recording survives a reload of the page', async ({ app }) => {
  const { page } = app;
  await page.getByRole('button', { name: 'Record' }).click();
  await expect(page.getByTestId('recording-state')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('recording-state')).toBeVisible();
  await page.getByRole('button', { name: 'Stop recording' }).click();
  await expect(page.getByRole('button', { name: 'Record' })).toBeVisible();
});

test('deleting a session asks first, can be undone, and is final once History is left', async ({ app }) => {
  test.skip(!app.bridge, 'needs the test bridge to read the database');
  const { page } = app;
  const store = app.bridge!.sessions.store;
  for (const name of ['Keep me', 'Delete me']) {
    store.endSession(store.createSession({ name }).id);
  }
  await page.getByRole('button', { name: 'History', exact: true }).click();
  const items = page.getByTestId('session-item');
  await expect(items).toHaveCount(2);

  await page.getByRole('button', { name: 'Delete Delete me' }).click();
  await page.getByRole('button', { name: 'Keep', exact: true }).click(); // changed my mind
  await expect(items).toHaveCount(2);

  await page.getByRole('button', { name: 'Delete Delete me' }).click();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(items).toHaveCount(1);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(items).toHaveCount(2);
  expect(store.listSessions()).toHaveLength(2);

  await page.getByRole('button', { name: 'Delete Delete me' }).click();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  expect(store.listSessions()).toHaveLength(2); // still undoable
  await page.getByRole('button', { name: 'Live', exact: true }).click();
  await expect.poll(() => store.listSessions().map((s) => s.name)).toEqual(['Keep me']);
});
