/**
 * The annotation workbench end to end in Chromium against serve mode: import the first 30 sentences of
 * People's Daily, open them in Annotate, label a span by mouse + hotkey, see it acknowledged as saved,
 * undo/redo, reload and find it persisted, have an overlapping span refused, and export the corpus.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dragChars, expect, openApp, test } from './fixtures';

const source = readFileSync('fixtures/datasets/peoples_daily_ner/example.dev', 'utf8');
/** Sentences are blocks of `char tag` lines separated by blank lines. */
const blocks = (text: string) =>
  text
    .replace(/\r/g, '')
    .split(/\n\s*\n/)
    .map((block) =>
      block
        .split('\n')
        .map((line) => line.trim().split(/\s+/).join(' '))
        .filter(Boolean),
    )
    .filter((block) => block.length > 0);
const sentences = blocks(source).slice(0, 30);

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-annotate-e2e-'));
  writeFileSync(join(dir, 'pd30.txt'), sentences.map((s) => s.join('\n')).join('\n\n') + '\n');
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('annotate People’s Daily: import, label by mouse and hotkey, undo/redo, persist, refuse overlap, export', async ({
  page,
  host,
}) => {
  // Import by path with the Datasets view.
  await openApp(page, host, '#/datasets');
  await page.getByLabel('Dataset file').fill(join(dir, 'pd30.txt'));
  await page.getByLabel('Name (optional)').fill('People’s Daily (30)');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const result = page.getByTestId('import-result');
  await expect(result).toContainText('30 examples');
  await expect(result).toContainText('char-per-line');
  await result.getByRole('button', { name: 'Open in Annotate' }).click();

  // The workbench opens on sentence #1; J goes to #2 (相比之下，青岛海牛队和广州松日队的雨中之战…).
  const text = page.getByTestId('annotation-text');
  await expect(page.getByTestId('example-position')).toHaveText('#1');
  await page.keyboard.press('j');
  await expect(page.getByTestId('example-position')).toHaveText('#2');
  await expect(text).toContainText('相比之下');
  const hash = new URL(page.url()).hash;
  expect(hash).toMatch(/^#\/annotate\/.+/);
  // The gold ORG spans came with the file.
  await expect(text.getByTestId('span')).toHaveCount(2);
  await expect(text.getByTestId('span').first()).toHaveAttribute('data-label', 'ORG');

  // Label 雨中之战 (code points 17..20) with the LOC hotkey shown in the legend.
  const locKey = await page
    .getByTestId('label-legend')
    .getByRole('button', { name: /LOC/ })
    .locator('kbd')
    .innerText();
  await dragChars(page, 17, 20);
  await expect(text.locator('.ch.selected')).toHaveCount(4);
  await page.keyboard.press(locKey);
  const added = text.locator('[data-testid="span"][data-label="LOC"]');
  await expect(added).toHaveCount(1);
  await expect(added).toContainText('雨中之战');
  await expect(page.getByTestId('save-indicator')).toHaveText('Saved');

  // Undo / redo go through the main side's history.
  await page.keyboard.press('Control+z');
  await expect(added).toHaveCount(0);
  await expect(page.getByTestId('save-indicator')).toHaveText('Saved');
  await page.keyboard.press('Control+Shift+z');
  await expect(added).toHaveCount(1);
  await expect(page.getByTestId('save-indicator')).toHaveText('Saved');

  // A reload shows what was saved, on the sentence that was open (Annotate remembers its place).
  await page.reload();
  await expect(page.getByRole('navigation', { name: 'Views' })).toBeVisible();
  await expect(page.getByTestId('example-position')).toHaveText('#2');
  await page.getByTestId('example-row').nth(1).click();
  await expect(page.getByTestId('example-position')).toHaveText('#2');
  await expect(added).toHaveCount(1);
  await expect(added).toContainText('雨中之战');
  // The history is stored too: undo after the reload, then redo.
  await page.keyboard.press('Control+z');
  await expect(added).toHaveCount(0);
  await page.keyboard.press('Control+Shift+z');
  await expect(added).toHaveCount(1);
  await expect(page.getByTestId('save-indicator')).toHaveText('Saved');

  // Selecting 日队的雨 (14..17) overlaps 广州松日队 and the new span: refused with a message.
  await dragChars(page, 14, 17);
  await page.keyboard.press(locKey);
  const toast = page.getByTestId('toast').filter({ hasText: 'Span refused' });
  await expect(toast).toContainText('overlaps');
  await expect(toast).toContainText('广州松日队');
  await expect(text.getByTestId('span')).toHaveCount(3);

  // Export the corpus as char-per-line BIO: sentence #2 carries the new span, the rest is unchanged.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Datasets' }).click();
  const row = page.getByTestId('dataset-row').filter({ hasText: 'People’s Daily (30)' });
  await row.getByRole('button', { name: 'Export…' }).click();
  const form = page.getByTestId('dataset-export-form');
  const out = join(dir, 'export.bio.txt');
  await form.getByLabel('Format').selectOption('char-per-line-bio');
  await form.getByLabel('Write to').fill(out);
  await form.getByRole('button', { name: 'Export' }).click();
  await expect(form.getByTestId('export-result')).toContainText('30 examples');

  const exported = blocks(readFileSync(out, 'utf8'));
  expect(exported.length).toBe(30);
  const expected = sentences.map((s) => [...s]);
  for (const [i, tag] of ['B-LOC', 'I-LOC', 'I-LOC', 'I-LOC'].entries()) {
    expected[1][17 + i] = `${expected[1][17 + i].split(' ')[0]} ${tag}`;
  }
  expect(exported).toEqual(expected);
});

test('model in the loop: the demo checkpoint pre-annotates, accept one, reject the rest, Enter accepts and moves on, uncertainty order', async ({
  page,
  host,
}) => {
  const file = join(dir, 'pd12.txt');
  writeFileSync(
    file,
    sentences
      .slice(0, 12)
      .map((s) => s.join('\n'))
      .join('\n\n') + '\n',
  );
  await openApp(page, host, '#/datasets');
  await page.getByLabel('Dataset file').fill(file);
  await page.getByLabel('Name (optional)').fill('People’s Daily (12)');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByTestId('import-result').getByRole('button', { name: 'Open in Annotate' }).click();
  await expect(page.getByTestId('example-position')).toHaveText('#1');

  // Pick the builtin token-classification checkpoint: #1 and #2 get suggestions from the worker.
  const picker = page.getByLabel('Token-classification checkpoint');
  const demo = await picker.locator('option', { hasText: 'NEZHA tiny' }).getAttribute('value');
  await picker.selectOption(demo ?? 'missing: no NEZHA tiny option');
  const suggestions = page.getByTestId('suggestions').locator('li');
  await expect(suggestions.first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('model-status')).toHaveText('Ready');
  const before = await suggestions.count();
  const first = suggestions.first();
  const firstText = await first.locator('.suggestion-text').innerText();
  const firstLabel = (await first.locator('.muted').innerText()).split(' ')[0];
  const text = page.getByTestId('annotation-text');
  // Suggestions are drawn dashed, not as spans.
  await expect(text.locator('.ch.model').first()).toBeVisible();
  await expect(text.getByTestId('span')).toHaveCount(0);

  await first.getByRole('button', { name: /^Accept/ }).click();
  await expect(text.getByTestId('span')).toHaveCount(1);
  await expect(text.getByTestId('span')).toHaveAttribute('data-label', firstLabel);
  await expect(text.getByTestId('span')).toContainText(firstText);
  await expect(page.getByTestId('save-indicator')).toHaveText('Saved');
  await expect(suggestions).toHaveCount(before - 1);

  await page.getByRole('button', { name: 'Reject all' }).click();
  await expect(page.getByTestId('suggestions')).toHaveCount(0);
  await expect(text.locator('.ch.model')).toHaveCount(0);

  // A span by keyboard: click 新 in “兄有何新出？” (selects it), Shift+→ adds 出, the PER key labels 新出.
  const length = await text.locator('.ch[data-cp]').count();
  await text.locator(`[data-cp="${length - 3}"]`).click();
  await page.keyboard.press('Shift+ArrowRight');
  await expect(text.locator('.ch.selected')).toHaveText(['新', '出']);
  const perKey = await page
    .getByTestId('label-legend')
    .getByRole('button', { name: /PER/ })
    .locator('kbd')
    .innerText();
  await page.keyboard.press(perKey);
  await expect(text.locator('[data-testid="span"]').last()).toContainText('新出');
  await expect(text.locator('[data-testid="span"]').last()).toHaveAttribute('data-label', 'PER');
  // Click the span: its menu offers relabel and remove; relabel to LOC, then Delete removes it.
  const menu = page.getByTestId('span-menu');
  await text.locator('[data-testid="span"]').last().click();
  await expect(menu).toContainText('新出');
  await menu.getByRole('menuitem', { name: /LOC/ }).click();
  await expect(text.locator('[data-testid="span"]').last()).toHaveAttribute('data-label', 'LOC');
  await text.locator('[data-testid="span"]').last().click();
  await expect(menu).toBeVisible();
  await page.keyboard.press('Delete');
  await expect(menu).toHaveCount(0);
  await expect(text.getByTestId('span')).toHaveCount(1);
  await expect(page.getByTestId('save-indicator')).toHaveText('Saved');

  // Enter: accept whatever is suggested (nothing left), mark done, next.
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('example-position')).toHaveText('#2');
  await expect(page.getByTestId('progress-done')).toContainText('1 / 12 done');
  await expect(page.getByTestId('example-row').first().locator('.status-dot')).toHaveClass(/status-done/);

  // Active learning: the list follows the store's uncertainty order.
  const listed = (await (
    await page.request.post(`${host.origin}/api/examples.list`, {
      headers: { authorization: `Bearer ${host.token}` },
      data: {
        datasetId: decodeURIComponent(new URL(page.url()).hash.split('/')[2]),
        order: 'uncertainty',
        limit: 3,
      },
    })
  ).json()) as { ok: true; result: { items: { index: number; uncertainty: number | null }[] } };
  await page.getByLabel('Order').selectOption('uncertainty');
  await expect(page.getByTestId('example-position')).toHaveText(`#${listed.result.items[0].index + 1}`);
  await expect(page.getByTestId('example-row').nth(1)).toContainText(`#${listed.result.items[1].index + 1}`);
  expect(listed.result.items[0].uncertainty).not.toBeNull();
});
