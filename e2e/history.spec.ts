import { recordedDatabase } from '../src/main/storage/test-support/damaged-database';
import { expect, test } from './support/app';

test.describe('an hour-long session in History', () => {
  // One session of 36,000 samples, one every 100 ms: its whole timeline is drawn in 5 s buckets.
  test.use({ seedDatabase: { write: (file) => recordedDatabase(file, 1, 36_000) } });

  test('zoomed in, both charts read the stretch in view finer; zoomed out, the whole session again', async ({
    app,
  }) => {
    const { page } = app;
    await page.getByRole('button', { name: 'History', exact: true }).click();
    await page.getByTestId('session-item').first().getByRole('button').first().click();
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
    await page.keyboard.press('Home');
    await expect(chart).toHaveAttribute('data-finest-bucket-ms', '5000');
    await expect(affect).toHaveAttribute('data-finest-bucket-ms', '5000');
  });
});
