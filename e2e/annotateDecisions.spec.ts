/**
 * Decisions are data, exports say what is known, undo is per annotator (issue 12), end to end in Chromium
 * against serve mode with the built-in demo checkpoint:
 * - rejected suggestions stay rejected after a reload (and with "No model" none are shown); Enter (accept
 *   all and next) then adds only the pending ones;
 * - exports of "done only" and "all with status" in JSONL spans, Label Studio and BIO, the files checked;
 * - A's undo leaves B's edit.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { ServeHost } from '../electron/serve/host';
import { dragChars, expect, openApp, test } from './fixtures';

const source = readFileSync('fixtures/datasets/peoples_daily_ner/example.dev', 'utf8');
/** The sentences of People's Daily, as text only (the corpus to annotate has no entities yet). */
const sentences = source
  .replace(/\r/g, '')
  .split(/\n\s*\n/)
  .map((block) =>
    block
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[0])
      .filter(Boolean)
      .join(''),
  )
  .filter(Boolean);

// Each test walks through several imports, reloads and exports (and the first loads the model twice): on a
// shared 2-core box under load that is more than the default minute.
test.describe.configure({ timeout: 180_000 });

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-decisions-e2e-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Imports `texts` as a text-only JSONL corpus named `name` and opens it in Annotate on #1; with `host`,
 * gives it the People's Daily labels (a file with no entities has none) and reloads.
 */
async function importTexts(page: Page, name: string, texts: string[], host?: ServeHost) {
  const file = join(dir, `${name}.jsonl`);
  writeFileSync(file, texts.map((text) => JSON.stringify({ text, spans: [] })).join('\n') + '\n');
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Datasets' }).click();
  await page.getByLabel('Dataset file').fill(file);
  await page.getByLabel('Name (optional)').fill(name);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('import-result')).toContainText(`${texts.length} examples`);
  await page.getByTestId('import-result').getByRole('button', { name: 'Open in Annotate' }).click();
  await expect(page.getByTestId('example-position')).toHaveText('#1');
  if (!host) return;
  const datasetId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]);
  const response = await page.request.post(`${host.origin}/api/labels.update`, {
    headers: { authorization: `Bearer ${host.token}` },
    data: { datasetId, labels: ['PER', 'LOC', 'ORG'].map((label) => ({ name: label })) },
  });
  expect(response.ok()).toBe(true);
  await page.reload();
  await expect(page.getByTestId('label-legend').getByRole('button', { name: /ORG/ })).toBeVisible();
}

async function pickDemoModel(page: Page) {
  const picker = page.getByLabel('Token-classification checkpoint');
  const demo = await picker.locator('option', { hasText: 'NEZHA tiny' }).getAttribute('value');
  await picker.selectOption(demo ?? 'missing: no NEZHA tiny option');
  await expect(page.getByTestId('model-status')).toHaveText('Ready', { timeout: 60_000 });
}

/** Sets the annotator name in the Annotate header and waits until the main side stored it. */
async function setAnnotator(page: Page, name: string) {
  const field = page.getByLabel('Annotator name');
  if ((await field.inputValue()) === name) return;
  await field.fill(name);
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/settings.update') && r.ok()),
    field.press('Enter'),
  ]);
  await expect(field).toHaveValue(name);
}

const suggestionTexts = (page: Page) =>
  page.getByTestId('suggestions').locator('li .suggestion-text').allInnerTexts();

