/**
 * One fixture, two hosts: the built renderer in Debian's Chromium with the test bridge (every
 * machine), and the real Electron app (where an Electron binary is installed). Both feed the
 * camera from ../shared/fixtures/faces-320x240.y4m and record every request that is not the app's own.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron, chromium, test as base, type Page } from '@playwright/test';
import { APP_ORIGIN } from '../../src/main/security';
import { appOrigin, CHROMIUM_ARGS, routeApp } from './chromium';
import { startTestBridge, type TestBridge } from './test-bridge';
import { APP_DIR, CHROMIUM, electronBinary, fakeCameraVideo } from './paths';

export interface AppOptions {
  /** Chromium only: launch without a camera, or with camera permission refused. */
  camera: 'fake' | 'none' | 'denied';
  /**
   * Writes the sessions database the app starts with (a damaged one, say); absent: a new one. An
   * object, since Playwright takes a function given to test.use for a fixture of its own.
   */
  seedDatabase: { write: (file: string) => void } | undefined;
  /** Chromium only: from how many faces on the fast model classifies live frames (default: measured). */
  crowdAboveFaces: number | undefined;
}

export interface AppHandle {
  host: 'chromium' | 'electron';
  page: Page;
  /** Requests to anything but the app itself (none should ever happen). */
  externalRequests: string[];
  /** Ends the ML process as a crash would. */
  killMlHost(): Promise<void>;
  /** In Chromium, the test bridge: its session database and the stand-in for the save dialog. */
  bridge?: TestBridge;
  /** In Electron, launches the app a second time with the same user data; resolves with its exit code. */
  launchAgain?: () => Promise<number | null>;
}

export const test = base.extend<AppOptions & { app: AppHandle }>({
  camera: ['fake', { option: true }],
  seedDatabase: [undefined, { option: true }],
  crowdAboveFaces: [undefined, { option: true }],
  app: async ({ camera, seedDatabase, crowdAboveFaces }, use, testInfo) => {
    if (testInfo.project.name === 'electron') {
      const electron = electronBinary();
      test.skip(!electron.path, `Electron specs skipped: ${electron.reason}`);
      test.skip(camera !== 'fake', 'camera states other than the fake camera are exercised in Chromium');
      test.skip(crowdAboveFaces !== undefined, 'the crowd threshold is set through the test bridge');
      const userData = await mkdtemp(path.join(tmpdir(), 'emotion-monitor-electron-'));
      seedDatabase?.write(path.join(userData, 'sessions.db'));
      const env = {
        ...process.env,
        EMOTION_MONITOR_FAKE_CAMERA: fakeCameraVideo(),
        EMOTION_MONITOR_DB: path.join(userData, 'sessions.db'),
        EMOTION_MONITOR_USER_DATA: userData,
      };
      const app = await _electron.launch({ executablePath: electron.path, args: [APP_DIR], env });
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
        launchAgain: () =>
          new Promise((resolve, reject) => {
            const second = spawn(electron.path!, [APP_DIR], { env, stdio: 'ignore' });
            second.once('error', reject);
            second.once('exit', (code) => resolve(code));
          }),
      });
      await app.close();
      await rm(userData, { recursive: true, force: true });
      return;
    }

    const args = [...CHROMIUM_ARGS];
    if (camera === 'fake') args.push('--use-fake-ui-for-media-stream');
    if (camera !== 'none') {
      args.push('--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${fakeCameraVideo()}`);
    }
    const browser = await chromium.launch({ executablePath: CHROMIUM, args });
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const seeded =
      seedDatabase && path.join(await mkdtemp(path.join(tmpdir(), 'emotion-monitor-seed-')), 'sessions.db');
    if (seeded) seedDatabase.write(seeded);
    const bridge = await startTestBridge({ dbFile: seeded, crowdAboveFaces });
    const origin = appOrigin(bridge.port);
    const externalRequests = await routeApp(context, origin);
    const page = await context.newPage();
    await bridge.attach(page);
    await page.goto(`${origin}/index.html`);
    await use({
      host: 'chromium',
      page,
      externalRequests,
      killMlHost: async () => bridge.killMlHost(),
      bridge,
    });
    await browser.close();
    await bridge.dispose();
    if (seeded) await rm(path.dirname(seeded), { recursive: true, force: true });
  },
});

export { expect } from '@playwright/test';
