import { expect, test } from './support/app';

/**
 * The fake camera (../shared/fixtures/README.md) shows segments of 4 frames at 5 fps, numbered by a
 * 4-bit marker in its top-left corner: 0-6 one face, 7 two faces, 8 no face. The page samples what
 * the overlay shows together with the marker of the frame on screen.
 */
interface Sample {
  segment: number;
  faces: number;
  labelled: number;
  noFaceShown: boolean;
  /** The first face's top emotion, as its label shows it. */
  emotion: string;
  /** Probability panels drawn over their own face, or reaching outside the frame. */
  panelsOverFace: number;
  panelsOutside: number;
}

async function sampleOverlay(page: import('@playwright/test').Page, durationMs: number): Promise<Sample[]> {
  return page.evaluate(async (duration) => {
    const video = document.querySelector('video')!;
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    const samples: Sample[] = [];
    const end = performance.now() + duration;
    while (performance.now() < end) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0);
      let segment = 0;
      for (let bit = 0; bit < 4; bit++) {
        const [r] = context.getImageData(bit * 12 + 6, 6, 1, 1).data;
        segment = segment * 2 + (r > 128 ? 1 : 0);
      }
      const faces = [...document.querySelectorAll<HTMLElement>('[data-testid="face"]')];
      const panels = [...document.querySelectorAll<HTMLElement>('[data-testid="face-bars"]')];
      const frame = document.querySelector('[data-testid="overlay"]')!.getBoundingClientRect();
      let panelsOverFace = 0;
      let panelsOutside = 0;
      panels.forEach((panel, i) => {
        const p = panel.getBoundingClientRect();
        const f = faces[i]?.getBoundingClientRect();
        if (f && p.left < f.right - 1 && p.right > f.left + 1 && p.top < f.bottom - 1 && p.bottom > f.top + 1)
          panelsOverFace++;
        if (
          p.left < frame.left - 1 ||
          p.right > frame.right + 1 ||
          p.top < frame.top - 1 ||
          p.bottom > frame.bottom + 1
        )
          panelsOutside++;
      });
      samples.push({
        segment,
        faces: faces.length,
        labelled: faces.filter((face) => face.dataset.emotion).length,
        emotion: faces[0]?.dataset.emotion ?? '',
        noFaceShown: document.querySelector('[data-testid="no-face"]') !== null,
        panelsOverFace,
        panelsOutside,
      });
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    return samples;
  }, durationMs);
}

/** The most frequent value: frames in transition may lag the marker, a majority does not. */
function mostCommon(values: number[]): number {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0][0];
}

test('labels one face, then two, then none, as the camera shows them', async ({ app }, testInfo) => {
  const { page } = app;
  await expect(page.getByTestId('ml-status')).toHaveAttribute('data-state', 'ready');
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('overlay')).toBeVisible();

  // Two loops of the 7.2 s clip.
  const samples = await sampleOverlay(page, 15_000);
  for (let segment = 0; segment <= 8; segment++) {
    const seen = samples.filter((s) => s.segment === segment);
    expect(seen.length, `samples of segment ${segment}`).toBeGreaterThan(3);
    const expected = segment === 8 ? 0 : segment === 7 ? 2 : 1;
    expect(mostCommon(seen.map((s) => s.faces)), `faces shown in segment ${segment}`).toBe(expected);
    expect(mostCommon(seen.map((s) => s.labelled)), `labelled faces in segment ${segment}`).toBe(expected);
    if (segment === 8) expect(seen.filter((s) => s.noFaceShown).length).toBeGreaterThan(seen.length / 2);
  }
  // The clip's clearest faces get their right labels (the fixture README names each segment's face).
  for (const [segment, emotion] of [
    [3, 'happy'],
    [6, 'surprise'],
  ] as const) {
    const labels = samples.filter((s) => s.segment === segment && s.faces === 1).map((s) => s.emotion);
    const counts = new Map<string, number>();
    for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
    const top = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
    expect(top, `label of the ${emotion} face (segment ${segment}): ${labels.join(' ')}`).toBe(emotion);
  }
  // Each face's probabilities sit beside it, inside the frame: never over its own mouth and chin.
  expect(
    samples.reduce((n, s) => n + s.panelsOverFace, 0),
    'panels drawn over their face',
  ).toBe(0);
  expect(
    samples.reduce((n, s) => n + s.panelsOutside, 0),
    'panels reaching outside the frame',
  ).toBe(0);

  // Frames per second and latency are on screen.
  await expect(page.getByTestId('fps')).not.toHaveText('–');
  await expect(page.getByTestId('latency')).toHaveText(/ms$/);

  // Screenshots of a two-face frame at 1280x720 and full HD, kept as test artifacts.
  for (const [width, height] of [
    [1280, 720],
    [1920, 1080],
  ]) {
    if (app.host === 'chromium') await page.setViewportSize({ width, height });
    await expect(page.getByTestId('face')).toHaveCount(2, { timeout: 15_000 });
    await expect(page.locator('[data-testid="face"][data-emotion=""]')).toHaveCount(0);
    await page.screenshot({ path: testInfo.outputPath(`live-two-faces-${width}x${height}.png`) });
  }
  await expect(page.getByTestId('face')).toHaveCount(1, { timeout: 15_000 });
  await page.screenshot({ path: testInfo.outputPath('live-one-face.png') });

  expect(app.externalRequests).toEqual([]);
});

