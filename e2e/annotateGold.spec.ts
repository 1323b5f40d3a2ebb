/**
 * Issue 12, "gold is protected", in Chromium against serve mode: a first start opens the text-only sample,
 * not the benchmark gold (Annotate and Train); the builtin gold set is read-only (a label key adds nothing,
 * the main side refuses a hand-made edit), "Annotate a copy" opens an editable copy and the gold stays as it
 * was; the demo model's PER/LOC/ORG on a CLUENER dev slice waits for a label mapping, whose mapped
 * suggestions then show, and which a reload remembers; a reload restores dataset, position and model.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { startServeHost, type ServeHost } from '../electron/serve/host';
import { importDataset } from '../shared/datasets/importDataset';
import type { NerExample } from '../shared/datasets/types';
import { dragChars, expect, openApp, test } from './fixtures';
import { CLUENER2020_LABELS } from '../shared/metrics/cluener2020';

const goldId = 'builtin-peoples-daily-heldout.txt';
const sampleId = 'builtin-peoples-daily-sample.jsonl';
const goldFile = 'resources/datasets/peoples-daily-heldout.txt';
const gold = importDataset(new Uint8Array(readFileSync(goldFile)), { file: goldFile })
  .records as NerExample[];

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-annotate-gold-e2e-'));
  // The first 12 sentences of CLUENER 2020 dev (fixtures/datasets/cluener2020/dev.json).
  const lines = readFileSync('fixtures/datasets/cluener2020/dev.json', 'utf8').split('\n').slice(0, 12);
  writeFileSync(join(dir, 'cluener-dev-12.json'), `${lines.join('\n')}\n`);
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A channel of the host, called the way the app does (what a hand-made request would get). */
async function callApi(request: APIRequestContext, host: ServeHost, channel: string, payload: unknown) {
  const response = await request.post(`${host.origin}/api/${channel}`, {
    headers: { authorization: `Bearer ${host.token}` },
    data: payload ?? {},
  });
  return (await response.json()) as
    { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };
}

async function goldSpans(request: APIRequestContext, host: ServeHost) {
  const page = await callApi(request, host, 'examples.list', { datasetId: goldId, offset: 0, limit: 5 });
  if (!page.ok) throw new Error(page.error.message);
  return (page.result as { items: { spans: { start: number; end: number; label: string }[] }[] }).items.map(
    (e) => e.spans.map((s) => [s.start, s.end, s.label]),
  );
}

async function pickDemoModel(page: Page) {
  const picker = page.getByLabel('Token-classification checkpoint');
  const demo = await picker.locator('option', { hasText: 'NEZHA demo NER' }).getAttribute('value');
  await picker.selectOption(demo ?? 'missing: no NEZHA demo NER option');
  await expect(page.getByTestId('model-status')).toHaveText('Ready', { timeout: 60_000 });
  return demo!;
}

test('a first start opens the sample corpus in Annotate and Train, never the benchmark gold', async ({
  page,
}) => {
  // A host of its own: the shared one remembers where earlier tests left Annotate.
  const dataDir = mkdtempSync(join(tmpdir(), 'nezha-first-start-'));
  const host = await startServeHost({
    dataDir,
    rendererDir: resolve('out/renderer'),
    resourcesDir: resolve('resources'),
  });
  try {
    await openApp(page, host, '#/annotate');
    await expect(page.getByLabel('Dataset', { exact: true })).toHaveValue(sampleId);
    await expect(page.getByTestId('example-position')).toHaveText('#1');
    await expect(page.getByTestId('read-only-banner')).toHaveCount(0);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Train' }).click();
    await expect(page.getByTestId('view-train').getByLabel('Dataset', { exact: true })).toHaveValue(sampleId);
  } finally {
    await page.goto('about:blank');
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the builtin gold set is read-only; "Annotate a copy" gives an editable copy and the gold is unchanged', async ({
  page,
  host,
  request,
}) => {
  const before = await goldSpans(request, host);
  await openApp(page, host, `#/annotate/${goldId}`);
  const banner = page.getByTestId('read-only-banner');
  await expect(banner).toContainText('is a benchmark gold set');
  await expect(page.getByTestId('example-position')).toHaveText('#1');
  const text = page.getByTestId('annotation-text');
  const spans = text.getByTestId('span');
  const count = gold[0].spans.length;
  await expect(spans).toHaveCount(count);

  // Two characters outside every gold span of sentence #1.
  const taken = new Set(
    gold[0].spans.flatMap((s) => Array.from({ length: s.end - s.start }, (_, i) => s.start + i)),
  );
  const free = [...gold[0].text].findIndex((_, i) => !taken.has(i) && !taken.has(i + 1));
  const perKey = await page
    .getByTestId('label-legend')
    .getByRole('button', { name: /PER/ })
    .locator('kbd')
    .innerText();
  await dragChars(page, free, free + 1);
  await page.keyboard.press(perKey);
  await page.keyboard.press('Enter');
  await expect(spans).toHaveCount(count);
  await expect(page.getByTestId('example-position')).toHaveText('#1');
  await expect(page.getByRole('button', { name: /Accept & next/ })).toBeDisabled();

  // A hand-made request is refused by the main side, naming the dataset.
  const firstId = await callApi(request, host, 'examples.list', { datasetId: goldId, offset: 0, limit: 1 });
  const exampleId = firstId.ok ? (firstId.result as { items: { id: number }[] }).items[0].id : -1;
  const refused = await callApi(request, host, 'annotations.apply', {
    exampleId,
    ops: [{ op: 'add', start: free, end: free + 2, label: 'PER' }],
    author: 'e2e',
  });
  expect(refused.ok).toBe(false);
  if (!refused.ok) {
    expect(refused.error.code).toBe('forbidden');
    expect(refused.error.message).toContain("People's Daily NER held-out (348 sentences, gold)");
    expect(refused.error.message).toContain('annotations.apply was refused');
  }

  // One click: a copy opens, editable.
  await banner.getByRole('button', { name: 'Annotate a copy' }).click();
  await expect(page).not.toHaveURL(new RegExp(goldId.replace(/\./g, '\\.')));
  await expect(page.getByTestId('read-only-banner')).toHaveCount(0);
  await expect(page.getByLabel('Dataset', { exact: true }).locator('option:checked')).toContainText('(copy)');
  await expect(page.getByTestId('example-position')).toHaveText('#1');
  await expect(spans).toHaveCount(count);
  await dragChars(page, free, free + 1);
  await page.keyboard.press(perKey);
  await expect(spans).toHaveCount(count + 1);
  await expect(page.getByTestId('save-indicator')).toHaveText('Saved');

  expect(await goldSpans(request, host)).toEqual(before);
});

