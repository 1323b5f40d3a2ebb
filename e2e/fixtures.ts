/**
 * Shared e2e fixtures: one serve host per Playwright worker (started in-process on a fresh data
 * folder, serving the built renderer), and a per-test collector of console errors and page errors that
 * fails the test when any are left at its end (a test that expects one removes it from the list).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { startServeHost, type ServeHost } from '../electron/serve/host';

const rendererDir = resolve('out/renderer');

export const test = base.extend<{ consoleErrors: string[] }, { host: ServeHost }>({
  host: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      if (!existsSync(join(rendererDir, 'index.html')))
        throw new Error(
          `${rendererDir}/index.html is missing: run \`npm run build\` (or build:renderer) before the e2e tests`,
        );
      const dataDir = mkdtempSync(join(tmpdir(), 'nezha-e2e-'));
      const host = await startServeHost({ dataDir, rendererDir, resourcesDir: resolve('resources') });
      await use(host);
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error')
          errors.push(`console.error: ${message.text()} (${message.location().url})`);
      });
      page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
      await use(errors);
      expect(errors, 'the page logged errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Open the app the way a person does: the URL with ?token= that `npm run serve` prints. */
export async function openApp(page: Page, host: ServeHost, hash = '') {
  await page.goto(`${host.url}${hash}`);
  await expect(page.getByRole('navigation', { name: 'Views' })).toBeVisible();
}

/** Drag from character `from` to character `to` of the Annotate text (code point offsets, both included). */
export async function dragChars(page: Page, from: number, to: number) {
  const text = page.getByTestId('annotation-text');
  const a = await text.locator(`[data-cp="${from}"]`).boundingBox();
  const b = await text.locator(`[data-cp="${to}"]`).boundingBox();
  if (!a || !b) throw new Error(`characters ${from}/${to} are not on screen`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2 + b.width / 2, b.y + b.height / 2, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 2 });
  await page.mouse.up();
}
