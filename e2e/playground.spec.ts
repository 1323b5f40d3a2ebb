/**
 * The Playground runs token classification on the builtin checkpoint it opens with (the trained
 * demo NER model, first in the library) in the real worker. Which entities come out depends on the
 * model, so the test checks that the result table and the highlighted spans are real slices of the
 * text that was run.
 */
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, openApp, test } from './fixtures';

/** Every table row's text equals the input sliced at its UTF-16 span; so does every highlight. */
async function expectSpansSliceText(page: Page, text: string) {
  const table = page.getByTestId('playground-entity-table');
  await expect(table).toBeVisible();
  const rows = await table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      start: Number(tr.getAttribute('data-start-utf16')),
      end: Number(tr.getAttribute('data-end-utf16')),
      text: tr.querySelector('.pg-entity-text')?.textContent ?? '',
      type: tr.querySelector('.pg-type')?.textContent ?? '',
    })),
  );
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    expect(row.text).toBe(text.slice(row.start, row.end));
    expect(['PER', 'LOC', 'ORG']).toContain(row.type);
  }
  const highlighted = page.getByTestId('playground-highlighted');
  const marks = await highlighted.locator('mark').evaluateAll((elements) =>
    elements.map((mark) => ({
      start: Number(mark.getAttribute('data-start')),
      end: Number(mark.getAttribute('data-end')),
      text: mark.firstChild?.textContent ?? '',
    })),
  );
  expect(marks.map((m) => [m.start, m.end])).toEqual(rows.map((r) => [r.start, r.end]));
  for (const mark of marks) expect(mark.text).toBe(text.slice(mark.start, mark.end));
  // Without the type labels, the highlighted paragraph is the input text itself.
  const plain = await highlighted.evaluate((p) => {
    const copy = p.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.pg-entity-type').forEach((label) => label.remove());
    return copy.textContent;
  });
  expect(plain).toBe(text);
}