test('label mapping: the demo model on CLUENER dev waits for a mapping, then suggests CLUENER labels', async ({
  page,
  host,
  request,
}) => {
  test.setTimeout(150_000);
  await openApp(page, host, '#/datasets');
  await page.getByLabel('Dataset file').fill(join(dir, 'cluener-dev-12.json'));
  await page.getByLabel('Name (optional)').fill('CLUENER dev (12)');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('import-result')).toContainText('12 examples');
  await page.getByTestId('import-result').getByRole('button', { name: 'Open in Annotate' }).click();
  await expect(page.getByTestId('example-position')).toHaveText('#1');
  const datasetId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]);

  await pickDemoModel(page);
  const step = page.getByTestId('label-mapping');
  await expect(step).toBeVisible();
  // No CLUENER label is named PER, LOC or ORG: nothing is pre-filled, nothing is suggested or stored.
  for (const type of ['PER', 'LOC', 'ORG'])
    await expect(step.getByLabel(`Dataset label for ${type}`)).toHaveValue('');
  await expect(page.getByTestId('suggestions')).toHaveCount(0);
  const stored = await callApi(request, host, 'examples.list', { datasetId, offset: 0, limit: 12 });
  expect(
    stored.ok &&
      (stored.result as { items: { modelSpans: unknown[] }[] }).items.every((e) => e.modelSpans.length === 0),
  ).toBe(true);

  await step.getByLabel('Dataset label for PER').selectOption('name');
  await step.getByLabel('Dataset label for LOC').selectOption('address');
  await step.getByLabel('Dataset label for ORG').selectOption('organization');
  await step.getByRole('button', { name: 'Use this mapping' }).click();
  const summary = page.getByTestId('label-mapping-summary');
  for (const pair of ['PER → name', 'LOC → address', 'ORG → organization'])
    await expect(summary).toContainText(pair);

  // #1: 彭小军认为，国内银行现在走的是台湾的发卡模式… — suggestions carry CLUENER labels only.
  const suggestions = page.getByTestId('suggestions').locator('li');
  await expect(suggestions.first()).toBeVisible({ timeout: 30_000 });
  const labels = await suggestions.evaluateAll((items) =>
    items.map((li) => li.querySelector('.muted')!.textContent!.split(' ')[0]),
  );
  expect(labels.length).toBeGreaterThan(0);
  for (const label of labels) expect(CLUENER2020_LABELS).toContain(label);

  // After a reload: same dataset and model, the mapping is not asked again.
  await page.reload();
  await expect(page.getByTestId('model-status')).toHaveText('Ready', { timeout: 60_000 });
  await expect(page.getByTestId('label-mapping-summary')).toBeVisible();
  await expect(page.getByTestId('label-mapping')).toHaveCount(0);
  await expect(suggestions.first()).toBeVisible();
});

test('a reload restores the dataset, the position and the model', async ({ page, host }) => {
  test.setTimeout(120_000);
  await openApp(page, host, `#/annotate/${sampleId}`);
  await expect(page.getByTestId('example-position')).toHaveText('#1');
  for (let i = 0; i < 3; i++) await page.keyboard.press('j');
  await expect(page.getByTestId('example-position')).toHaveText('#4');
  const demo = await pickDemoModel(page);

  // A fresh page on plain #/annotate (no dataset in the URL), as after a restart.
  await page.goto(`${host.url}#/annotate`);
  await expect(page.getByLabel('Dataset', { exact: true })).toHaveValue(sampleId);
  await expect(page.getByTestId('example-position')).toHaveText('#4');
  await expect(page.getByLabel('Token-classification checkpoint')).toHaveValue(demo);
  await expect(page.getByTestId('model-status')).toHaveText('Ready', { timeout: 60_000 });

  // Leave the sample at #1 with no model picked for the tests after this one (they share the host).
  for (let i = 0; i < 3; i++) await page.keyboard.press('k');
  await expect(page.getByTestId('example-position')).toHaveText('#1');
  await page.getByLabel('Token-classification checkpoint').selectOption('');
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'none');
});