test('nothing leaves the app: remote requests are refused and none reach the network', async ({ app }) => {
  const { page } = app;
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('face').first()).toBeVisible();
  // MediaPipe's usage logger posts to this address; the page may not reach it, or any other host.
  const outcomes = await page.evaluate(async () => {
    const targets = ['https://odml.pa.googleapis.com/v1/log', 'https://example.com/', 'http://127.0.0.1:9/'];
    return Promise.all(
      targets.map((url) =>
        fetch(url, { method: 'POST', body: 'frame' }).then(
          () => `${url}: reached`,
          () => `${url}: refused`,
        ),
      ),
    );
  });
  expect(
    outcomes.every((outcome) => outcome.endsWith('refused')),
    outcomes.join('\n'),
  ).toBe(true);
  expect(app.externalRequests).toEqual([]);
});

test('a malformed classification payload gets a clear error, and the app keeps working', async ({ app }) => {
  const { page } = app;
  await expect(page.getByTestId('ml-status')).toHaveAttribute('data-state', 'ready');
  const errors = await page.evaluate(async () => {
    const attempts: unknown[] = [
      { faces: new Float32Array(10) },
      { faces: Array.from({ length: 2304 }, () => 0.5) },
      { faces: new Float32Array(2304).fill(Number.NaN) },
      { faces: new Float32Array(2304 * 33) },
      'faces',
    ];
    const messages: string[] = [];
    for (const payload of attempts) {
      try {
        await window.api.classifyFaces(payload as never);
        messages.push('accepted');
      } catch (error) {
        messages.push((error as Error).message);
      }
    }
    const ok = await window.api.classifyFaces({ faces: new Float32Array(2304).fill(0.5) });
    return { messages, probabilities: ok.probabilities.length };
  });
  expect(errors.messages).toEqual([
    expect.stringMatching(/1 to 32 crops of 2304 values; got 10/),
    expect.stringMatching(/must be a Float32Array/),
    expect.stringMatching(/faces\[0\] is NaN/),
    expect.stringMatching(/1 to 32 crops of 2304 values; got 76032/),
    expect.stringMatching(/expects \{ faces: Float32Array \}/),
  ]);
  expect(errors.probabilities).toBe(7);
});

test('the ML process is restarted after a crash and the live view keeps going', async ({ app }) => {
  const { page } = app;
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.locator('[data-testid="face"]:not([data-emotion=""])').first()).toBeVisible();
  await app.killMlHost();
  await expect(page.getByTestId('ml-message')).toContainText('restarted');
  await expect(page.getByTestId('ml-status')).toHaveAttribute('data-state', 'ready');
  // Still labelling faces after the restart: the frame loop never stopped.
  expect(Number(await page.getByTestId('fps').textContent())).toBeGreaterThan(0);
  await expect(page.getByTestId('classify-error')).toHaveCount(0, { timeout: 10_000 });
  await expect(page.locator('[data-testid="face"]:not([data-emotion=""])').first()).toBeVisible();
});

test('a second launch of the app hands over to the first and exits, the first going on', async ({ app }) => {
  test.skip(!app.launchAgain, 'one instance per user-data folder is a matter of the Electron app');
  await expect(app.page.getByTestId('ml-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  expect(await app.launchAgain!()).toBe(0);
  // The first instance is untouched: its page still answers and its classifier still works.
  const status = await app.page.evaluate(() => window.api.getMlStatus());
  expect(status.state).toBe('ready');
  await expect(app.page.getByRole('button', { name: 'Start' })).toBeVisible();
});

test.describe('a room of faces', () => {
  // The chosen model "serves" one face at the camera's rate here, so the clip's two faces make a crowd.
  test.use({ crowdAboveFaces: 1 });

  test('a live frame of more faces than the chosen model serves goes to the fast model, and the panel says so', async ({
    app,
  }) => {
    const { page } = app;
    await expect(page.getByTestId('ml-status')).toHaveAttribute('data-state', 'ready');
    await page.getByRole('button', { name: 'Start' }).click();
    const note = page.getByTestId('crowd-note');
    // The clip's two-face segment: classified by the fast model, said beside the model's name.
    await expect(note).toContainText('2 faces: the fast model classifies them', { timeout: 60_000 });
    await expect(note).toContainText('up to 1');
    // One face again: the chosen model, and no note.
    await expect(note).toHaveCount(0, { timeout: 60_000 });
    await expect(page.getByTestId('model')).toHaveText('default');
  });
});
