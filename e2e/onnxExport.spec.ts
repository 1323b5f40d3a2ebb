/**
 * The Checkpoints view's "Export ONNX": the main side writes the checkpoint as ONNX where the person typed,
 * with progress, and the result names the file, class and outputs; the file loads in onnxruntime-node.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { expect, openApp, test } from './fixtures';

test('Export ONNX writes the selected checkpoint as an ONNX graph that ONNX Runtime loads', async ({
  page,
  host,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'nezha-e2e-onnx-'));
  const folder = join(dir, 'tiny-qa');
  cpSync(resolve('fixtures/nezha-tiny/question-answering'), folder, { recursive: true });
  const record = await host.services.checkpoints.import(folder, 'E2E tiny QA (ONNX)');
  try {
    await openApp(page, host, `#/checkpoints/${record.id}`);
    const panel = page.getByTestId('onnx-export');
    await expect(panel.getByLabel('ONNX file (optional)')).toHaveAttribute(
      'placeholder',
      join(folder, 'model.onnx'),
    );
    const target = join(dir, 'qa.onnx');
    await panel.getByLabel('ONNX file (optional)').fill(join(dir, 'qa.txt'));
    await panel.getByRole('button', { name: 'Export ONNX' }).click();
    await expect(page.getByTestId('onnx-export-error')).toContainText('must end in .onnx');

    await panel.getByLabel('ONNX file (optional)').fill(target);
    await panel.getByRole('button', { name: 'Export ONNX' }).click();
    await expect(page.getByTestId('onnx-export-result')).toContainText(
      `Wrote ${target}: NezhaForQuestionAnswering (outputs start_logits, end_logits;`,
      { timeout: 30_000 },
    );
    expect(existsSync(target)).toBe(true);
    const session = await ort.InferenceSession.create(target);
    expect(session.outputNames).toEqual(['start_logits', 'end_logits']);
    await session.release();
  } finally {
    host.services.checkpoints.remove(record.id);
    rmSync(dir, { recursive: true, force: true });
  }
});
