import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { EMOTIONS } from '../src/shared/emotions';
import { expectAccessible } from './support/axe';
import { expect, test } from './support/app';
import { makeBogusFile, makeLongClip, makePhoto, makeWebmClip, SEGMENT_MS, SEGMENTS } from './support/media';

/** The most frequent value, with every value seen (for the failure message). */
function majority(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

test('analyses a WebM clip into a session whose segments hold the clip’s faces, opens it in History and exports it', async ({
  app,
}, testInfo) => {
  test.skip(!app.bridge, 'needs the test bridge to read the database and answer the save dialog');
  const { page } = app;
  const bridge = app.bridge!;
  const clip = await makeWebmClip(testInfo.outputDir);
  await page.getByRole('button', { name: 'Files', exact: true }).click();
  await page.getByRole('combobox', { name: 'Frames analysed per second of video' }).selectOption('5');
  await page.getByTestId('video-input').setInputFiles(clip);
  const analysis = page.getByTestId('video-analysis');
  await expect(analysis).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('video-result')).toContainText('saved as the session “faces-clip.webm”');

  const [session] = bridge.store.listSessions();
  expect(session).toMatchObject({
    name: 'faces-clip.webm',
    source: { kind: 'video', fileName: 'faces-clip.webm' },
    incomplete: false,
  });
  expect(session.durationMs).toBeCloseTo(7200, -2);
  // Video time, segment by segment: how many faces each analysed frame had, and their labels.
  const samples = [...bridge.store.iterateSamples([session.id])];
  const frames = new Map<number, typeof samples>();
  for (const sample of samples) frames.set(sample.offsetMs, [...(frames.get(sample.offsetMs) ?? []), sample]);
  const found = SEGMENTS.map((_, segment) =>
    [...frames].filter(([offset]) => Math.floor(offset / SEGMENT_MS) === segment).map(([, faces]) => faces),
  );
  SEGMENTS.forEach(({ faces }, segment) => {
    const counts = found[segment].map((frame) => frame.length);
    // A frame on a segment boundary may show its neighbour; the majority shows the segment.
    expect(majority(counts.map(String)), `faces per frame in segment ${segment}: ${counts}`).toBe(
      faces.length === 0 ? '' : String(faces.length),
    );
  });
  const labels = found.map((frames) => frames.map((faces) => EMOTIONS[faces[0].topLabel]));
  const byPosition = (segment: number, side: 'left' | 'right') =>
    found[segment].map((faces) => {
      const sorted = [...faces].sort((a, b) => a.box.x - b.box.x);
      return EMOTIONS[(side === 'left' ? sorted[0] : sorted[sorted.length - 1]).topLabel];
    });
  const seen = SEGMENTS.map((s, i) => `${s.faces.join('+') || 'none'}: ${labels[i].join(' ')}`).join('; ');
  // Most faces get their right labels, the clearest (happy, surprise) always, and each face of the pair its own.
  const right = SEGMENTS.filter((s, i) => s.faces.length === 1 && majority(labels[i]) === s.faces[0]).length;
  expect(right, seen).toBeGreaterThanOrEqual(5);
  expect(majority(labels[3]), seen).toBe('happy');
  expect(majority(labels[6]), seen).toBe('surprise');
  expect(majority(byPosition(7, 'left')), seen).toBe('happy');
  // The right face is the sad segment's image, which the model itself reads as stored no better than
  // angry .30, sad .25, fear .21: any of those, but never its happy neighbour's label.
  expect(['angry', 'sad', 'fear'], seen).toContain(majority(byPosition(7, 'right')));
  testInfo.annotations.push({ type: 'labels per segment', description: seen });

  await page.screenshot({ path: testInfo.outputPath('video-analysed.png') });
  await expectAccessible(page, "Files: a video's analysis");
  await page.getByRole('button', { name: 'Open in History' }).click();
  await expect(page.getByTestId('session-detail')).toBeVisible();
  await expect(page.getByTestId('detail-source')).toContainText('faces-clip.webm');
  await expect(page.getByTestId('timeline-chart').locator('canvas')).toBeVisible();
  // Markers added and moved after the analysis cut the session into segments that follow them.
  const segments = page.getByTestId('segment');
  await expect(segments).toHaveCount(1);
  const addMarker = async (text: string, seconds: string) => {
    await page.getByRole('textbox', { name: 'New marker text' }).fill(text);
    await page.getByRole('spinbutton', { name: 'New marker time in seconds' }).fill(seconds);
    await page.getByRole('button', { name: 'Add marker' }).click();
  };
  await addMarker('smile', '2.4');
  await addMarker('after', '3.2');
  await expect(segments).toHaveCount(3);
  // Frames every 0.2 s: the happy face's 0.8 s are 4 frames, on top in all of them.
  await expect(segments.nth(1)).toHaveAttribute('data-samples', '4');
  await expect(segments.nth(1)).toHaveAttribute('data-dominant', 'happy');
  await expect(segments.nth(1).getByRole('button')).toHaveText('smile');
  await page.getByRole('spinbutton', { name: 'Time of marker after in seconds' }).fill('4');
  await page.getByRole('textbox', { name: 'Text of marker after' }).fill('sad part');
  await page
    .getByTestId('marker')
    .filter({ has: page.getByRole('spinbutton', { name: 'Time of marker after in seconds' }) })
    .getByRole('button', { name: 'Save' })
    .click();
  await expect(segments.nth(2).getByRole('button')).toHaveText('sad part');
  await expect(segments.nth(1)).toHaveAttribute('data-samples', '8'); // happy and neutral now
  expect(bridge.store.markers(session.id).map((m) => [m.text, m.offsetMs])).toEqual([
    ['smile', 2400],
    ['sad part', 4000],
  ]);
  await page.screenshot({ path: testInfo.outputPath('video-session-history.png'), fullPage: true });
  // Choosing a segment zooms the charts to it.
  await segments.nth(1).getByRole('button').click();
  await expect(page.getByTestId('timeline-chart')).toHaveAttribute('data-range', '2.400-4.000');
  await expect(page.getByTestId('affect-chart')).toHaveAttribute('data-range', '2.400-4.000');

  bridge.savePath = path.join(bridge.dir, 'video.csv');
  await page.getByRole('button', { name: 'Export CSV', exact: true }).click();
  await expect(page.getByTestId('export-message')).toContainText(`Saved ${session.samples} samples`);
  const rows = parse(await readFile(bridge.savePath, 'utf8'), { columns: true }) as Record<string, string>[];
  expect(rows.map((row) => Number(row.offset_ms))).toEqual(samples.map((sample) => sample.offsetMs));
});

