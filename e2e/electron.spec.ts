/**
 * Desktop smoke test: launches the built app with Playwright's Electron driver where an Electron
 * binary is installed, and checks the window's security model. The electron npm package downloads
 * its binary lazily, which needs network access, so on offline machines this reports SKIPPED.
 */
import { existsSync } from 'node:fs';
import { _electron as electron, expect, test } from '@playwright/test';
import { findElectronBinary } from '../electron/cli/electronBinary';

/** Found without requiring the electron package, which would start a download when the binary is missing. */
const binary = findElectronBinary();

test('the desktop app opens its window with context isolation and the sandbox on', async () => {
  if (!binary.found) {
    test.skip(true, `Electron ${binary.version ?? ''} binary not installed: ${binary.reason}`);
    return; // not reached: test.skip ends the test; this narrows `binary` for TypeScript
  }
  test.skip(!existsSync('out/main/main.js'), 'out/main/main.js is missing: run `npm run build` first');
  const app = await electron.launch({
    args: ['.', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    executablePath: binary.path,
  });
  try {
    const window = await app.firstWindow();
    await expect(window.getByRole('navigation', { name: 'Views' })).toBeVisible({ timeout: 30_000 });
    const globals = await window.evaluate(() => {
      const page = window as unknown as {
        require?: unknown;
        process?: unknown;
        nezha?: { request?: unknown };
      };
      return {
        require: typeof page.require,
        process: typeof page.process,
        nezha: typeof page.nezha,
        request: typeof page.nezha?.request,
      };
    });
    expect(globals).toEqual({
      require: 'undefined',
      process: 'undefined',
      nezha: 'object',
      request: 'function',
    });
    await expect(window.getByTestId('status-host')).toHaveText('Electron');
  } finally {
    await app.close();
  }
});