test('rejected suggestions stay rejected after a reload, "No model" shows none, Enter adds only pending ones', async ({
  page,
  host,
}) => {
  await openApp(page, host, '#/datasets');
  // Sentences 11 and 12 of People's Daily: names, organisations and places the demo model tags.
  await importTexts(page, 'decisions-reject', [sentences[10], sentences[11], sentences[3]]);
  await setAnnotator(page, 'rita');
  await pickDemoModel(page);
  const suggestions = page.getByTestId('suggestions').locator('li');
  await expect(suggestions.nth(2)).toBeVisible({ timeout: 30_000 }); // at least three suggestions
  const before = await suggestionTexts(page);
  const rejected = before.slice(0, 2);
  for (const text of rejected) {
    await suggestions
      .filter({ hasText: text })
      .first()
      .getByRole('button', { name: /^Reject/ })
      .click();
    await expect(page.getByTestId('save-indicator')).toHaveText('Saved');
  }
  const pending = before.slice(2);
  expect(await suggestionTexts(page)).toEqual(pending);

  // Reload: the model runs on #1 again, the rejected suggestions are not listed again.
  await page.reload();
  await expect(page.getByTestId('example-position')).toHaveText('#1');
  await pickDemoModel(page);
  await expect(suggestions).toHaveCount(pending.length, { timeout: 30_000 });
  expect(await suggestionTexts(page)).toEqual(pending);
  await expect(page.getByTestId('example-row').first()).toContainText(`${pending.length} suggested`);

  // "No model": stored suggestions are not shown as if a model were running, and Enter accepts none.
  await page.getByLabel('Token-classification checkpoint').selectOption('');
  await expect(page.getByTestId('suggestions')).toHaveCount(0);
  await expect(page.getByTestId('annotation-text').locator('.ch.model')).toHaveCount(0);
  await expect(page.getByTestId('example-row').first()).not.toContainText('suggested');

  // Back to the model: Enter accepts the pending suggestions only, marks #1 done and moves on.
  await pickDemoModel(page);
  await expect(suggestions).toHaveCount(pending.length, { timeout: 30_000 });
  await page.getByTestId('annotation-text').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('example-position')).toHaveText('#2');
  await page.keyboard.press('k');
  await expect(page.getByTestId('example-position')).toHaveText('#1');
  const spans = page.getByTestId('annotation-text').getByTestId('span');
  const accepted = (await spans.allInnerTexts()).map((t) => t.replace(/[A-Z]+$/, '').trim());
  expect(accepted.length).toBeGreaterThan(0);
  for (const text of accepted) expect(pending).toContain(text);
  for (const text of rejected) expect(accepted).not.toContain(text);
  // Accepted spans keep their provenance: the tooltip names the checkpoint and the score.
  await expect(spans.first()).toHaveAttribute('data-origin', 'prediction');
  await expect(spans.first()).toHaveAttribute(
    'title',
    /suggested by NEZHA tiny.*\(score 0\.\d\d\), accepted by rita/,
  );
});

