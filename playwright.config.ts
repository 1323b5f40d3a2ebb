import { defineConfig } from '@playwright/test';

/**
 * Browser e2e tests against serve mode, in the system's Debian Chromium (no Playwright browser
 * download), plus an Electron smoke test that runs only where an Electron binary is installed.
 * Run after `npm run build` (`npm test` does): the serve host serves out/renderer.
 *
 * NEZHA_SCREENSHOT=1 adds the project that refreshes resources/screenshot.png for the README.
 */
const chromiumArgs = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-unsafe-webgpu',
];

const chromium = {
  browserName: 'chromium' as const,
  headless: true,
  launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs },
  viewport: { width: 1280, height: 800 },
};

export default defineConfig({
  testDir: 'e2e',
  workers: 1,
  fullyParallel: false,
  // The list, then why each skipped test was skipped (the list reporter shows only that it was).
  reporter: [['list'], ['./scripts/playwright/skipReasonReporter.ts']],
  timeout: 60_000,
  expect: { timeout: 15_000 },
  forbidOnly: Boolean(process.env.CI),
  use: { trace: 'retain-on-failure' },
  projects: [
    { name: 'chromium', testIgnore: ['electron.spec.ts', 'screenshot.spec.ts'], use: chromium },
    { name: 'electron', testMatch: 'electron.spec.ts' },
    ...(process.env.NEZHA_SCREENSHOT
      ? [{ name: 'screenshot', testMatch: 'screenshot.spec.ts', use: chromium }]
      : []),
  ],
});
