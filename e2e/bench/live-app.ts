/**
 * The built app in Debian's Chromium with a clip as its webcam and the test bridge behind it,
 * ready and started: what the live benchmarks measure.
 */
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { appOrigin, CHROMIUM_ARGS, routeApp } from '../support/chromium';
import { CHROMIUM } from '../support/paths';
import { startTestBridge, type TestBridge } from '../support/test-bridge';

export interface LiveApp {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  bridge: TestBridge;
  /** Requests that tried to leave the app (refused); a benchmark fails if there are any. */
  externalRequests: string[];
  close(): Promise<void>;
}

/**
 * Opens the app with `video` (a .y4m file) as the camera and presses Start; without one, no camera.
 * `settings`: the page's stored preferences to start with (settings.ts), say a camera resolution.
 */
export async function openLiveApp(video?: string, settings: Record<string, unknown> = {}): Promise<LiveApp> {
  const camera = video
    ? [
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${video}`,
      ]
    : [];
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...camera] });
  const bridge = await startTestBridge();
  const close = async () => {
    await browser.close();
    await bridge.dispose();
  };
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const origin = appOrigin(bridge.port);
    const externalRequests = await routeApp(context, origin);
    const page = await context.newPage();
    await bridge.attach(page);
    await page.addInitScript((stored) => {
      for (const [name, value] of Object.entries(stored))
        localStorage.setItem(`emotion-monitor.${name}`, JSON.stringify(value));
    }, settings);
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    await page.goto(`${origin}/index.html`);
    await page.getByTestId('ml-status').and(page.locator('[data-state="ready"]')).waitFor();
    if (video) await page.getByRole('button', { name: 'Start' }).click();
    return { browser, context, page, bridge, externalRequests, close };
  } catch (error) {
    await close();
    throw error;
  }
}
