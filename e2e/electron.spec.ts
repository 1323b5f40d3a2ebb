/**
 * Desktop smoke test: launches the built app with Playwright's Electron driver where an Electron
 * binary is installed, and checks the window's security model. The electron npm package downloads
 * its binary lazily, which needs network access, so on offline machines this reports SKIPPED.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

/**
 * The installed Electron binary, found the way the electron package's index.js does (path.txt
 * names it under dist/), but without requiring that file: it would start a download when the
 * binary is missing, which hangs or fails offline.
 */
function electronBinary(): string | null {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(packageDir, 'dist');
  const binary = join(distDir, relative);
  return existsSync(binary) ? binary : null;
}

const binary = electronBinary();

test('the desktop app opens its window with context isolation and the sandbox on', async () => {
  test.skip(
    binary === null,
    'Electron binary not installed: the electron package downloads it on first run, which needs network access; run `npx electron --version` once where the network allows',
  );
  test.skip(!existsSync('out/main/main.js'), 'out/main/main.js is missing: run `npm run build` first');
  const app = await electron.launch({
    args: ['.', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    executablePath: binary!,
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