test('analyses photos with one, two and no faces, refuses a file that is not an image, and exports a row per face', async ({
  app,
}, testInfo) => {
  const { page } = app;
  const dir = testInfo.outputDir;
  const photos = [
    await makePhoto(dir, 13, 'happy.png'),
    await makePhoto(dir, 29, 'pair.jpg'),
    await makePhoto(dir, 33, 'empty.webp'),
    await makePhoto(dir, 25, 'surprise.bmp'),
    await makeBogusFile(dir, 'notes.jpg'),
  ];
  await page.getByRole('button', { name: 'Files', exact: true }).click();
  await page.getByTestId('photo-input').setInputFiles(photos);
  await expect(page.getByTestId('photo-analysis')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
  const card = (name: string) => page.locator(`[data-testid="photo"][data-file="${name}"]`);
  await expect(card('happy.png')).toHaveAttribute('data-faces', '1');
  await expect(card('pair.jpg')).toHaveAttribute('data-faces', '2');
  await expect(card('empty.webp')).toHaveAttribute('data-faces', '0');
  await expect(card('empty.webp').getByTestId('photo-no-face')).toContainText('No face found. Faces narrower than');
  await expect(card('empty.webp').getByTestId('photo-no-face')).toContainText('crop closer to the face');
  await expect(card('surprise.bmp')).toHaveAttribute('data-faces', '1');
  await expect(card('notes.jpg').getByTestId('photo-error')).toContainText(
    '"notes.jpg" cannot be read: it is damaged, or not really a JPEG, PNG, WebP or BMP image',
  );
  await expect(card('happy.png').getByTestId('photo-face')).toHaveAttribute('data-emotion', 'happy');
  await expect(card('surprise.bmp').getByTestId('photo-face')).toHaveAttribute('data-emotion', 'surprise');
  await expect(card('pair.jpg').getByTestId('photo-face')).toHaveCount(2);
  await expect(page.getByTestId('photo-progress')).toContainText('5 of 5 photos · 4 faces');
  await page.screenshot({ path: testInfo.outputPath('photos-analysed.png'), fullPage: true });
  await expectAccessible(page, 'Files: photos analysed');

  // The filter keeps the photos with a face of that emotion.
  // The filter names its choices in words ("A angry face" once).
  await expect(page.getByRole('combobox', { name: 'Filter photos' }).locator('option[value="angry"]')).toHaveText(
    'With a face read as angry',
  );
  await page.getByRole('combobox', { name: 'Filter photos' }).selectOption('surprise');
  await expect(page.getByTestId('photo')).toHaveCount(1);
  await expect(card('surprise.bmp')).toBeVisible();
  await page.getByRole('combobox', { name: 'Filter photos' }).selectOption('none');
  await expect(page.getByTestId('photo')).toHaveCount(2); // the empty photo and the unreadable file

  test.skip(!app.bridge, 'the CSV check needs the test bridge to answer the save dialog');
  const bridge = app.bridge!;
  bridge.savePath = path.join(bridge.dir, 'photos.csv');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  await expect(page.getByTestId('photo-exported')).toContainText('Saved 6 rows');
  const rows = parse(await readFile(bridge.savePath, 'utf8'), { columns: true }) as Record<string, string>[];
  expect(rows.map((row) => [row.file_name, row.faces_in_photo, row.face])).toEqual([
    ['happy.png', '1', '1'],
    ['pair.jpg', '2', '1'],
    ['pair.jpg', '2', '2'],
    ['empty.webp', '0', ''],
    ['surprise.bmp', '1', '1'],
    ['notes.jpg', '0', ''],
  ]);
  expect(rows[0]).toMatchObject({ image_width: '320', image_height: '240', top_emotion: 'happy' });
  expect(
    rows.slice(0, 3).every((row) => Math.abs(EMOTIONS.reduce((sum, e) => sum + Number(row[e]), 0) - 1) < 1e-3),
  ).toBe(true);
});

test('refuses a damaged video with a message naming it, and leaves no session', async ({ app }, testInfo) => {
  const { page } = app;
  const bogus = await makeBogusFile(testInfo.outputDir, 'holiday.webm');
  await page.getByRole('button', { name: 'Files', exact: true }).click();
  await page.getByTestId('video-input').setInputFiles(bogus);
  await expect(page.getByTestId('video-error')).toContainText('"holiday.webm" cannot be analysed');
  await expect(page.getByTestId('video-analysis')).toHaveAttribute('data-phase', 'failed');
  if (app.bridge) expect(app.bridge.store.listSessions()).toEqual([]);
});

test('cancelling a video analysis keeps what was analysed, marked incomplete', async ({ app }, testInfo) => {
  const { page } = app;
  const clip = await makeLongClip(testInfo.outputDir, 5);
  await page.getByRole('button', { name: 'Files', exact: true }).click();
  await page.getByRole('combobox', { name: 'Frames analysed per second of video' }).selectOption('30');
  await page.getByTestId('video-input').setInputFiles(clip);
  const analysis = page.getByTestId('video-analysis');
  await expect(analysis).toHaveAttribute('data-frames', /^([1-9]\d+)$/, { timeout: 120_000 }); // 10 frames or more
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(analysis).toHaveAttribute('data-phase', 'cancelled');
  await expect(page.getByTestId('video-result')).toContainText('marked incomplete');
  if (app.bridge) {
    const [session] = app.bridge.store.listSessions();
    expect(session).toMatchObject({ incomplete: true, source: { fileName: 'faces-long.webm' } });
    expect(session.samples).toBeGreaterThanOrEqual(10);
    expect(session.durationMs).toBeLessThan(session.source!.durationMs);
  }
  await page.getByRole('button', { name: 'Open in History' }).click();
  await expect(page.getByTestId('session-incomplete')).toBeVisible();
});

test('photos dropped on the window open the Files view and are analysed', async ({ app }, testInfo) => {
  const { page } = app;
  const photo = await makePhoto(testInfo.outputDir, 13, 'dropped.png');
  const bytes = (await readFile(photo)).toString('base64');
  // A drop as the system sends it: a DataTransfer holding the file, onto the live view.
  const dataTransfer = await page.evaluateHandle((base64) => {
    const transfer = new DataTransfer();
    const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    transfer.items.add(new File([data], 'dropped.png', { type: 'image/png' }));
    return transfer;
  }, bytes);
  // Held over the window, the files are met with a cue saying they can be dropped.
  await page.dispatchEvent('main', 'dragenter', { dataTransfer });
  await expect(page.getByTestId('drop-overlay')).toBeVisible();
  await page.dispatchEvent('main', 'drop', { dataTransfer });
  await expect(page.getByTestId('drop-overlay')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Files', exact: true })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('photo-analysis')).toHaveAttribute('data-phase', 'done');
  await expect(page.locator('[data-testid="photo"][data-file="dropped.png"]')).toHaveAttribute('data-faces', '1');
});

test('a video is not analysed while a live recording goes on, and the recording is left alone', async ({
  app,
}, testInfo) => {
  const { page } = app;
  const clip = await makeWebmClip(testInfo.outputDir);
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByRole('button', { name: 'Record' }).click();
  await expect(page.getByTestId('recording-state')).toBeVisible();
  await page.getByRole('button', { name: 'Files', exact: true }).click();
  await page.getByTestId('video-input').setInputFiles(clip);
  await expect(page.getByTestId('video-error')).toContainText('is being recorded live: stop it in the Live view');
  await page.getByRole('button', { name: 'Live', exact: true }).click();
  await expect(page.getByTestId('recording-state')).toBeVisible(); // still recording
  if (app.bridge) expect(app.bridge.store.listSessions().map((s) => s.source)).toEqual([undefined]);
});
