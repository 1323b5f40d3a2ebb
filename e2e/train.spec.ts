/**
 * The Train view end to end in Chromium against serve mode (WASM backend): import the fixture
 * token-classification checkpoint and 20 People's Daily sentences, fine-tune for a handful of steps in the
 * inference worker, watch the loss curve grow, pause, reload the page (the renderer restarts; the run and its
 * state snapshot live on the main side), resume from the saved state to the end, and find the trained
 * checkpoint in the Checkpoints view. NEZHA_SCREENSHOT=1 saves resources/screenshot-train.png mid-run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, openApp, test } from './fixtures';

const source = readFileSync('fixtures/datasets/peoples_daily_ner/example.dev', 'utf8');
const sentences = source
  .replace(/\r/g, '')
  .split(/\n\s*\n/)
  .filter((b) => b.trim())
  .slice(0, 20);

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-train-e2e-'));
  writeFileSync(join(dir, 'pd20.txt'), `${sentences.join('\n\n')}\n`);
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lossPoints = async (page: Page) =>
  Number(await page.getByTestId('train-loss-chart').getAttribute('data-points'));

test('train: fine-tune the tiny NER checkpoint, pause, reload, resume, result in Checkpoints', async ({
  page,
  host,
}) => {
  test.setTimeout(240_000);
  await openApp(page, host, '#/checkpoints');
  const importForm = page.getByRole('form', { name: 'Import a checkpoint' });
  await importForm.getByLabel('Checkpoint folder').fill(resolve('fixtures/nezha-tiny/token-classification'));
  await importForm.getByLabel('Name (optional)').fill('tiny NER');
  await importForm.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByRole('region', { name: 'Checkpoint list' })).toContainText('tiny NER');

  const nav = page.getByRole('navigation', { name: 'Views' });
  await nav.getByRole('link', { name: 'Datasets' }).click();
  await page.getByLabel('Dataset file').fill(join(dir, 'pd20.txt'));
  await page.getByLabel('Name (optional)').fill('PD 20');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('import-result')).toContainText('20 examples');

  await nav.getByRole('link', { name: 'Train' }).click();
  const view = page.getByTestId('view-train');
  await expect(view).toBeVisible();
  await view.getByLabel('Checkpoint', { exact: true }).selectOption({ label: 'tiny NER' });
  await view.getByLabel('Task', { exact: true }).selectOption('token-classification');
  await view.getByLabel('Dataset', { exact: true }).selectOption({ label: 'PD 20 (20)' });
  await view.getByLabel('Result name', { exact: true }).fill('tiny NER trained');
  // The HF defaults are shown before anything is changed.
  await expect(view.getByLabel('Learning rate', { exact: true })).toHaveValue('0.00005');
  await expect(view.getByLabel('Epochs', { exact: true })).toHaveValue('3');
  await expect(view.getByLabel('Optimizer', { exact: true })).toHaveValue('adamw');
  await view.getByLabel('Learning rate', { exact: true }).fill('0.005');
  await view.getByLabel('Max steps (0 = epochs)', { exact: true }).fill('24');
  await view.getByLabel('Batch size', { exact: true }).fill('4');
  // Long enough that the pause lands mid-run even where steps are fast: snapshots reach the main side
  // a few steps behind the run, and the test pauses only once one has arrived.
  await view.getByLabel('Evaluate every N steps (0 = epoch)', { exact: true }).fill('8');
  await view.getByLabel('Save state every N steps', { exact: true }).fill('2');
  await view.getByLabel('Max sequence length', { exact: true }).fill('64');
  await view.getByTestId('train-start').click();

  // Live: the job line, the precision note and a growing loss curve.
  await expect(view.getByTestId('train-job')).toContainText('NezhaForTokenClassification', {
    timeout: 60_000,
  });
  await expect(view.getByTestId('train-precision')).toContainText('fp32 used');
  await expect.poll(() => lossPoints(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
  const before = await lossPoints(page);
  await expect.poll(() => lossPoints(page), { timeout: 60_000 }).toBeGreaterThan(before);
  if (process.env.NEZHA_SCREENSHOT) {
    await expect.poll(() => view.getByTestId('train-dev-chart').getAttribute('data-points')).not.toBe('0');
    // A tall window so the form, the live numbers and both curves are in one picture.
    await page.setViewportSize({ width: 1280, height: 1500 });
    await page.screenshot({ path: 'resources/screenshot-train.png' });
    await page.setViewportSize({ width: 1280, height: 800 });
  }

  // Periodic state snapshots reach the main side while the run goes on.
  await expect(view.getByTestId('train-saved-step')).toHaveText(/^\d+$/, { timeout: 60_000 });
  await view.getByTestId('train-pause').click();
  await expect(view.getByTestId('train-phase')).toHaveText('paused', { timeout: 60_000 });
  const pausedAt = Number((await view.getByTestId('train-step').textContent())!.split('/')[0]);
  expect(pausedAt).toBeGreaterThanOrEqual(3);
  expect(pausedAt).toBeLessThan(24);
  await expect(view.getByTestId('train-saved-step')).toHaveText(String(pausedAt));

  // A restart of the renderer: the run is listed from the main side and resumes from its saved state.
  await page.reload();
  await expect(view).toBeVisible();
  const row = view.getByTestId('train-runs').getByRole('row', { name: /tiny NER trained/ });
  await expect(row).toContainText('paused');
  await expect(row).toContainText(`${pausedAt} / 24`);
  await row.getByRole('button', { name: 'Resume' }).click();
  await expect(view.getByTestId('train-phase')).toHaveText('finished', { timeout: 120_000 });
  await expect(view.getByTestId('train-message')).toContainText(
    '“tiny NER trained” is in the checkpoint library',
  );
  expect(await lossPoints(page)).toBe(24);
  expect(Number(await view.getByTestId('train-dev-chart').getAttribute('data-points'))).toBe(3);

  await view.getByRole('button', { name: /Open “tiny NER trained” in Checkpoints/ }).click();
  const list = page.getByRole('region', { name: 'Checkpoint list' });
  await expect(list).toContainText('tiny NER trained');
  await expect(page.getByRole('region', { name: 'Checkpoint details' })).toContainText(
    'NezhaForTokenClassification',
  );
});
