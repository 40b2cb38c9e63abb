import { EMOTIONS } from '../src/shared/emotions';
import { REPORT_STATE_ATTRIBUTE, reportHash } from '../src/shared/report';
import { expect, test } from './support/app';
import { expectAccessible } from './support/axe';

test('Live with faces, History, a session with its participants and chart data, Compare, Files, Models and the report pass an axe scan of WCAG 2.1 A and AA', async ({
  app,
}, testInfo) => {
  test.skip(!app.bridge, 'needs the test bridge to prepare sessions');
  const { page } = app;
  const store = app.bridge!.store;
  const ids: number[] = [];
  for (const name of ['Morning', 'Afternoon']) {
    const { id } = store.createSession({ name, startedAt: Date.UTC(2026, 11, 1, 9) });
    ids.push(id);
    for (let second = 0; second < 30; second++) {
      store.appendSamples(
        id,
        [1, 2].map((face) => ({
          faceId: face,
          offsetMs: second * 1000,
          probabilities: EMOTIONS.map((_, c) => (c === (face + second) % EMOTIONS.length ? 0.64 : 0.06)),
          box: { x: 0.1 + 0.4 * (face - 1), y: 0.2, width: 0.3, height: 0.4 },
        })),
      );
    }
    store.addMarker(id, 12_000, 'question 1');
    store.nameFace(id, 1, 'Participant A');
    store.endSession(id, Date.UTC(2026, 11, 1, 9) + 30_000);
  }

  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('face').first()).toHaveAttribute('data-emotion', /.+/);
  // What a screen reader hears: the faces and their emotions, not every frame's numbers.
  await expect(page.getByTestId('live-announcement')).toContainText(/^\s*\d faces?: face \d+ \w+/);
  await expectAccessible(page, 'Live with faces');

  await page.getByRole('button', { name: 'History', exact: true }).click();
  await expect(page.getByTestId('session-item')).toHaveCount(2);
  await expectAccessible(page, 'History');
  await page.getByTestId('session-item').first().getByRole('button').first().click();
  await expect(page.getByTestId('timeline-chart').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('participant')).toHaveCount(2);
  // The chart's text alternative: its data, a row per second of this 30-second session.
  const chartData = page.getByTestId('chart-data').first();
  await chartData.getByText("The chart's data as a table").click();
  await expect(chartData.getByRole('row')).toHaveCount(1 + 30);
  await expect(chartData.getByRole('row').nth(1)).toContainText(
    /0:00\s*(angry|disgust|fear|happy|sad|surprise|neutral).*%/,
  );
  await expectAccessible(page, 'a session with its participants and its chart data open');
  // As a reader with deuteranopia sees the chart: lines told apart by their dashes (docs/screenshots).
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setEmulatedVisionDeficiency', { type: 'deuteranopia' });
  await page.getByTestId('timeline-chart').screenshot({ path: testInfo.outputPath('history-chart-deuteranopia.png') });
  await cdp.send('Emulation.setEmulatedVisionDeficiency', { type: 'none' });
  for (const box of await page.getByTestId('session-item').getByRole('checkbox').all()) await box.check();
  await page.getByRole('button', { name: 'Compare (2)' }).click();
  await expect(page.getByTestId('compare').getByTestId('timeline-chart').locator('canvas')).toHaveCount(2);
  await expectAccessible(page, 'Compare');

  await page.getByRole('button', { name: 'Files', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Analyse photos…' })).toBeVisible();
  await expectAccessible(page, 'Files');
  await page.getByRole('button', { name: 'Models', exact: true }).click();
  await expect(page.getByTestId('model-row')).toHaveCount(3);
  await expectAccessible(page, 'Models');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Choose a folder…' })).toBeVisible();
  await expectAccessible(page, 'Train');

  // The report is the same page opened at its own address, as the app prints it.
  const report = await page.context().newPage();
  await app.bridge!.attach(report);
  await report.goto(new URL(`/index.html${reportHash({ sessionId: ids[0], values: 'calibrated' })}`, page.url()).href);
  await expect(report.getByTestId('report')).toHaveAttribute(REPORT_STATE_ATTRIBUTE, 'ready');
  await expectAccessible(report, 'the report');
});
