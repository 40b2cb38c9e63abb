/*
 * Over 400 lines on purpose: every spec of recording and History drives the same fake camera and
 * test bridge, recording a session and reading it back; split by feature, each file would repeat
 * that set-up.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { valence } from '../src/shared/affect';
import { applyBaseline, baselineFactors } from '../src/shared/baseline';
import { EMOTIONS } from '../src/shared/emotions';
import { formatDuration, plural } from '../src/shared/format';
import { reportHash } from '../src/shared/report';
import type { MarkerLabel } from '../src/renderer/src/history/marker-labels';
import { expect, test } from './support/app';
import { pdfText } from './support/pdf';

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
  // Record until the database holds samples before and after the marker (events, not a fixed time).
  const samplesStored = () => bridge.store.listSessions()[0]?.samples ?? 0;
  await expect.poll(samplesStored, { timeout: 60_000 }).toBeGreaterThan(5);
  await page.getByRole('textbox', { name: 'Marker text' }).fill('question 3');
  await page.getByRole('button', { name: 'Add marker' }).click();
  await expect(page.getByRole('textbox', { name: 'Marker text' })).toHaveValue(''); // stored
  const atMarker = samplesStored();
  await expect.poll(samplesStored, { timeout: 60_000 }).toBeGreaterThan(atMarker + 5);
  await page.getByRole('button', { name: 'Stop recording' }).click();
  await expect(page.getByRole('button', { name: 'Record' })).toBeVisible();

  await page.getByRole('button', { name: 'History', exact: true }).click();
  await page.getByTestId('session-item').filter({ hasText: 'Study' }).getByRole('button').first().click();
  await expect(page.getByTestId('session-detail')).toBeVisible();
  await expect(page.getByTestId('timeline-chart').locator('canvas')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Text of marker question 3' })).toHaveValue('question 3');
  // The dominant-emotion band is drawn in the chart, in at least one segment.
  await expect(page.getByTestId('timeline-chart')).toHaveAttribute('data-band-segments', /^[1-9]\d*$/);
  // Away from the pointer the legend shows the session's means, not dashes; the axes say what they measure.
  const chart = page.getByTestId('timeline-chart');
  await expect(chart.locator('.u-legend')).toContainText(/happy\s*mean \d+%/);
  await expect(chart.locator('.u-legend')).not.toContainText('–');
  await expect(chart).toHaveAttribute('data-axis-titles', 'time since the start (m:ss) | probability');
  // The chart zooms and pans from the keyboard.
  const whole = await chart.getAttribute('data-range');
  await chart.focus();
  await page.keyboard.press('+');
  await expect(chart).not.toHaveAttribute('data-range', whole!);
  const zoomed = await chart.getAttribute('data-range');
  await expect(page.getByTestId('affect-chart')).toHaveAttribute('data-range', zoomed!); // it follows the zoom
  await page.keyboard.press('ArrowRight');
  await expect(chart).not.toHaveAttribute('data-range', zoomed!);
  await page.keyboard.press('Home');
  await expect(chart).toHaveAttribute('data-range', whole!);
  // Valence and arousal have their own chart, following the main chart's zoom, and the session's means.
  await expect(page.getByTestId('affect-chart').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('affect-summary')).toContainText(
    /Mean valence [+−]\d\.\d\d [\s\S]* mean\s+arousal\s+[+−]\d\.\d\d/,
  );
  await page.getByRole('combobox', { name: 'Chart' }).selectOption('stacked');
  await expect(page.getByTestId('timeline-chart').locator('canvas')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('history-session.png') });

  const [session] = bridge.store.listSessions();
  expect(session.samples).toBeGreaterThan(5);
  bridge.savePath = path.join(bridge.dir, 'export.csv');
  await page.getByRole('button', { name: 'Export CSV', exact: true }).click();
  await expect(page.getByTestId('export-message')).toContainText(`Saved ${session.samples} samples`);
  const records = parse(await readFile(bridge.savePath, 'utf8'), { columns: true }) as Record<string, string>[];
  const stored = [...bridge.store.iterateSamples([session.id])];
  expect(records).toHaveLength(stored.length);
  expect(records.map((r) => [r.session_name, Number(r.offset_ms), Number(r.face_id), r.top_emotion])).toEqual(
    stored.map((s) => [s.sessionName, s.offsetMs, s.faceId, EMOTIONS[s.topLabel]]),
  );
  records.forEach((record, i) => expect(Number(record.valence)).toBeCloseTo(valence(stored[i].probabilities), 5));
});

test('a recording survives a reload of the page', async ({ app }) => {
  const { page } = app;
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('overlay')).toBeVisible();
  await page.getByRole('button', { name: 'Record' }).click();
  await expect(page.getByTestId('recording-state')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('recording-state')).toBeVisible();
  await page.getByRole('button', { name: 'Stop recording' }).click();
  await expect(page.getByRole('button', { name: 'Record' })).toBeVisible();
});

test('a full disk stops the recording with a clear message wherever the user is, and keeps what was stored', async ({
  app,
}) => {
  test.skip(!app.bridge, 'needs the test bridge to fill the database');
  const { page } = app;
  const { db } = app.bridge!.store;
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('face').first()).toBeVisible();
  await page.getByRole('button', { name: 'Record' }).click();
  await expect(page.getByTestId('recording-state')).toBeVisible();
  const stored = () => (db.prepare('SELECT count(*) AS n FROM samples').get() as { n: number }).n;
  await expect.poll(stored, { timeout: 60_000 }).toBeGreaterThan(5);
  await page.getByRole('button', { name: 'History', exact: true }).click();
  // The disk fills: the database may not grow by one more page.
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
  try {
    await expect(page.getByTestId('recording-halted')).toContainText('the disk is full', { timeout: 60_000 });
    await expect(page.getByTestId('recording-halted')).toContainText('is kept');
    await expect(page.getByTestId('rec-indicator')).toHaveCount(0);
    const kept = stored();
    expect(kept).toBeGreaterThan(5);
    expect(app.bridge!.store.listSessions()[0]).toMatchObject({ interrupted: true, samples: kept });
  } finally {
    db.pragma('max_page_count = 1073741823');
  }
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByTestId('recording-halted')).toHaveCount(0);
  await page.getByRole('button', { name: 'Live', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Record' })).toBeVisible();
});

test('deleting a session asks first, can be undone, and is final once History is left', async ({ app }) => {
  test.skip(!app.bridge, 'needs the test bridge to read the database');
  const { page } = app;
  const store = app.bridge!.store;
  for (const name of ['Keep me', 'Delete me']) {
    store.endSession(store.createSession({ name }).id);
  }
  await page.getByRole('button', { name: 'History', exact: true }).click();
  const items = page.getByTestId('session-item');
  await expect(items).toHaveCount(2);

  // Asking to delete keeps the session's title as it was (the question gets a row of its own).
  const title = items.filter({ hasText: 'Delete me' }).locator('strong');
  const before = await title.boundingBox();
  await page.getByRole('button', { name: 'Delete Delete me' }).click();
  await expect(items.filter({ hasText: 'Delete me' })).toContainText('Delete this session?');
  expect((await title.boundingBox())?.height).toBe(before?.height);
  expect((await title.boundingBox())?.width).toBe(before?.width);
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

test('compares two recorded sessions: both timelines drawn, zooming one zooms the other', async ({ app }) => {
  test.skip(!app.bridge, 'needs the test bridge to read the database');
  const { page } = app;
  const store = app.bridge!.store;
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('face').first()).toBeVisible();
  for (const name of ['First take', 'Second take']) {
    await page.getByRole('textbox', { name: 'Session name' }).fill(name);
    await page.getByRole('button', { name: 'Record' }).click();
    await expect(page.getByTestId('recording-state')).toContainText(name);
    await expect
      .poll(() => store.listSessions().find((s) => s.name === name)?.samples ?? 0, { timeout: 60_000 })
      .toBeGreaterThan(10);
    await page.getByRole('button', { name: 'Stop recording' }).click();
    await expect(page.getByRole('button', { name: 'Record' })).toBeVisible();
  }

  await page.getByRole('button', { name: 'History', exact: true }).click();
  await page.getByRole('checkbox', { name: 'Select First take' }).check();
  await page.getByRole('checkbox', { name: 'Select Second take' }).check();
  await page.getByRole('button', { name: 'Compare (2)' }).click();
  // Names as the user wrote them ("First take", not "First Take").
  await expect(page.getByTestId('compare').getByRole('rowheader').first()).toHaveText(/^(First|Second) take \(/, {
    useInnerText: true,
  });
  const charts = page.getByTestId('compare').getByTestId('timeline-chart');
  await expect(charts).toHaveCount(2);
  await expect(charts.nth(1)).toHaveAttribute('data-range', /.+/);
  const before = await charts.nth(1).getAttribute('data-range');

  // Drag across the middle of the first chart to zoom it; the second follows to the same range.
  const plot = charts.nth(0).locator('.u-over');
  const box = (await plot.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(charts.nth(0)).not.toHaveAttribute('data-range', before!);
  const zoomed = await charts.nth(0).getAttribute('data-range');
  await expect(charts.nth(1)).toHaveAttribute('data-range', zoomed!);
  // The page still answers: the History list can be filtered at once.
  await page.getByRole('searchbox', { name: 'Search sessions by name' }).fill('Second');
  await expect(page.getByTestId('session-item')).toHaveCount(1);
});

test('History: a search without a match says so, bulk actions take only the sessions shown, delete selected, a cancelled export says so', async ({
  app,
}) => {
  test.skip(!app.bridge, 'needs the test bridge to prepare sessions and answer the save dialog');
  const { page } = app;
  const store = app.bridge!.store;
  for (const name of ['Alpha', 'Beta', 'Gamma']) store.endSession(store.createSession({ name }).id);
  await page.getByRole('button', { name: 'History', exact: true }).click();
  const items = page.getByTestId('session-item');
  await expect(items).toHaveCount(3);
  await page.getByRole('checkbox', { name: 'Select Alpha' }).check();
  await page.getByRole('checkbox', { name: 'Select Beta' }).check();
  await expect(page.getByRole('button', { name: 'Compare (2)' })).toBeEnabled();

  const search = page.getByRole('searchbox', { name: 'Search sessions by name' });
  await search.fill('nothing like it');
  await expect(page.getByTestId('history-empty')).toContainText('No session matches this search');
  await search.fill('Alp');
  await expect(items).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Compare (1)' })).toBeDisabled();
  await expect(page.getByTestId('hidden-ticked')).toContainText('1 ticked session hidden by the filter');

  await search.fill('');
  await expect(items).toHaveCount(3);
  await page.getByRole('button', { name: 'Delete selected' }).click();
  await expect(page.getByRole('alert')).toContainText('Delete 2 sessions?');
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(items).toHaveCount(1);
  await expect(items).toContainText('Gamma');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(items).toHaveCount(3);

  app.bridge!.savePath = undefined; // the save dialog is cancelled
  await page.getByRole('button', { name: 'Export all' }).click();
  await expect(page.getByTestId('export-message')).toContainText('Export cancelled: nothing was saved.');
});

test('a session of twenty faces gives twelve of them lanes, drawn as they are scrolled to', async ({ app }) => {
  test.skip(!app.bridge, 'needs the test bridge to prepare a session');
  const { page } = app;
  const store = app.bridge!.store;
  const { id } = store.createSession({ name: 'A room', startedAt: Date.UTC(2026, 11, 2, 9) });
  for (let second = 0; second < 60; second++) {
    store.appendSamples(
      id,
      Array.from({ length: 20 }, (_, face) => ({
        faceId: face + 1,
        offsetMs: second * 1000,
        probabilities: EMOTIONS.map((_, c) => (c === (face + second) % EMOTIONS.length ? 0.64 : 0.06)),
        box: { x: (face % 5) * 0.2, y: Math.floor(face / 5) * 0.2, width: 0.15, height: 0.15 },
      })),
    );
  }
  store.endSession(id, Date.UTC(2026, 11, 2, 9) + 60_000);
  await page.getByRole('button', { name: 'History', exact: true }).click();
  await page.getByTestId('session-item').filter({ hasText: 'A room' }).getByRole('button').first().click();
  await expect(page.getByTestId('participant')).toHaveCount(20);
  const titles = page.getByTestId('lane-title');
  await expect(titles).toHaveCount(12);
  await expect(page.getByTestId('timeline-chart').locator('canvas')).toBeVisible();
  // The last lane is far below the fold: not drawn until it is scrolled to.
  const lastLane = page.locator('[data-testid="lane-title"]:last-of-type + div');
  await expect(lastLane.getByTestId('lane-chart')).toHaveCount(0);
  await titles.last().scrollIntoViewIfNeeded();
  await expect(lastLane.getByTestId('lane-chart').locator('canvas')).toBeVisible();
});

test('a long export shows its progress and a cancel stops it, leaving no file', async ({ app }) => {
  test.skip(!app.bridge, 'needs the test bridge to prepare a session and answer the save dialog');
  const { page } = app;
  const bridge = app.bridge!;
  const { id } = bridge.store.createSession({ name: 'A long day', startedAt: Date.UTC(2026, 11, 1, 9) });
  bridge.store.appendSamples(
    id,
    Array.from({ length: 20_000 }, (_, i) => ({
      faceId: 1 + (i % 2),
      offsetMs: Math.floor(i / 2) * 100,
      probabilities: EMOTIONS.map((_, c) => (c === i % EMOTIONS.length ? 0.64 : 0.06)),
      box: { x: 0.1, y: 0.1, width: 0.3, height: 0.4 },
    })),
  );
  bridge.store.endSession(id, Date.UTC(2026, 11, 1, 9) + 1_000_000);
  // The export writes into a pipe no one reads yet: it waits there, part-way, until the test reads it.
  const pipe = path.join(bridge.dir, 'long-export.csv');
  execFileSync('mkfifo', [pipe]);
  bridge.savePath = pipe;

  await page.getByRole('button', { name: 'History', exact: true }).click();
  await page.getByRole('checkbox', { name: 'Select A long day' }).check();
  await page.getByRole('button', { name: 'Export selected' }).click();
  const progress = page.getByTestId('export-progress');
  await expect(progress).toContainText('Exporting 0 of 20,000 samples');
  await expect(progress.getByRole('progressbar')).toHaveAttribute('max', '20000');
  await progress.getByRole('button', { name: 'Cancel export' }).click();
  await expect(progress.getByRole('button', { name: 'Cancelling…' })).toBeDisabled();
  // Main has stopped the export: now the pipe is read, so what it had written can drain.
  const read = readFile(pipe, 'utf8');
  await expect(page.getByTestId('export-message')).toContainText('Export cancelled: nothing was saved.');
  await expect(progress).toHaveCount(0);
  expect((await read).split('\r\n').length).toBeLessThan(20_000);
  expect(existsSync(pipe)).toBe(false);

  // The next export runs to its end.
  bridge.savePath = path.join(bridge.dir, 'long-export-2.csv');
  await page.getByRole('button', { name: 'Export selected' }).click();
  await expect(page.getByTestId('export-message')).toContainText('Saved 20,000 samples');
});

test('recording needs a running camera, shows in the header from every view, moves nothing on screen, and has shortcuts', async ({
  app,
}) => {
  test.skip(!app.bridge, 'needs the test bridge to read the database');
  const { page } = app;
  const store = app.bridge!.store;
  const record = page.getByRole('button', { name: 'Record', exact: true });
  await expect(record).toBeDisabled();
  await expect(page.getByText('Start the camera to record.')).toBeVisible();
  await expect(page.getByTestId('camera-indicator')).toHaveCount(0);
  // A sample rate beyond what a recording keeps is brought into range where the user sees it.
  const rate = page.getByLabel('Samples a second per face');
  await rate.fill('100');
  await rate.press('Tab');
  await expect(rate).toHaveValue('30');
  await expect(page.getByTestId('recording-notice')).toContainText('go from 1 to 30: set to 30');
  await rate.fill('5');

  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('face').first()).toBeVisible();
  await expect(page.getByTestId('camera-indicator')).toBeVisible();
  await expect(record).toBeEnabled();
  await expect(record).toHaveAttribute('title', /Alt\+R/);

  const videoBefore = await page.locator('video').boundingBox();
  await page.keyboard.press('Alt+r');
  await expect(page.getByTestId('recording-state')).toBeVisible();
  expect(await page.locator('video').boundingBox(), 'the video does not move when recording starts').toEqual(
    videoBefore,
  );
  await page.keyboard.press('Alt+m');
  const session = () => store.listSessions()[0];
  await expect.poll(() => store.markers(session().id).length).toBe(1);
  // Said where the user is looking: beside the recording controls.
  await expect(page.getByTestId('recording-notice')).toContainText(
    `Marker “${store.markers(session().id)[0].text}” added at`,
  );
  // Named after its stored time, as History shows it and as the recording clock read then.
  const [marker] = store.markers(session().id);
  expect(marker.text).toBe(`Marker at ${formatDuration(marker.offsetMs)}`);

  // One clock: the header and the controls, read in the same instant, show the same time as it ticks.
  const readClocks = () =>
    page.evaluate(() =>
      ['rec-indicator', 'recording-clock'].map(
        (id) => /\d+:\d\d/.exec(document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '')?.[0],
      ),
    );
  for (let tick = 0; tick < 3; tick++) {
    const [header, controls] = await readClocks();
    expect(controls, `the controls' clock against the header's ${header}`).toBe(header);
    await expect(page.getByTestId('rec-indicator')).not.toContainText(header!); // the next second
  }

  // Outside Live the header says a recording is running, with its time, and leads back.
  await page.getByRole('button', { name: 'Models', exact: true }).click();
  await expect(page.getByTestId('rec-indicator')).toContainText(/REC \d+:\d\d/);
  await expect(page.getByTestId('camera-indicator')).toBeVisible();
  await page.getByTestId('rec-indicator').click();
  await expect(page.getByRole('region', { name: 'Live monitor' })).toBeVisible();

  await page.keyboard.press('Alt+s');
  await expect(record).toBeVisible();
  await expect(page.getByTestId('rec-indicator')).toHaveCount(0);
  expect(session().endedAt).toBeDefined();
  // Where the session went, and the way there.
  await expect(page.getByTestId('recording-notice')).toContainText(`Saved “${session().name}”`);
  await page.getByTestId('recording-notice').getByRole('button', { name: 'Open in History' }).click();
  await expect(page.getByTestId('session-detail')).toHaveAttribute('aria-label', `Session ${session().name}`);
});

test('an empty session says it is empty, without a chart, zoom buttons or a table of zeros', async ({ app }) => {
  test.skip(!app.bridge, 'needs the test bridge to prepare a session');
  const store = app.bridge!.store;
  store.endSession(store.createSession({ name: 'Nothing here' }).id);
  const { page } = app;
  await page.getByRole('button', { name: 'History', exact: true }).click();
  await page.getByTestId('session-item').filter({ hasText: 'Nothing here' }).getByRole('button').first().click();
  await expect(page.getByTestId('session-empty')).toContainText('This session is empty');
  await expect(page.getByRole('group', { name: 'Zoom and pan' })).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'Emotion distribution' })).toHaveCount(0);
});

test('a face named while recording keeps its name in History and the CSV, and a face numbered twice is merged', async ({
  app,
}, testInfo) => {
  test.skip(!app.bridge, 'needs the test bridge to read the database and answer the save dialog');
  const { page } = app;
  const bridge = app.bridge!;
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByRole('button', { name: 'Record' }).click();
  await expect(page.getByTestId('recording-state')).toBeVisible();
  // A single face in view: the fixture's first seven segments (5.6 s) keep it in one place.
  const single = page.locator(
    '[data-testid="overlay"]:has([data-testid="face"]):not(:has([data-testid="face"] ~ [data-testid="face"]))',
  );
  await expect(single).toBeVisible();
  const faceId = Number(await page.getByTestId('face').first().getAttribute('data-face-id'));
  await page.getByRole('textbox', { name: `Name of face #${faceId}` }).fill('Participant A');
  await page.getByRole('textbox', { name: `Name of face #${faceId}` }).press('Enter');
  await expect(page.locator(`[data-testid="face"][data-face-id="${faceId}"] [data-testid="face-name"]`)).toHaveText(
    'Participant A',
  );
  // Record until the pair segment has given the session more faces.
  const [recording] = bridge.store.listSessions();
  await expect.poll(() => bridge.store.faces(recording.id).length, { timeout: 60_000 }).toBeGreaterThan(2);
  await page.getByRole('button', { name: 'Stop recording' }).click();

  await page.getByRole('button', { name: 'History', exact: true }).click();
  await page.getByTestId('session-item').first().getByRole('button').first().click();
  const named = page.locator(`[data-testid="participant"][data-face-id="${faceId}"]`);
  await expect(named).toHaveAttribute('data-name', 'Participant A');
  await expect(page.getByTestId('lane-title').filter({ hasText: 'Participant A' })).toBeVisible();
  const faces = bridge.store.faces(recording.id);
  // Several faces merged into one at once.
  const others = faces.filter((id) => id !== faceId).slice(0, 2);
  const samplesOf = (id: number) =>
    [...bridge.store.iterateSamples([recording.id])].filter((s) => s.faceId === id).length;
  const expected = samplesOf(faceId) + others.reduce((sum, id) => sum + samplesOf(id), 0);
  for (const id of others) await page.getByRole('checkbox', { name: `Merge face #${id}` }).check();
  await page.getByRole('combobox', { name: 'Face to merge into' }).selectOption(String(faceId));
  await page.getByRole('button', { name: 'Merge', exact: true }).click();
  const left = faces.length - others.length;
  await expect(page.getByTestId('participant')).toHaveCount(left);
  // Everything that counts the faces follows at once: the detail's header and the History list.
  await expect(page.getByTestId('detail-meta')).toContainText(plural(left, 'face'));
  await expect(page.getByTestId('session-item').first()).toContainText(plural(left, 'face'));
  await page.getByTestId('participants').scrollIntoViewIfNeeded();
  await page.screenshot({ path: testInfo.outputPath('history-faces.png') });
  for (const id of others) expect(bridge.store.faces(recording.id)).not.toContain(id);
  expect(samplesOf(faceId)).toBe(expected);

  bridge.savePath = path.join(bridge.dir, 'named.csv');
  await page.getByRole('button', { name: 'Export CSV', exact: true }).click();
  await expect(page.getByTestId('export-message')).toContainText('Saved');
  const rows = parse(await readFile(bridge.savePath, 'utf8'), { columns: true }) as Record<string, string>[];
  const ofFace = rows.filter((row) => Number(row.face_id) === faceId);
  expect(ofFace).toHaveLength(expected);
  expect(new Set(ofFace.map((row) => row.face_name))).toEqual(new Set(['Participant A']));
});

test('a face calibrated before recording is shown calibrated, and the export holds its raw and calibrated values', async ({
  app,
}, testInfo) => {
  test.skip(!app.bridge, 'needs the test bridge to read the database and answer the save dialog');
  const { page } = app;
  const bridge = app.bridge!;
  await page.getByRole('button', { name: 'Start' }).click();
  // Calibrate a face as it comes into view: the fixture keeps it in one place for 5.6 s, time for
  // the 3 s baseline and some recording before it leaves.
  await expect(page.getByTestId('no-face')).toBeVisible({ timeout: 60_000 });
  const face = page.getByTestId('face').first();
  await expect(face).toBeVisible();
  const faceId = Number(await face.getAttribute('data-face-id'));
  await page.getByRole('button', { name: `Calibrate face #${faceId}` }).click();
  const calibrated = page.locator(`[data-testid="face"][data-face-id="${faceId}"][data-calibrated="true"]`);
  await expect(calibrated).toBeVisible();
  await expect(calibrated.getByTestId('face-label')).toContainText('calibrated');
  // The switch's box sits beside its words (a stretched checkbox once stood far from them).
  const gap = await page.getByLabel('Show calibrated').evaluate((box) => {
    const words = document.createRange();
    words.selectNodeContents(box.parentElement!);
    words.setStartAfter(box);
    return words.getBoundingClientRect().left - box.getBoundingClientRect().right;
  });
  expect(gap).toBeLessThan(16);
  await page.getByRole('button', { name: 'Record' }).click();
  await expect(page.getByTestId('recording-state')).toBeVisible();
  // Named while recording: the overlay shows the name and the calibration (the user guide's picture).
  await page.getByRole('textbox', { name: `Name of face #${faceId}` }).fill('Participant B');
  await page.getByRole('textbox', { name: `Name of face #${faceId}` }).press('Enter');
  await expect(calibrated.getByTestId('face-name')).toHaveText('Participant B');
  await page.screenshot({ path: testInfo.outputPath('live-calibrated.png') });
  const [recording] = bridge.store.listSessions();
  const calibratedSamples = () =>
    [...bridge.store.iterateSamples([recording.id])].filter((s) => s.faceId === faceId && s.calibrated).length;
  await expect.poll(calibratedSamples, { timeout: 60_000 }).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Stop recording' }).click();

  const [baseline] = bridge.store.baselines(recording.id);
  expect(baseline).toMatchObject({ faceId, strength: 0.5 });
  expect(baseline.frames).toBeGreaterThanOrEqual(5);
  expect(baseline.reference).toEqual((await page.evaluate(() => window.api.getMlStatus())).neutralReference);

  await page.getByRole('button', { name: 'History', exact: true }).click();
  await page.getByTestId('session-item').first().getByRole('button').first().click();
  await expect(page.getByTestId('show-calibrated')).toBeChecked();
  bridge.savePath = path.join(bridge.dir, 'calibrated.csv');
  await page.getByRole('button', { name: 'Export CSV', exact: true }).click();
  await expect(page.getByTestId('export-message')).toContainText('Saved');
  const rows = parse(await readFile(bridge.savePath, 'utf8'), { columns: true }) as Record<string, string>[];
  const ofFace = rows.filter((row) => Number(row.face_id) === faceId);
  expect(ofFace.length).toBeGreaterThan(0);
  const factors = baselineFactors(baseline.baseline, baseline.reference, baseline.strength);
  for (const row of ofFace) {
    const raw = EMOTIONS.map((emotion) => Number(row[emotion]));
    const corrected = EMOTIONS.map((emotion) => Number(row[`calibrated_${emotion}`]));
    expect(raw.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    // Calibrated exactly by the stored baseline, so switching the correction off loses nothing.
    expect(corrected).toEqual(applyBaseline(raw, factors).map((p) => expect.closeTo(p, 4)));
    expect(row.calibrated_top_emotion).toBe(EMOTIONS[corrected.indexOf(Math.max(...corrected))]);
  }
  // Faces without a baseline have empty calibrated columns.
  for (const row of rows.filter((row) => Number(row.face_id) !== faceId)) expect(row.calibrated_neutral).toBe('');

  // The baseline belongs to the model it was measured with: making another model live drops it, saying so.
  expect(baseline.model).toBe('default');
  await page.getByRole('button', { name: 'Models', exact: true }).click();
  await page
    .locator('[data-testid="model-row"][data-model-id="bundled:seed"]')
    .getByRole('button', { name: 'Make live' })
    .click();
  await page.getByRole('button', { name: 'Live', exact: true }).click();
  await expect(page.getByTestId('calibration-notice')).toContainText(
    `The live model is now “seed”: the baseline of face #${faceId}, taken with “default”, no longer applies`,
  );
  await expect(page.locator('[data-testid="face"][data-calibrated="true"]')).toHaveCount(0);
  await expect(page.getByTestId('baseline')).toHaveCount(0);
});

test("exports a session's report as a PDF holding its name, segments and dominant emotion, with the chart as PNG", async ({
  app,
}, testInfo) => {
  test.skip(!app.bridge, 'needs the test bridge to answer the save dialog and print the report');
  const { page } = app;
  const bridge = app.bridge!;
  // A session made as a recording would make it: face 1 named, happy, then sad after the marker.
  const store = bridge.store;
  const session = store.createSession({
    name: 'Coaching, week 3',
    startedAt: Date.UTC(2026, 10, 20, 9),
    model: 'default',
  });
  const probabilities = (emotion: string) => EMOTIONS.map((e) => (e === emotion ? 0.8 : 0.2 / 6));
  const box = { x: 0.2, y: 0.2, width: 0.3, height: 0.4 };
  store.appendSamples(session.id, [
    ...Array.from({ length: 40 }, (_, i) => ({
      faceId: 1,
      offsetMs: i * 200,
      probabilities: probabilities('happy'),
      box,
    })),
    ...Array.from({ length: 15 }, (_, i) => ({
      faceId: 1,
      offsetMs: 8_000 + i * 200,
      probabilities: probabilities('sad'),
      box,
    })),
  ]);
  store.addMarker(session.id, 8_000, 'Question about goals');
  store.addMarker(session.id, 8_500, 'Break'); // half a second apart: their labels must not collide
  store.nameFace(session.id, 1, 'Participant A');
  store.setNotes(session.id, 'Second half after the break.');
  store.endSession(session.id, session.startedAt + 11_000);

  await page.getByRole('button', { name: 'History', exact: true }).click();
  await page.getByTestId('session-item').first().getByRole('button').first().click();
  bridge.savePath = path.join(bridge.dir, 'coaching report.pdf');
  await page.getByRole('button', { name: 'Export report…' }).click();
  await expect(page.getByTestId('session-detail').getByTestId('export-message')).toContainText('Saved the report');

  const { text } = await pdfText(bridge.savePath);
  const words = text.replace(/\s+/g, ' ');
  expect(words).toContain('Coaching, week 3');
  expect(words).toContain('Second half after the break.');
  expect(words).toContain('Participant A');
  // Its two segments, and its dominant emotion (happy: 40 of 55 samples).
  expect(words).toContain('Start');
  expect(words).toContain('Question about goals');
  expect(words).toMatch(/Dominant emotion\s*Happy/i);
  const chart = await readFile(path.join(bridge.dir, 'coaching report-timeline.png'));
  expect(chart.subarray(1, 4).toString()).toBe('PNG');
  expect(chart.readUInt32BE(16)).toBeGreaterThan(600); // the chart's width in pixels

  // The report's first page, for the user guide.
  const report = await page.context().newPage();
  await report.setViewportSize({ width: 794, height: 1123 });
  await bridge.attach(report);
  await report.goto(
    `${new URL(page.url()).origin}/index.html${reportHash({ sessionId: session.id, values: 'calibrated' })}`,
  );
  await expect(report.locator('[data-report-state="ready"]')).toBeVisible();
  // Close markers: both labels whole, clear of each other and inside the chart.
  const chartBox = (await report.getByTestId('report-timeline').boundingBox())!;
  const labels = JSON.parse(
    (await report.getByTestId('report-timeline').getAttribute('data-marker-labels'))!,
  ) as MarkerLabel[];
  expect(labels.map((label) => label.text)).toEqual(['Question about goals', 'Break']);
  const [first, second] = labels;
  const apart =
    first.row !== second.row || first.left + first.width <= second.left || second.left + second.width <= first.left;
  expect(apart, JSON.stringify(labels)).toBe(true);
  for (const label of labels) expect(label.left + label.width).toBeLessThanOrEqual(chartBox.width);
  await report.screenshot({ path: testInfo.outputPath('report.png') });
  await report.close();
});

test('the keyboard stays where the user is: on the button that replaced the one pressed, and on an opened session', async ({
  app,
}) => {
  const { page } = app;
  await page.getByRole('button', { name: 'Start' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Stop', exact: true })).toBeFocused();
  const record = page.getByRole('button', { name: 'Record' });
  await expect(record).toBeEnabled();
  await record.focus();
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Stop recording' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Record' })).toBeFocused();

  await page.getByRole('button', { name: 'History', exact: true }).click();
  await page.getByTestId('session-item').first().getByRole('button').first().press('Enter');
  await expect(page.getByTestId('detail-heading')).toBeFocused();
});
