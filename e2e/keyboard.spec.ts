import type { Page } from '@playwright/test';
import path from 'node:path';
import { expect, test } from './support/app';
import { expectAccessible } from './support/axe';

/**
 * Presses Tab until the focused element is the control named `name` (at most `limit` presses),
 * and checks that the focus is visible on it: the only way a keyboard user gets there.
 */
async function tabTo(page: Page, name: string | RegExp, limit = 80): Promise<void> {
  for (let press = 0; press < limit; press++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element) return undefined;
      const style = getComputedStyle(element);
      return {
        name: (element.getAttribute('aria-label') ?? element.textContent ?? '').trim(),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
      };
    });
    if (focused && (typeof name === 'string' ? focused.name === name : name.test(focused.name))) {
      expect(focused.outline, `the focus on "${focused.name}" is visible`).toBe(true);
      return;
    }
  }
  throw new Error(`"${String(name)}" was not reached in ${limit} presses of Tab`);
}

test('without a mouse: start the camera, record with a marker, stop, open the session in History and export it', async ({
  app,
}) => {
  test.skip(!app.bridge, 'needs the test bridge to read the database and answer the save dialog');
  const { page } = app;
  const bridge = app.bridge!;
  await tabTo(page, 'Start');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('face').first()).toBeVisible();
  await page.keyboard.press('Alt+r');
  await expect(page.getByTestId('recording-state')).toBeVisible();
  await expect.poll(() => bridge.store.listSessions()[0]?.samples ?? 0).toBeGreaterThan(0);
  await page.keyboard.press('Alt+m');
  await expect.poll(() => bridge.store.markers(bridge.store.listSessions()[0].id).length).toBe(1);
  await page.keyboard.press('Alt+s');
  await expect(page.getByTestId('recording-state')).toHaveCount(0);

  await tabTo(page, 'History');
  await page.keyboard.press('Enter');
  const [session] = bridge.store.listSessions();
  await tabTo(page, new RegExp(`^${session.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('session-detail')).toHaveAttribute('aria-label', `Session ${session.name}`);
  bridge.savePath = path.join(bridge.dir, 'keyboard.csv');
  await tabTo(page, 'Export CSV');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('export-message')).toContainText(`to ${bridge.savePath}`);
});

test('shortcuts and the menu: Help on F1, views on Ctrl+1 to 5, the overlay paused on Alt+O, About from the menu', async ({
  app,
}, testInfo) => {
  test.skip(!app.bridge, 'needs the test bridge to send menu commands');
  const { page } = app;
  await page.keyboard.press('F1');
  const help = page.getByRole('dialog', { name: 'Help' });
  await expect(help).toBeVisible();
  for (const keys of ['Ctrl+1', 'Ctrl+3', 'Alt+R', 'Alt+S', 'Alt+M', 'Alt+O', 'F1']) {
    await expect(help.getByRole('row').filter({ hasText: keys })).toHaveCount(1);
  }
  await expectAccessible(page, 'the Help');
  await help.screenshot({ path: testInfo.outputPath('help.png') });
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  await expect(page.getByRole('button', { name: 'History', exact: true })).toHaveAttribute(
    'aria-keyshortcuts',
    'Control+3',
  );
  await page.keyboard.press('Control+3');
  await expect(page.getByRole('button', { name: 'History', exact: true })).toHaveAttribute('aria-current', 'page');
  await page.keyboard.press('Control+1');
  await expect(page.getByRole('region', { name: 'Live monitor' })).toBeVisible();
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('face').first()).toBeVisible();
  await page.keyboard.press('Alt+o');
  await expect(page.getByTestId('overlay-paused')).toBeVisible();
  await expect(page.getByTestId('face')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Pause overlay' })).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('Alt+o');
  await expect(page.getByTestId('face').first()).toBeVisible();

  app.bridge!.menuCommand('view:models');
  await expect(page.getByRole('button', { name: 'Models', exact: true })).toHaveAttribute('aria-current', 'page');
  app.bridge!.menuCommand('about:open');
  const about = page.getByRole('dialog', { name: 'Emotion Monitor' });
  await expect(about.getByTestId('about-version')).toHaveText('test');
  await expect(about.getByTestId('about-backend')).toHaveText('wasm');
  await expect(about.getByTestId('about-model')).toHaveText(/\S/);
  await expectAccessible(page, 'About');
  await about.screenshot({ path: testInfo.outputPath('about.png') });
  await about.getByRole('button', { name: 'Close' }).click();
  await expect(about).toBeHidden();
});
