import { damagedDatabase } from '../src/main/storage/test-support/damaged-database';
import { expect, test } from './support/app';

test.describe('a damaged sessions database at start', () => {
  test.use({ seedDatabase: { write: (file) => damagedDatabase(file) } });

  test('is kept aside and a recovered copy opened, which the app says and History lists', async ({ app }) => {
    const { page } = app;
    const notice = page.getByTestId('database-notice');
    await expect(notice).toContainText('The sessions database was damaged');
    await expect(notice).toContainText(/The damaged file is kept as .+damaged-.+\.db/);
    await expect(notice).toContainText(/A recovered copy is open: 3 sessions and \d+ samples could be read/);
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await expect(notice).toHaveCount(0);

    await page.getByRole('button', { name: 'History', exact: true }).click();
    await expect(page.getByTestId('session-item')).toHaveCount(3);
    // Where the data is, how big it is, and its backups are shown, and compacting it is one button.
    await page.getByTestId('storage').locator('summary').click();
    await expect(page.getByTestId('storage-file')).toContainText('sessions.db');
    await expect(page.getByTestId('storage-size')).toContainText(/\d+(\.\d)? (kB|MB)/);
    await expect(page.getByTestId('storage-backups')).toContainText(/backup/);
    await page.getByRole('button', { name: 'Compact the database' }).click();
    await expect(page.getByTestId('storage-freed')).toContainText('given back to the disk');
  });
});
