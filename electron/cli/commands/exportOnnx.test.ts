import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeModel } from '../../../shared/onnx';
import { createOrtSession } from '../../onnx/ortSession';
import type { CliContext } from '../command';
import { command } from './exportOnnx';

const tiny = resolve(__dirname, '../../../fixtures/nezha-tiny');
const dir = mkdtempSync(join(tmpdir(), 'nezha-export-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function context(): CliContext & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { dataDir: dir, env: {}, lines, errors, out: (t) => lines.push(t), err: (t) => errors.push(t) };
}

function metadata(path: string): Record<string, string> {
  const model = decodeModel(new Uint8Array(readFileSync(path))) as {
    metadata_props: { key: string; value: string }[];
  };
  return Object.fromEntries(model.metadata_props.map((p) => [p.key, p.value]));
}

describe('export-onnx', () => {
  it("exports the class config.json's architectures names when --task is left out", async () => {
    const out = join(dir, 'pretraining.onnx');
    const ctx = context();
    expect(await command.run(['--checkpoint', join(tiny, 'pretraining'), '--out', out], ctx)).toBe(0);
    expect(ctx.lines[0]).toMatch(
      /^export-onnx: NezhaForPreTraining \(outputs prediction_logits, seq_relationship_logits; [\d.]+ MiB of weights\) → .*pretraining\.onnx in/,
    );
    expect(ctx.errors).toEqual([]);
    expect(metadata(out).nezha_class).toBe('NezhaForPreTraining');
    const session = await createOrtSession(out, { threads: 1 });
    expect(session.inputNames).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    expect(session.outputNames).toEqual(['prediction_logits', 'seq_relationship_logits']);
    await session.release();
  });

  it('--task picks the class (aliases too); a head the checkpoint lacks is initialised and reported', async () => {
    const out = join(dir, 'ner.onnx');
    const ctx = context();
    await command.run(['--checkpoint', join(tiny, 'pretraining'), '--out', out, '--task', 'ner'], ctx);
    expect(metadata(out).nezha_class).toBe('NezhaForTokenClassification');
    expect(ctx.errors).toEqual([
      expect.stringMatching(
        /no weights for 2 parameter\(s\) of NezhaForTokenClassification \(classifier\.weight, classifier\.bias\)/,
      ),
    ]);
    const base = join(dir, 'base.onnx');
    await command.run(
      ['--checkpoint', join(tiny, 'pretraining'), '--out', base, '--task', 'feature-extraction'],
      context(),
    );
    expect(metadata(base).nezha_class).toBe('NezhaModel');
  });

  it('refuses an unknown task, a missing folder and an unwritable path in one line, writing nothing', async () => {
    const out = join(dir, 'never.onnx');
    await expect(
      command.run(['--checkpoint', join(tiny, 'base'), '--out', out, '--task', 'translation'], context()),
    ).rejects.toThrow(/^export-onnx: --task "translation" is not a task name/);
    await expect(command.run(['--checkpoint', join(dir, 'nope'), '--out', out], context())).rejects.toThrow(
      /checkpoint folder .*nope does not exist/,
    );
    await expect(
      command.run(
        ['--checkpoint', join(tiny, 'base'), '--out', join(dir, 'no-such-dir', 'x.onnx')],
        context(),
      ),
    ).rejects.toThrow(/^export-onnx: cannot write .*x\.onnx/);
    expect(existsSync(out)).toBe(false);
  });
});
