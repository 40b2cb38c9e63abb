import { SMOOTHING_FRAMES } from '../src/renderer/src/vision/config';
import { expect, test } from './support/app';

test('settings last across a restart of the page, and a reset puts them all back, the live model and window too', async ({
  app,
}) => {
  test.skip(!app.bridge, 'needs the test bridge to read what main keeps');
  const { page } = app;
  const bridge = app.bridge!;
  const smoothing = page.getByRole('spinbutton', { name: 'Smoothing window in frames' });
  const mirror = page.getByRole('checkbox', { name: 'Mirror' });
  const activeModel = () => page.evaluate(async () => (await window.api.listModels()).activeId);
  expect(SMOOTHING_FRAMES.default).not.toBe(9);
  await smoothing.fill('9');
  await mirror.uncheck();
  // Kept as soon as they change (the page's own storage), before the page goes.
  const kept = (name: string) => page.evaluate((key) => localStorage.getItem(`emotion-monitor.${key}`), name);
  await expect.poll(() => kept('smoothingFrames')).toBe('9');
  await expect.poll(() => kept('mirrored')).toBe('false');
  expect(await page.evaluate(() => window.api.activateModel({ id: 'bundled:seed' }))).toMatchObject({
    state: 'ready',
  });

  await page.reload();
  await expect(smoothing).toHaveValue('9');
  await expect(mirror).not.toBeChecked();
  expect(await activeModel()).toBe('bundled:seed');

  await page.getByRole('button', { name: 'Reset settings' }).click();
  await expect(page.getByRole('alert')).toContainText('back to their defaults?');
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  // The page reloads with its defaults.
  await expect(smoothing).toHaveValue(String(SMOOTHING_FRAMES.default));
  await expect(mirror).toBeChecked();
  expect(await activeModel()).toBe('bundled:default');
  expect(bridge.windowResets).toBe(1);
});
