import { defineConfig } from '@playwright/test';

/**
 * End-to-end specs (e2e/). The "chromium" project runs the built renderer in Debian's Chromium
 * with a fake webcam and the test bridge; the "electron" project runs the same specs against the
 * real app and reports them skipped where no Electron binary is installed. Build first (npm run build).
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  // One app at a time: each runs the ML process and MediaPipe on a 2-core machine.
  workers: 1,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'test-results/e2e-report' }]],
  use: { screenshot: 'only-on-failure', trace: 'retain-on-failure' },
  projects: [{ name: 'chromium' }, { name: 'electron' }],
});
