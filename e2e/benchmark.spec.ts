/**
 * The Benchmark view end to end in Chromium (serve mode, WASM worker): two fixture NER checkpoints (the tiny
 * token-classification checkpoint and a variant whose classifier rows are rotated, so its predictions differ)
 * × two NER slices (People's Daily, MSRA) imported through datasets.import, plus a ChnSentiCorp slice the NER
 * heads are refused for up front. Start, watch progress, cancel, restart the page and resume (the stored
 * predictions are skipped), read the grid, open a cell's details and export the Markdown report.
 * The fixture checkpoints have random weights: the numbers are near chance, which is what is expected.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { APIRequestContext } from '@playwright/test';
import type { ServeHost } from '../electron/serve/host';
import { expect, openApp, test } from './fixtures';

const EXAMPLES = 24;

/** Sentences of a char-per-line file: blocks of `char tag` lines separated by blank lines. */
function sentences(file: string, count: number): string {
  const blocks = readFileSync(file, 'utf8')
    .replace(/\r/g, '')
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter(Boolean)
    .slice(0, count);
  return blocks.join('\n\n') + '\n';
}

/** A copy of the token-classification checkpoint whose classifier rows (and biases) are rotated by one. */
function rotatedClassifierCopy(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
  const file = join(to, 'model.safetensors');
  const bytes = readFileSync(file);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<
    string,
    { shape: number[]; data_offsets: [number, number] }
  >;
  const base = 8 + headerLength;
  for (const name of ['classifier.weight', 'classifier.bias']) {
    const {
      shape,
      data_offsets: [start, end],
    } = header[name];
    const rows = shape[0];
    const rowBytes = (end - start) / rows;
    const original = Buffer.from(bytes.subarray(base + start, base + end));
    for (let r = 0; r < rows; r++) {
      const from = ((r + 1) % rows) * rowBytes;
      original.copy(bytes, base + start + r * rowBytes, from, from + rowBytes);
    }
  }
  writeFileSync(file, bytes);
}

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-benchmark-e2e-'));
  writeFileSync(join(dir, 'pd.txt'), sentences('fixtures/datasets/peoples_daily_ner/example.dev', EXAMPLES));
  writeFileSync(join(dir, 'msra.txt'), sentences('fixtures/datasets/msra_ner/msra_test_bio.txt', EXAMPLES));
  const senti = readFileSync('fixtures/datasets/chnsenticorp/dev.short-slice.tsv', 'utf8').split('\n');
  writeFileSync(join(dir, 'senti.tsv'), senti.slice(0, 21).join('\n') + '\n');
  const tokenClassification = resolve('fixtures/nezha-tiny/token-classification');
  cpSync(tokenClassification, join(dir, 'ner-a'), { recursive: true });
  rotatedClassifierCopy(tokenClassification, join(dir, 'ner-b'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the test imported, removed afterwards: the serve host (and its library) is shared by the worker's tests. */
const imported: { channel: 'checkpoints.remove' | 'datasets.remove'; id: string }[] = [];

test.afterEach(async ({ request, host }) => {
  for (const { channel, id } of imported.splice(0)) await call(request, host, channel, { id });
});

async function call(request: APIRequestContext, host: ServeHost, channel: string, payload: unknown) {
  const response = await request.post(new URL(`/api/${channel}`, host.url).toString(), {
    headers: { Authorization: `Bearer ${host.token}` },
    data: payload,
  });
  const body = (await response.json()) as { ok: boolean; result?: unknown; error?: { message: string } };
  if (!body.ok) throw new Error(`${channel}: ${body.error?.message}`);
  return body.result as Record<string, unknown>;
}

test('benchmark 2 checkpoints × 2 NER datasets: refusals, progress, cancel, resume after a restart, grid, details, Markdown export', async ({
  page,
  host,
  request,
}) => {
  test.setTimeout(180_000);
  const importCheckpoint = async (path: string, name: string) =>
    imported.push({
      channel: 'checkpoints.remove',
      id: String((await call(request, host, 'checkpoints.import', { path, name })).id),
    });
  const importDataset = async (path: string, name: string, task: string) => {
    const summary = await call(request, host, 'datasets.import', { path, name, task });
    imported.push({ channel: 'datasets.remove', id: String((summary.dataset as { id: string }).id) });
  };
  await importCheckpoint(join(dir, 'ner-a'), 'tiny NER A');
  await importCheckpoint(join(dir, 'ner-b'), 'tiny NER B (rotated head)');
  await importDataset(join(dir, 'pd.txt'), 'People’s Daily (24)', 'ner');
  await importDataset(join(dir, 'msra.txt'), 'MSRA (24)', 'ner');
  await importDataset(join(dir, 'senti.tsv'), 'ChnSentiCorp (20)', 'classification');

  await openApp(page, host, '#/benchmark');
  await expect(page.getByTestId('status-backend')).toContainText(/WASM|WebGPU|CPU/);
  const view = page.getByTestId('view-benchmark');
  const setup = view.getByRole('region', { name: 'Run setup' });
  // First start offers the builtin trained models × the builtin gold sets; this test sets up its own run.
  const offered = setup.getByRole('checkbox', { checked: true });
  await expect(offered.nth(1)).toBeVisible();
  while ((await offered.count()) > 0) await offered.first().uncheck();
  for (const name of [
    'tiny NER A',
    'tiny NER B (rotated head)',
    'People’s Daily (24)',
    'MSRA (24)',
    'ChnSentiCorp (20)',
  ])
    await setup.getByLabel(name).check();
  // Small batches: many chunks, so the run can be cancelled part way.
  await setup.getByLabel('Batch size').fill('4');

  // The NER heads cannot classify sentiment: refused up front, with the reason.
  const refused = view.getByTestId('refused-pairs');
  await expect(refused).toContainText('ChnSentiCorp (20)');
  await expect(refused).toContainText('NezhaForSequenceClassification');
  await expect(refused.locator('li')).toHaveCount(2);

  const start = setup.getByRole('button', { name: /^Start \(4 cells\)$/ });
  await expect(start).toBeEnabled();
  await start.click();

  // Progress: examples/s and an ETA on the running cell; then cancel part way.
  const running = view.locator('[data-testid="benchmark-cell"][data-status="running"]');
  await expect(running.getByText(/ex\/s · ETA/)).toBeVisible();
  await expect(running.getByText(/running · ([4-9]|1\d)\/24/)).toBeVisible();
  await setup.getByRole('button', { name: 'Cancel' }).click();
  await expect(view.locator('[data-testid="benchmark-cell"][data-status="running"]')).toHaveCount(0);
  await expect(view.locator('[data-testid="benchmark-cell"][data-status="cancelled"]')).toHaveCount(1);
  const notFinished = await view
    .locator('[data-testid="benchmark-cell"]:not([data-status="finished"]):not([data-status="refused"])')
    .count();
  expect(notFinished).toBeGreaterThan(0);
  // The cancel may land mid-cell or just as the next cell starts (0 done): the count is whatever it reports.
  const cancelledNow = view.locator('[data-testid="benchmark-cell"][data-status="cancelled"]');
  const reported = Number(/(\d+)\/24/.exec((await cancelledNow.textContent()) ?? '')?.[1] ?? 0);

  // A restart: the run's state comes back from the store; the cancelled cell kept every prediction it reported.
  await page.reload();
  await expect(page.getByRole('navigation', { name: 'Views' })).toBeVisible();
  const cancelled = view.locator('[data-testid="benchmark-cell"][data-status="cancelled"]');
  await expect(cancelled).toHaveCount(1);
  const storedText = await cancelled.getByText(/\d+ stored/).textContent();
  const stored = Number(/(\d+) stored/.exec(storedText ?? '')?.[1]);
  expect(stored).toBe(reported);
  const cancelledCheckpoint = await cancelled.getAttribute('data-checkpoint');
  const cancelledDataset = await cancelled.getAttribute('data-dataset');

  await setup.getByRole('button', { name: /^Resume \(\d cells\)$/ }).click();
  await expect(view.locator('[data-testid="benchmark-cell"][data-status="finished"]')).toHaveCount(4, {
    timeout: 90_000,
  });

  // The grid: every finished cell shows value ± half-interval, one best per column, tests vs the best.
  const grid = view.getByTestId('benchmark-grid');
  for (const cell of await grid.locator('[data-status="finished"]').all())
    await expect(cell).toContainText(/\d+\.\d ± \d+\.\d/);
  await expect(grid.getByTestId('best-mark')).toHaveCount(2);
  await expect(
    grid.locator('[data-testid="significance-mark"], [data-testid="not-significant-mark"]'),
  ).toHaveCount(2);
  await expect(grid.locator('[data-status="refused"]')).toHaveCount(2);
  await expect(view.getByTestId('throughput-table').locator('tbody tr')).toHaveCount(4);
  await expect(view.locator('.recharts-surface').first()).toBeVisible();

  // Details of the resumed cell: the stored predictions were skipped, not recomputed.
  await grid
    .getByRole('button', { name: `Details of ${cancelledCheckpoint} on ${cancelledDataset}` })
    .click();
  const details = view.getByTestId('benchmark-details');
  await expect(details).toContainText(`${cancelledCheckpoint} on ${cancelledDataset}`);
  await expect(details.getByTestId('timing-table')).toContainText(
    new RegExp(`${EXAMPLES - stored} in \\d+ batches / ${stored}$`),
  );
  await expect(details.getByTestId('metrics-table')).toContainText('micro-F1');
  await expect(details.getByTestId('per-class-table').locator('tbody tr')).not.toHaveCount(0);
  await expect(details.getByTestId('confusion-matrix')).toBeVisible();
  await expect(details.getByTestId('error-browser').getByTestId('evaluated-example').first()).toBeVisible();
  await expect(details.getByTestId('disagreement-count')).toContainText(
    /\d+ of 24 examples predicted differently/,
  );

  // Export the Markdown report: the paper-like table with intervals, both checkpoints and datasets.
  const comparison = view.getByRole('region', { name: 'Comparison' });
  await comparison.getByLabel('Report format').selectOption('markdown');
  const downloadPromise = page.waitForEvent('download');
  await comparison.getByRole('button', { name: 'Export report' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe('benchmark-report.md');
  const markdown = readFileSync((await download.path())!, 'utf8');
  expect(markdown).toContain('# Benchmark report');
  expect(markdown).toMatch(
    /\| Checkpoint +\| +(MSRA|People’s Daily) \(24\) \(F1\) +\| +(MSRA|People’s Daily) \(24\) \(F1\) +\|/,
  );
  expect(markdown).toContain('People’s Daily (24) (F1)');
  expect(markdown).toContain('MSRA (24) (F1)');
  // Cells are padded so the raw table lines up, and carry the grid's marks (★ best, ▼ p=…, n.s. (p=…)).
  const cell = String.raw` +\**\d+\.\d ± \d+\.\d\**(?: ★ best| ▼ p[=<][\d.]+| n\.s\. \(p=[\d.]+\))? +\|`;
  expect(markdown).toMatch(new RegExp(String.raw`\| tiny NER A +\|${cell}${cell}`));
  expect(markdown).toContain('tiny NER B (rotated head)');
  expect(markdown).toMatch(/\| (wasm|webgpu|cpu)/);
  expect(markdown).not.toContain('ChnSentiCorp');
  writeFileSync(test.info().outputPath('benchmark-report.md'), markdown);

  // The charts take their colours from the theme: in dark mode the axis text follows --text-muted.
  await page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: 'Dark' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const colours = await page.evaluate(() => ({
    muted: getComputedStyle(document.documentElement).getPropertyValue('--text-muted').trim(),
    tick: document.querySelector('.recharts-cartesian-axis-tick-value')?.getAttribute('fill'),
  }));
  expect(colours.tick).toBe(colours.muted);
  await page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: 'System' }).click();
});