test('token classification on the builtin demo checkpoint shows entity spans that slice the text', async ({
  page,
  host,
}) => {
  test.setTimeout(120_000);
  await openApp(page, host, '#/playground');
  const view = page.getByTestId('view-playground');
  await expect(view.getByLabel('Checkpoint').locator('option:checked')).toHaveText(/^NEZHA demo NER/);
  await expect(view.getByLabel('Task')).toHaveValue('token-classification');
  const textArea = view.getByLabel('Text', { exact: true });
  const sample = await textArea.inputValue();
  expect(sample).toMatch(/[\u4e00-\u9fff]/); // a Chinese sample is prefilled

  await view.getByTestId('playground-run').click();
  await expect(view.getByTestId('playground-result')).toBeVisible({ timeout: 60_000 });
  await expect(view.getByTestId('playground-timing')).toContainText(
    /Token classification \(NER\) in [\d.]+ ms on (WASM|WEBGPU|CPU) · model loaded in \d+ ms \(\d+ tensors/,
  );
  await expectSpansSliceText(page, sample);

  // Tokens and attention: every token's span is its text in the input; the heat map answers hovering.
  const inspector = view.getByTestId('playground-inspector');
  await inspector.locator('summary').click();
  const tokens = await inspector
    .getByTestId('playground-tokens')
    .locator('li')
    .evaluateAll((items) =>
      items.map((li) => ({
        token: li.querySelector('.pg-token-text')?.textContent ?? '',
        start: li.getAttribute('data-start'),
        end: li.getAttribute('data-end'),
      })),
    );
  expect(tokens[0]).toEqual({ token: '[CLS]', start: null, end: null });
  expect(tokens.at(-1)?.token).toBe('[SEP]');
  for (const { token, start, end } of tokens.slice(1, -1)) {
    if (token === '[UNK]') continue;
    expect(sample.slice(Number(start), Number(end)).toLowerCase()).toBe(token.replace(/^##/, ''));
  }
  const heatmap = inspector.getByTestId('playground-attention');
  await expect(heatmap).toBeVisible();
  await inspector.getByLabel('Head', { exact: true }).selectOption('1');
  await heatmap.hover({ position: { x: 2, y: 2 } });
  await expect(inspector).toContainText('[CLS] → [CLS]:');

  // Typed text with an emoji (a surrogate pair) before the names: spans still land on the text.
  const typed = '😀李靖和哪吒在陈塘关。北京大学的王小明去了上海。';
  await textArea.fill(typed);
  await view.getByTestId('playground-run').click();
  await expect(view.getByTestId('playground-run')).toHaveText('Run', { timeout: 60_000 });
  await expectSpansSliceText(page, typed);
});

test('a progress bar shows while the checkpoint loads, and Cancel stops the load', async ({ page, host }) => {
  test.setTimeout(120_000);
  // Hold the weight file's requests (the worker's HEAD and Range reads) until the bar was seen.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.context().route('**/model.safetensors', async (route) => {
    await released;
    await route.continue().catch(() => {}); // the cancelled load may have aborted it
  });
  await openApp(page, host, '#/playground');
  const view = page.getByTestId('view-playground');
  await view.getByTestId('playground-run').click();
  const progress = view.getByTestId('playground-load-progress');
  await expect(progress).toBeVisible();
  await expect(progress).toContainText('Loading NEZHA demo NER');
  await expect(view.getByTestId('playground-run')).toBeDisabled();
  await view.getByTestId('playground-cancel').click();
  release();
  await expect(view.getByTestId('playground-error')).toHaveText('Cancelled.', { timeout: 60_000 });
  await expect(progress).toHaveCount(0);
  await expect(view.getByTestId('playground-run')).toBeEnabled();
  await expect(view.getByTestId('playground-result')).toHaveCount(0);
  // Nothing half-loaded stays behind: the next run loads the checkpoint and gives a result.
  await view.getByTestId('playground-run').click();
  await expect(view.getByTestId('playground-result')).toBeVisible({ timeout: 60_000 });
});

test('the run button explains what is missing instead of running on empty input', async ({ page, host }) => {
  await openApp(page, host, '#/playground');
  const view = page.getByTestId('view-playground');
  await view.getByLabel('Text', { exact: true }).fill('   ');
  await expect(view.getByTestId('playground-run')).toBeDisabled();
  await expect(view).toContainText('Type or paste a text first.');
});

test('every head the fixtures have runs in the Playground and reads as labels, answers, fills or choices', async ({
  page,
  host,
}) => {
  test.setTimeout(180_000);
  const folders = ['sequence-classification', 'question-answering', 'pretraining', 'multiple-choice'];
  const imported = await Promise.all(
    folders.map((folder) =>
      host.services.checkpoints.import(resolve('fixtures/nezha-tiny', folder), `E2E tiny ${folder}`),
    ),
  );
  try {
    await openApp(page, host, '#/playground');
    const view = page.getByTestId('view-playground');
    const runTask = async (checkpoint: string, task: string) => {
      await view.getByLabel('Checkpoint').selectOption({ label: checkpoint });
      await view.getByLabel('Task').selectOption(task);
      await view.getByTestId('playground-run').click();
      await expect(view.getByTestId('playground-run')).toHaveText('Run', { timeout: 60_000 });
      await expect(view.getByTestId('playground-error')).toHaveCount(0);
      await expect(view.getByTestId('playground-timing')).toContainText(/ ms on /);
    };

    await runTask('E2E tiny sequence-classification', 'text-classification');
    const labels = view.getByTestId('playground-labels').locator('.pg-bar-label');
    await expect(labels).toHaveCount(3);
    expect((await labels.allTextContents()).sort()).toEqual(['negative', 'neutral', 'positive']);
    const percents = await view.getByTestId('playground-labels').locator('.pg-bar-value').allTextContents();
    expect(percents.reduce((sum, p) => sum + Number.parseFloat(p), 0)).toBeCloseTo(100, 0);

    await runTask('E2E tiny question-answering', 'question-answering');
    const context = await view.getByLabel('Context', { exact: true }).inputValue();
    const answer = view.getByTestId('playground-answer');
    if ((await answer.count()) > 0) expect(context).toContain(await answer.textContent());
    await expect(view.getByTestId('playground-answers').locator('.pg-nbest li').first()).toBeVisible();

    await runTask('E2E tiny pretraining', 'fill-mask');
    // The sample has two adjacent masks: one whole-word section and one per mask, five candidates each.
    const sections = view.getByTestId('playground-fill-mask').locator('section');
    await expect(sections).toHaveCount(3);
    await expect(sections.nth(1).locator('li')).toHaveCount(5);
    await view.getByLabel('Task').selectOption('next-sentence');
    await view.getByTestId('playground-run').click();
    await expect(view.getByTestId('playground-next-sentence').locator('li')).toHaveCount(2, {
      timeout: 60_000,
    });

    await runTask('E2E tiny multiple-choice', 'multiple-choice');
    await expect(view.getByTestId('playground-choices').locator('li')).toHaveCount(4);
    await expect(view.getByTestId('playground-choices').locator('.pg-bar-best')).toHaveCount(1);
  } finally {
    for (const record of imported) host.services.checkpoints.remove(record.id);
  }
});
