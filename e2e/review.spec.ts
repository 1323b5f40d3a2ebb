/**
 * Review of double annotation in Chromium against serve mode: two annotators (the annotator name is changed
 * between their edits) label the same sentence, the Review mode shows their agreement (span F1, Cohen's
 * kappa), one example is adjudicated by taking B's version, and the gold version is updated.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { dragChars, expect, openApp, test } from './fixtures';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-review-e2e-'));
  const rows = [
    { text: '张三在北京工作', spans: [] },
    { text: '李四去上海', spans: [] },
    // Gives the dataset its label set (PER, LOC); not annotated by either person.
    {
      text: '王五在广州',
      spans: [
        { start: 0, end: 2, label: 'PER' },
        { start: 3, end: 5, label: 'LOC' },
      ],
    },
  ];
  writeFileSync(join(dir, 'double.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function hotkey(page: Page, label: string): Promise<string> {
  return page
    .getByTestId('label-legend')
    .getByRole('button', { name: new RegExp(label) })
    .locator('kbd')
    .innerText();
}

async function setAnnotator(page: Page, name: string) {
  const field = page.getByLabel('Annotator name');
  await field.fill(name);
  await field.press('Enter');
  await expect(field).toHaveValue(name);
}

async function label(page: Page, from: number, to: number, key: string) {
  await dragChars(page, from, to);
  await page.keyboard.press(key);
  await expect(page.getByTestId('save-indicator')).toHaveText('Saved');
}

test('two annotators, their agreement in Review, adjudicate one example into gold', async ({
  page,
  host,
}) => {
  await openApp(page, host, '#/datasets');
  await page.getByLabel('Dataset file').fill(join(dir, 'double.jsonl'));
  await page.getByLabel('Name (optional)').fill('Double annotation');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const result = page.getByTestId('import-result');
  await expect(result).toContainText('3 examples');
  await result.getByRole('button', { name: 'Open in Annotate' }).click();
  await expect(page.getByTestId('example-position')).toHaveText('#1');
  const per = await hotkey(page, 'PER');
  const loc = await hotkey(page, 'LOC');
  const spans = page.getByTestId('annotation-text').getByTestId('span');

  // Alice: 张三 PER, 北京 LOC.
  await setAnnotator(page, 'alice');
  await label(page, 0, 1, per);
  await label(page, 3, 4, loc);
  await expect(spans).toHaveCount(2);

  // Bob does not see Alice's spans and may label the same characters: 张三 PER, 北京工 LOC.
  await setAnnotator(page, 'bob');
  await page.keyboard.press('j');
  await expect(page.getByTestId('example-position')).toHaveText('#2');
  await page.keyboard.press('k');
  await expect(page.getByTestId('example-position')).toHaveText('#1');
  await expect(spans).toHaveCount(0);
  await label(page, 0, 1, per);
  await label(page, 3, 5, loc);
  await expect(spans).toHaveCount(2);

  // Review: 1 of 2 spans match each way -> F1 50%; characters agree on 6 of 7, kappa = 26/33.
  await page.getByTestId('review-toggle').click();
  const review = page.getByTestId('review-panel');
  await expect(review.getByLabel('Annotator A')).toHaveValue('alice');
  await expect(review.getByLabel('Annotator B')).toHaveValue('bob');
  await expect(review.getByTestId('agreement-examples')).toHaveText('1');
  await expect(review.getByTestId('agreement-f1')).toHaveText('50.0%');
  await expect(review.getByTestId('agreement-kappa')).toHaveText((26 / 33).toFixed(3));
  await expect(review.getByTestId('agreement-label-LOC')).toContainText('0.0%');
  await expect(review.getByTestId('agreement-label-PER')).toContainText('100.0%');

  // Adjudicate: take B's version of example #1 and save it as gold.
  const row = review.getByTestId('review-row').first();
  await expect(row).toContainText('disagree');
  await row.getByRole('button', { name: 'Use B' }).click();
  await expect(row.getByTestId('review-gold-span')).toHaveText(['PER 张三 [0, 2)', 'LOC 北京工 [3, 6)']);
  await row.getByRole('button', { name: 'Save gold' }).click();
  await expect(review.getByRole('status')).toHaveText('Saved the gold version of example #1.');
  await expect(review.getByTestId('review-row').first()).toContainText('saved gold: 2 spans');

  // The gold version is what the Annotate view now shows to a third person.
  await page.getByTestId('review-toggle').click();
  await setAnnotator(page, 'carol');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  await expect(page.getByTestId('example-position')).toHaveText('#1');
  await expect(spans).toHaveCount(2);
  await expect(page.locator('[data-testid="span"][data-label="LOC"]')).toContainText('北京工');
});
