import { expect, test } from './support/app';

test.describe('no camera', () => {
  test.use({ camera: 'none' });
  test('says so, and offers to try again', async ({ app }) => {
    await app.page.getByRole('button', { name: 'Start' }).click();
    await expect(app.page.getByTestId('camera-error')).toContainText('No camera was found');
    await expect(app.page.getByRole('button', { name: 'Start' })).toBeEnabled();
  });
});

test.describe('camera permission denied', () => {
  test.use({ camera: 'denied' });
  test('explains how to allow it', async ({ app }) => {
    await app.page.getByRole('button', { name: 'Start' }).click();
    await expect(app.page.getByTestId('camera-error')).toContainText('Camera access was denied');
  });
});

test('stopping the camera clears the overlay, and the camera choice offers the fake device', async ({ app }) => {
  const { page } = app;
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('face').first()).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Camera' }).locator('option')).not.toHaveCount(1);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('overlay')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Start' })).toBeEnabled();
});

test('a camera that goes away mid-run stops the view with a message', async ({ app }) => {
  const { page } = app;
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('face').first()).toBeVisible();
  // What the browser does when the device is unplugged: the track ends.
  await page.evaluate(() => {
    const stream = document.querySelector('video')!.srcObject as MediaStream;
    stream.getVideoTracks()[0].dispatchEvent(new Event('ended'));
  });
  await expect(page.getByTestId('camera-error')).toContainText('camera was disconnected');
  await expect(page.getByTestId('overlay')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Start' })).toBeEnabled();
});

test("the system's refusal of the camera (macOS asks once) is explained, with its settings a click away", async ({
  app,
}) => {
  test.skip(!app.bridge, "needs the test bridge to stand in for the system's answer");
  const { page } = app;
  const bridge = app.bridge!;
  bridge.cameraAccess = 'denied';
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('camera-error')).toContainText(
    'The system does not let Emotion Monitor use the camera',
  );
  await expect(page.getByTestId('face')).toHaveCount(0);
  await page.getByRole('button', { name: 'Open the camera settings' }).click();
  await expect.poll(() => bridge.cameraSettingsOpened).toBe(1);
  // Allowed in the settings: Start works.
  bridge.cameraAccess = 'granted';
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('face').first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Open the camera settings' })).toHaveCount(0);
});