test('exports "done only" and "all with status" in JSONL spans, Label Studio and BIO', async ({
  page,
  host,
}) => {
  await openApp(page, host, '#/datasets');
  const texts = sentences.slice(1, 6); // #1 相比之下，青岛海牛队和广州松日队的雨中之战…
  await importTexts(page, 'decisions-export', texts, host);
  // #1: label 青岛海牛队 (5..9) ORG, then Enter: done. #3: one span, left in progress. The rest unseen.
  const orgKey = await page
    .getByTestId('label-legend')
    .getByRole('button', { name: /ORG/ })
    .locator('kbd')
    .innerText();
  await dragChars(page, 5, 9);
  await page.keyboard.press(orgKey);
  await expect(page.getByTestId('save-indicator')).toHaveText('Saved');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('example-position')).toHaveText('#2');
  await page.keyboard.press('j');
  await expect(page.getByTestId('example-position')).toHaveText('#3');
  await dragChars(page, 0, 1);
  await page.keyboard.press(orgKey);
  await expect(page.getByTestId('save-indicator')).toHaveText('Saved');

  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Datasets' }).click();
  const row = page.getByTestId('dataset-row').filter({ hasText: 'decisions-export' });
  await row.getByRole('button', { name: 'Export…' }).click();
  const form = page.getByTestId('dataset-export-form');
  const exportAs = async (format: string, examples: 'done' | 'all', file: string) => {
    await form.getByLabel('Format').selectOption(format);
    await form.getByLabel('Examples').selectOption(examples);
    await form.getByLabel('Write to').fill(join(dir, file));
    await form.getByRole('button', { name: 'Export' }).click();
    await expect(form.getByTestId('export-result')).toContainText(join(dir, file));
    return readFileSync(join(dir, file), 'utf8');
  };
  await expect(form.getByLabel('Examples')).toHaveValue('done');

  // JSONL spans: done only is the one done sentence; all has every sentence with its status.
  const jsonl = (text: string) =>
    text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { text: string; answer?: string; status: string; spans: unknown[] });
  const doneJsonl = jsonl(await exportAs('jsonl-spans', 'done', 'done.jsonl'));
  await expect(form.getByTestId('export-result')).toContainText('Wrote 1 examples');
  await expect(form.getByTestId('export-result')).toContainText('4 examples not done were left out');
  expect(doneJsonl).toEqual([
    { text: texts[0], spans: [{ start: 5, end: 10, label: 'ORG' }], answer: 'accept', status: 'done' },
  ]);
  const allJsonl = jsonl(await exportAs('jsonl-spans', 'all', 'all.jsonl'));
  expect(allJsonl.map((r) => [r.text, r.answer, r.status, r.spans.length])).toEqual([
    [texts[0], 'accept', 'done', 1],
    [texts[1], undefined, 'unannotated', 0],
    [texts[2], undefined, 'in-progress', 1],
    [texts[3], undefined, 'unannotated', 0],
    [texts[4], undefined, 'unannotated', 0],
  ]);
  await expect(form.getByTestId('export-warning')).toHaveCount(0);

  // Label Studio: annotations only on the done task; the others are still to do (a draft for #3).
  type Task = {
    data: { text: string };
    annotations?: { result: unknown[] }[];
    drafts?: unknown[];
    meta: { status: string };
  };
  const doneTasks = JSON.parse(await exportAs('label-studio', 'done', 'done.ls.json')) as Task[];
  expect(doneTasks.map((t) => [t.data.text, t.annotations?.[0].result.length, t.meta.status])).toEqual([
    [texts[0], 1, 'done'],
  ]);
  const allTasks = JSON.parse(await exportAs('label-studio', 'all', 'all.ls.json')) as Task[];
  expect(allTasks.map((t) => [Boolean(t.annotations), Boolean(t.drafts), t.meta.status])).toEqual([
    [true, false, 'done'],
    [false, false, 'unannotated'],
    [false, true, 'in-progress'],
    [false, false, 'unannotated'],
    [false, false, 'unannotated'],
  ]);

  // BIO: done only has the one sentence; all has five and says three were never looked at.
  const blocks = (text: string) => text.trim().split(/\n\s*\n/);
  const doneBio = blocks(await exportAs('char-per-line-bio', 'done', 'done.bio.txt'));
  expect(doneBio).toHaveLength(1);
  expect(doneBio[0].split('\n').slice(5, 10)).toEqual([
    '青 B-ORG',
    '岛 I-ORG',
    '海 I-ORG',
    '牛 I-ORG',
    '队 I-ORG',
  ]);
  await expect(form.getByTestId('export-warning')).toHaveCount(0);
  expect(blocks(await exportAs('char-per-line-bio', 'all', 'all.bio.txt'))).toHaveLength(5);
  await expect(form.getByTestId('export-warning')).toContainText('3 of 5 sentences were never looked at');
  await expect(form.getByTestId('export-warning')).toContainText('1 are unfinished');
});

test("A's undo leaves B's edit", async ({ page, host }) => {
  await openApp(page, host, '#/datasets');
  await importTexts(page, 'decisions-undo', [sentences[1]], host); // 相比之下，青岛海牛队和广州松日队…
  await setAnnotator(page, 'A');
  const orgKey = await page
    .getByTestId('label-legend')
    .getByRole('button', { name: /ORG/ })
    .locator('kbd')
    .innerText();
  const spans = page.getByTestId('annotation-text').getByTestId('span');
  await dragChars(page, 5, 9); // 青岛海牛队, by A
  await page.keyboard.press(orgKey);
  await expect(page.getByTestId('save-indicator')).toHaveText('Saved');

  await setAnnotator(page, 'B');
  await page.reload();
  await expect(spans).toHaveCount(0); // B's own version: A's span is not in it
  await dragChars(page, 11, 15); // 广州松日队, by B
  await page.keyboard.press(orgKey);
  await expect(page.getByTestId('save-indicator')).toHaveText('Saved');
  await expect(spans).toHaveCount(1);

  await setAnnotator(page, 'A');
  await page.reload();
  await expect(spans).toHaveCount(1);
  await expect(spans).toContainText('青岛海牛队');
  await page.getByTestId('annotation-text').focus();
  await page.keyboard.press('Control+z');
  await expect(spans).toHaveCount(0);
  await expect(page.getByTestId('save-indicator')).toHaveText('Saved');
  await expect(page.getByRole('button', { name: /^Undo/ })).toBeDisabled();

  // B's edit is still there.
  await setAnnotator(page, 'B');
  await page.reload();
  await expect(spans).toHaveCount(1);
  await expect(spans).toContainText('广州松日队');
  await expect(page.getByRole('button', { name: /^Undo/ })).toBeEnabled();
  await setAnnotator(page, 'annotator');
});
