/**
 * Refreshes resources/screenshot.png (referenced from the README): the Checkpoints view in serve
 * mode with the builtin demo NER checkpoint selected. Runs only with NEZHA_SCREENSHOT=1 (see
 * playwright.config.ts), so ordinary test runs never rewrite a tracked file.
 */
import { expect, openApp, test } from './fixtures';

test('screenshot of the Checkpoints view', async ({ page, host }) => {
  await page.setViewportSize({ width: 1280, height: 760 });
  await openApp(page, host, '#/checkpoints');
  await page
    .getByTestId('checkpoint-list')
    .getByRole('button', { name: /NEZHA demo NER/ })
    .click();
  await expect(page.getByTestId('checkpoint-details')).toBeVisible();
  await expect(page.getByTestId('status-backend')).toHaveAttribute('data-backend', /.+/, { timeout: 30_000 });
  await page.screenshot({ path: 'resources/screenshot.png' });
});
