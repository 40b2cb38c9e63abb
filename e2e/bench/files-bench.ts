/**
 * File analysis speed (`npm run bench:files`): the built app in Debian's Chromium analyses WebM clips
 * (made here with ImageMagick and ffmpeg from FER2013 test faces, with temporal noise so every frame
 * decodes as real footage does) through its Files view, every frame (30 per second of video).
 * Reports frames analysed per second at 640x480 and 1280x720 with one and two faces, and the wall
 * time of a one-minute 640x480 clip at 5 and 30 frames per second; ends with one JSON line.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { ROOT } from '../support/paths';
import { openLiveApp } from './live-app';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: path.resolve(ROOT, '../shared/fer2013') },
    seconds: { type: 'string', default: '10' },
  },
});
const FACES = ['happy/PublicTest_10248771.jpg', 'sad/PublicTest_10404299.jpg'];
const dir = path.join(process.env.EMOTION_MONITOR_CACHE ?? path.join(ROOT, '.cache'), 'bench', 'files');
mkdirSync(dir, { recursive: true });

/** A clip of `faces` FER2013 faces side by side on grey, `seconds` long at 30 fps. */
async function makeClip(width: number, height: number, faces: number, seconds: number): Promise<string> {
  const side = Math.round(height * (faces === 1 ? 0.5 : 0.4));
  const gap = Math.round((width - faces * side) / (faces + 1));
  const still = path.join(dir, `still-${width}x${height}-${faces}.png`);
  const args = ['-size', `${width}x${height}`, 'xc:gray(128)'];
  for (let i = 0; i < faces; i++) {
    const x = gap + i * (side + gap);
    const y = Math.round((height - side) / 2);
    args.push('(', path.join(values.data!, 'test', FACES[i]), '-filter', 'Lanczos', '-resize', `${side}x${side}!`, ')');
    args.push('-geometry', `+${x}+${y}`, '-composite');
  }
  await run('convert', [...args, '-colorspace', 'sRGB', '-type', 'TrueColor', still]);
  const clip = path.join(dir, `clip-${width}x${height}-${faces}-${seconds}s.webm`);
  await run('ffmpeg', [
    '-loglevel',
    'error',
    '-y',
    '-loop',
    '1',
    '-i',
    still,
    '-t',
    String(seconds),
    '-r',
    '30',
    '-vf',
    'noise=alls=12:allf=t',
    '-c:v',
    'libvpx',
    '-b:v',
    '2M',
    '-g',
    '60',
    '-an',
    clip,
  ]);
  return clip;
}

interface Result {
  clip: string;
  framesPerSecondOfVideo: number;
  frames: number;
  seconds: number;
  framesAnalysedPerSecond: number;
  facesPerFrame: number;
  msPerFrame: Record<string, number>;
}

const app = await openLiveApp();
const results: Result[] = [];
try {
  const { page, bridge } = app;
  await page.getByRole('button', { name: 'Files', exact: true }).click();
  const analyse = async (clip: string, rate: number, faces: number) => {
    await page.getByRole('combobox', { name: 'Frames analysed per second of video' }).selectOption(String(rate));
    const started = performance.now();
    await page.getByTestId('video-input').setInputFiles(clip);
    const analysis = page.getByTestId('video-analysis');
    await analysis.and(page.locator('[data-phase="done"], [data-phase="failed"]')).waitFor({ timeout: 1_800_000 });
    const seconds = (performance.now() - started) / 1000;
    if ((await analysis.getAttribute('data-phase')) !== 'done') {
      throw new Error(`${clip}: ${await page.getByTestId('video-error').textContent()}`);
    }
    const frames = Number(await analysis.getAttribute('data-frames'));
    const spent = JSON.parse((await analysis.getAttribute('data-spent')) ?? '{}') as Record<string, number>;
    const perFrame = Object.fromEntries(
      Object.entries(spent).map(([key, ms]) => [key, Math.round((ms / frames) * 10) / 10]),
    );
    const [session] = bridge.store.listSessions();
    const result = {
      clip: path.basename(clip),
      framesPerSecondOfVideo: rate,
      frames,
      seconds: Math.round(seconds * 10) / 10,
      framesAnalysedPerSecond: Math.round((frames / seconds) * 10) / 10,
      facesPerFrame: Math.round((session.samples / frames) * 100) / 100,
      msPerFrame: perFrame,
    };
    if (result.facesPerFrame < faces * 0.95)
      throw new Error(`${clip}: faces were missed (${result.facesPerFrame} per frame)`);
    console.log(
      `${result.clip.padEnd(34)} ${String(rate).padStart(2)}/s of video: ${frames} frames in ${result.seconds} s = ${result.framesAnalysedPerSecond} frames/s (per frame: seek ${perFrame.seekMs} ms, detect ${perFrame.detectMs}, classify ${perFrame.classifyMs})`,
    );
    results.push(result);
  };
  const seconds = Number(values.seconds);
  for (const [width, height] of [
    [640, 480],
    [1280, 720],
  ]) {
    for (const faces of [1, 2]) await analyse(await makeClip(width, height, faces, seconds), 30, faces);
  }
  const minute = await makeClip(640, 480, 1, 60);
  await analyse(minute, 5, 1);
  await analyse(minute, 30, 1);
  if (app.externalRequests.length > 0) throw new Error(`requests left the app: ${app.externalRequests.join(', ')}`);
} finally {
  await app.close();
}
console.log(JSON.stringify({ files: results }));
