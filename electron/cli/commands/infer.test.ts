import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GoldenTensor } from '../../../shared/nezha';
import { compareValues, flattenGoldenData } from '../../../shared/nezha';
import type { CliContext } from '../command';
import { command } from './infer';

const tiny = resolve(__dirname, '../../../fixtures/nezha-tiny');
const dir = mkdtempSync(join(tmpdir(), 'nezha-infer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function context(): CliContext & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { dataDir: dir, env: {}, lines, errors, out: (t) => lines.push(t), err: (t) => errors.push(t) };
}

function compare(actual: GoldenTensor, expected: GoldenTensor, what: string): number {
  expect(actual.shape, what).toEqual(expected.shape);
  const report = compareValues(flattenGoldenData(actual, what), flattenGoldenData(expected, what));
  expect(report.violations, `${what}: max |Δ| ${report.maxAbsError}`).toBe(0);
  return report.maxAbsError;
}

describe('infer command', () => {
  for (const [name, folder, backend] of [
    ['token_classification', 'token-classification', 'cpu'],
    ['question_answering', 'question-answering', 'wasm'],
  ] as const) {
    it(`writes every output of ${name} on ${backend}, matching the HF golden at 1e-5`, async () => {
      const casePath = join(tiny, 'goldens', `${name}.json`);
      const out = join(dir, `${name}.json`);
      const ctx = context();
      const code = await command.run(
        ['--checkpoint', join(tiny, folder), '--case', casePath, '--out', out, '--backend', backend],
        ctx,
      );
      expect(code).toBe(0);
      const golden = JSON.parse(readFileSync(casePath, 'utf8')) as { outputs: Record<string, unknown> };
      const written = JSON.parse(readFileSync(out, 'utf8')) as { outputs: Record<string, unknown> };
      expect(Object.keys(written.outputs)).toEqual(Object.keys(golden.outputs));
      expect((written.outputs.loss as GoldenTensor).shape).toEqual([]);
      for (const [key, expected] of Object.entries(golden.outputs)) {
        const actual = written.outputs[key];
        if (Array.isArray(expected)) {
          expected.forEach((item: GoldenTensor, i) =>
            compare((actual as GoldenTensor[])[i], item, `${key}[${i}]`),
          );
        } else {
          compare(actual as GoldenTensor, expected as GoldenTensor, key);
        }
      }
    });
  }

  it('runs on the fastest backend that starts (wasm here) when --backend is left out, and says so on stderr', async () => {
    const casePath = join(tiny, 'goldens', 'token_classification.json');
    const out = join(dir, 'auto.json');
    const ctx = context();
    const code = await command.run(
      ['--checkpoint', join(tiny, 'token-classification'), '--case', casePath, '--out', out],
      ctx,
    );
    expect(code).toBe(0);
    expect(ctx.errors).toEqual(['infer: backend wasm (auto: the fastest that started here)']);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ backend: 'wasm' });
    expect(ctx.lines).toEqual([expect.stringMatching(/\(wasm\) → /)]);
  });

  it('--backend onnx runs the cached ONNX export on onnxruntime-node: the graph outputs, equal to HF at 1e-5', async () => {
    const casePath = join(tiny, 'goldens', 'model_defaults.json');
    const golden = JSON.parse(readFileSync(casePath, 'utf8')) as { outputs: Record<string, GoldenTensor> };
    const out = join(dir, 'onnx.json');
    const ctx = context();
    const code = await command.run(
      ['--checkpoint', join(tiny, 'base'), '--case', casePath, '--out', out, '--backend', 'onnx'],
      ctx,
    );
    expect(code).toBe(0);
    expect(ctx.errors[0]).toBe('infer: backend onnx (onnxruntime-node)');
    expect(ctx.errors[1]).toMatch(/exported to ONNX at .*onnx-cache/);
    expect(ctx.errors[2]).toBe(
      'infer: the ONNX graph has no hidden_states, attentions; only last_hidden_state, pooler_output are written',
    );
    const written = JSON.parse(readFileSync(out, 'utf8'));
    expect(written.backend).toBe('onnx');
    expect(Object.keys(written.outputs)).toEqual(['last_hidden_state', 'pooler_output']);
    for (const name of ['last_hidden_state', 'pooler_output'])
      compare(written.outputs[name], golden.outputs[name], name);
  });

  it('reports a broken checkpoint folder in one line naming the file', async () => {
    const broken = join(dir, 'broken');
    cpSync(join(tiny, 'base'), broken, { recursive: true });
    const bytes = readFileSync(join(broken, 'model.safetensors'));
    writeFileSync(join(broken, 'model.safetensors'), bytes.subarray(0, 1000));
    const run = command.run(
      [
        '--checkpoint',
        broken,
        '--case',
        join(tiny, 'goldens', 'model_defaults.json'),
        '--out',
        join(dir, 'x.json'),
      ],
      context(),
    );
    await expect(run).rejects.toThrow(/model\.safetensors/);
    await expect(run).rejects.not.toThrow(/\n/);
  });

  it('reports a config.json that does not fit the weights, naming the key and both shapes', async () => {
    const mismatched = join(dir, 'mismatched');
    cpSync(join(tiny, 'base'), mismatched, { recursive: true });
    const config = JSON.parse(readFileSync(join(mismatched, 'config.json'), 'utf8'));
    writeFileSync(join(mismatched, 'config.json'), JSON.stringify({ ...config, type_vocab_size: 3 }));
    await expect(
      command.run(
        [
          '--checkpoint',
          mismatched,
          '--case',
          join(tiny, 'goldens', 'model_defaults.json'),
          '--out',
          join(dir, 'y.json'),
        ],
        context(),
      ),
    ).rejects.toThrow(/embeddings\.token_type_embeddings\.weight.*\[2, 32\].*\[3, 32\]/);
  });
});
