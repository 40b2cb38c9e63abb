import { defineConfig } from '@playwright/test';
import { electronBinary } from './e2e/support/paths';

const electron = electronBinary();
// Said once, by the runner (not by each worker), so a skipped Electron project is never a surprise.
if (!electron.path && process.env.TEST_WORKER_INDEX === undefined) {
  console.log(`Electron specs will be skipped: ${electron.reason}`);
}

/**
 * End-to-end specs (e2e/). The "chromium" project runs the built renderer in Debian's Chromium
 * with a fake webcam and the test bridge; the "electron" project runs the same specs against the
 * real app and reports them skipped where no Electron binary is installed. Build first (npm run build).
 */
export default defineConfig({
  testDir: 'e2e',
  // Only the specs: e2e/support's own *.test.ts are unit tests that vitest runs.
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  // One app at a time: each runs the ML process and MediaPipe on a 2-core machine.
  workers: 1,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'test-results/e2e-report' }]],
  use: { screenshot: 'only-on-failure', trace: 'retain-on-failure' },
  projects: [{ name: 'chromium' }, { name: 'electron' }],
});
