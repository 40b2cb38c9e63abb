/**
 * One fixture, two hosts: the built renderer in Debian's Chromium with the test bridge (every
 * machine), and the real Electron app (where an Electron binary is installed). Both feed the
 * camera from ../shared/fixtures/faces-320x240.y4m and record every request that is not the app's own.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { _electron, chromium, test as base, type Page } from '@playwright/test';
import { APP_ORIGIN } from '../../src/main/security';
import { installTestBridge } from './test-bridge';
import { CHROMIUM, electronBinary, FAKE_CAMERA_VIDEO, MAIN_ENTRY, RENDERER_DIR } from './paths';

/** Where the renderer is served in Chromium: a .localhost name is a secure context, and every request to it is answered by the test itself. */
export const CHROMIUM_APP_ORIGIN = 'http://emotion-monitor.localhost';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.tflite': 'application/octet-stream',
};

export interface AppOptions {
  /** Chromium only: launch without a camera, or with camera permission refused. */
  camera: 'fake' | 'none' | 'denied';
}

export interface AppHandle {
  host: 'chromium' | 'electron';
  page: Page;
  /** Requests to anything but the app itself (none should ever happen). */
  externalRequests: string[];
  /** Ends the ML process as a crash would. */
  killMlHost(): Promise<void>;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const test = base.extend<AppOptions & { app: AppHandle }>({
  camera: ['fake', { option: true }],
  app: async ({ camera }, use, testInfo) => {
    if (testInfo.project.name === 'electron') {
      const electron = electronBinary();
      test.skip(!electron.path, `Electron specs skipped: ${electron.reason}`);
      test.skip(camera !== 'fake', 'camera states other than the fake camera are exercised in Chromium');
      const app = await _electron.launch({
        executablePath: electron.path,
        args: [MAIN_ENTRY],
        env: { ...process.env, EMOTION_MONITOR_FAKE_CAMERA: FAKE_CAMERA_VIDEO },
      });
      const page = await app.firstWindow();
      const externalRequests: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(APP_ORIGIN)) externalRequests.push(request.url());
      });
      await use({
        host: 'electron',
        page,
        externalRequests,
        killMlHost: async () => {
          const pid = await app.evaluate(
            ({ app: electronApp }) =>
              electronApp.getAppMetrics().find((m) => m.serviceName === 'Emotion Monitor ML')?.pid,
          );
          if (pid) process.kill(pid, 'SIGKILL');
        },
      });
      await app.close();
      return;
    }

    const args = [...CHROMIUM_ARGS];
    if (camera === 'fake') args.push('--use-fake-ui-for-media-stream');
    if (camera !== 'none') {
      args.push('--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${FAKE_CAMERA_VIDEO}`);
    }
    const browser = await chromium.launch({ executablePath: CHROMIUM, args });
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const externalRequests: string[] = [];
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== CHROMIUM_APP_ORIGIN) {
        externalRequests.push(url.href);
        return route.abort('blockedbyclient');
      }
      const file = path.join(RENDERER_DIR, url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname));
      if (!file.startsWith(RENDERER_DIR + path.sep)) return route.fulfill({ status: 404 });
      try {
        const body = await readFile(file);
        return route.fulfill({
          status: 200,
          body,
          contentType: CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
        });
      } catch {
        return route.fulfill({ status: 404 });
      }
    });
    const page = await context.newPage();
    const bridge = await installTestBridge(page);
    await page.goto(`${CHROMIUM_APP_ORIGIN}/index.html`);
    await use({
      host: 'chromium',
      page,
      externalRequests,
      killMlHost: async () => bridge.killMlHost(),
    });
    bridge.dispose();
    await browser.close();
  },
});

export { expect } from '@playwright/test';
