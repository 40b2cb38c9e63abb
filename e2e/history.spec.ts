import { recordedDatabase } from '../src/main/storage/test-support/damaged-database';
import { expect, test } from './support/app';

test.describe('hour-long sessions in History', () => {
  // Two sessions of 36,000 samples, one every 100 ms, of three faces: whole timelines in 5 s buckets.
  test.use({ seedDatabase: { write: (file) => recordedDatabase(file, 2, 36_000) } });

  test('zoomed in, every chart of a session reads the stretch in view finer; zoomed out, the whole again', async ({
    app,
  }) => {
    const { page } = app;
    await page.getByRole('button', { name: 'History', exact: true }).click();
    await page.getByTestId('session-item').filter({ hasText: 'session 1' }).getByRole('button').first().click();
    const chart = page.getByTestId('timeline-chart');
    const affect = page.getByTestId('affect-chart');
    await expect(chart.locator('canvas')).toBeVisible();
    await expect(chart).toHaveAttribute('data-finest-bucket-ms', '5000');
    const means = await chart.locator('.u-legend').innerText();

    await chart.focus();
    await page.keyboard.press('+'); // half an hour in view: 2 s buckets
    await expect(chart).toHaveAttribute('data-finest-bucket-ms', '2000');
    await expect(affect).toHaveAttribute('data-finest-bucket-ms', '2000');
    await page.keyboard.press('+'); // a quarter of an hour: seconds
    await expect(chart).toHaveAttribute('data-finest-bucket-ms', '1000');
    // The finer stretch replaces the buckets it covers, so the session's means are unchanged.
    await expect(chart.locator('.u-legend')).toHaveText(means);
    // Each face's lane follows the zoom, read finer too.
    await page.getByTestId('lanes').scrollIntoViewIfNeeded();
    await expect(page.getByTestId('lane-chart')).toHaveCount(3);
    for (const lane of await page.getByTestId('lane-chart').all())
      await expect(lane).toHaveAttribute('data-finest-bucket-ms', '1000');

    await chart.focus();
    await page.keyboard.press('Home');
    await expect(chart).toHaveAttribute('data-finest-bucket-ms', '5000');
    await expect(affect).toHaveAttribute('data-finest-bucket-ms', '5000');
    await expect(page.getByTestId('lane-chart').first()).toHaveAttribute('data-finest-bucket-ms', '5000');
  });

  test('compared, both timelines read finer as one is zoomed', async ({ app }) => {
    const { page } = app;
    await page.getByRole('button', { name: 'History', exact: true }).click();
    await page.getByRole('checkbox', { name: 'Select session 1' }).check();
    await page.getByRole('checkbox', { name: 'Select session 2' }).check();
    await page.getByRole('button', { name: 'Compare (2)' }).click();
    const charts = page.getByTestId('compare').getByTestId('timeline-chart');
    await expect(charts).toHaveCount(2);
    await expect(charts.nth(1)).toHaveAttribute('data-finest-bucket-ms', '5000');
    await charts.nth(0).focus();
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await expect(charts.nth(0)).toHaveAttribute('data-finest-bucket-ms', '1000');
    await expect(charts.nth(1)).toHaveAttribute('data-finest-bucket-ms', '1000');
  });
});
