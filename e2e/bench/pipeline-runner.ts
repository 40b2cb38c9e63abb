/**
 * Runs scenes through the app's photo analysis in Debian's Chromium (the page half is
 * pipeline-page.ts): shared by `npm run bench:pipeline` and `npm run dataset:framed`.
 */
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { Random } from '../../src/main/ml/training/random';
import { CHROMIUM_ARGS } from '../support/chromium';
import { CHROMIUM, RENDERER_DIR, ROOT } from '../support/paths';
import type { Scene, SceneResult } from './pipeline-page';

/**
 * Face sides in pixels (48: about 2 m from a laptop camera at 640x480; 400: close up at 1280x720)
 * and angles in degrees. The bench draws every face at every side, at an angle that cycles.
 */
export const SIDES = [48, 64, 112, 160, 224, 288, 400];
export const ANGLES = [-30, -20, -10, 0, 0, 10, 20, 30];

/** Scenes handed to the page at a time: small enough for one evaluate's payload, large enough to amortise it. */
const CHUNK = 100;

async function bundlePage(): Promise<string> {
  const outDir = path.join(process.env.EMOTION_MONITOR_CACHE ?? path.join(ROOT, '.cache'), 'bench', 'pipeline');
  mkdirSync(outDir, { recursive: true });
  await build({
    configFile: false,
    logLevel: 'warn',
    resolve: { alias: { '@shared': path.join(ROOT, 'src/shared') } },
    build: {
      outDir,
      emptyOutDir: true,
      lib: { entry: path.join(ROOT, 'e2e/bench/pipeline-page.ts'), formats: ['es'], fileName: () => 'pipeline.js' },
    },
  });
  return path.join(outDir, 'pipeline.js');
}

/**
 * Where a face of `side` pixels goes, turned by `degrees`: a 640x480 frame (or the one asked for)
 * when a face turned 30° fits in it (it needs 1.42 times its side), else 1280x720; the position
 * random, keeping the turned square inside the frame.
 */
export function placeFace(
  face: Uint8Array,
  side: number,
  degrees: number,
  random: Random,
  frame = { frameWidth: 640, frameHeight: 480 },
): Scene {
  const fits = side * 1.42 <= Math.min(frame.frameWidth, frame.frameHeight);
  const { frameWidth, frameHeight } = fits ? frame : { frameWidth: 1280, frameHeight: 720 };
  const margin = side * 0.21;
  return {
    face: Buffer.from(face).toString('base64'),
    x: Math.round(random.uniform(margin, frameWidth - side - margin)),
    y: Math.round(random.uniform(margin, frameHeight - side - margin)),
    side,
    degrees,
    frameWidth,
    frameHeight,
  };
}

/**
 * Runs every scene through the app's pipeline on `pages` pages at once (one per core keeps both
 * busy), `onChunk` seeing each chunk's results as they arrive (so a long run can keep what it
 * has; chunks may finish out of order, `first` says where one starts); returns them all, in order.
 */
export async function runScenes(
  scenes: Scene[],
  onChunk?: (results: SceneResult[], first: number) => void | Promise<void>,
  pages = 1,
): Promise<SceneResult[]> {
  const script = await readFile(await bundlePage());
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext();
    const origin = 'http://pipeline.localhost';
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== origin) return route.abort('blockedbyclient');
      if (url.pathname === '/')
        return route.fulfill({ body: '<script type="module" src="/pipeline.js"></script>', contentType: 'text/html' });
      if (url.pathname === '/pipeline.js') return route.fulfill({ body: script, contentType: 'text/javascript' });
      const file = path.join(RENDERER_DIR, decodeURIComponent(url.pathname));
      if (!url.pathname.startsWith('/mediapipe/') || !file.startsWith(RENDERER_DIR))
        return route.fulfill({ status: 404 });
      const type = file.endsWith('.wasm') ? 'application/wasm' : file.endsWith('.js') ? 'text/javascript' : undefined;
      return route.fulfill({ body: await readFile(file), contentType: type });
    });
    const results: SceneResult[] = new Array(scenes.length);
    let next = 0;
    let done = 0;
    const worker = async () => {
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => document.title === 'pipeline ready');
      for (let start = next; start < scenes.length; start = next) {
        next += CHUNK;
        const chunk = await page.evaluate(
          (batch) =>
            (window as unknown as { pipeline: { run(s: Scene[]): Promise<SceneResult[]> } }).pipeline.run(batch),
          scenes.slice(start, start + CHUNK),
        );
        await onChunk?.(chunk, start);
        results.splice(start, chunk.length, ...chunk);
        done += chunk.length;
        process.stderr.write(`\r${done}/${scenes.length} scenes`);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, pages) }, worker));
    process.stderr.write('\n');
    return results;
  } finally {
    await browser.close();
  }
}
