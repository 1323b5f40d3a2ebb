import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBenchmarkReport } from '../../../shared/benchmark';
import { NezhaConfig } from '../../../shared/nezha/config';
import { onnxCacheKey, ONNX_CACHE_FOLDER } from '../../onnx/onnxCache';
import type { CliContext } from '../command';
import { command } from './eval';

/*
 * eval on onnxruntime-node (the checkpoint's cached ONNX export) and on tfjs-wasm: the demo NER model on the
 * built-in gold sample (resources/), same predictions file byte for byte and the same report figures.
 */

const repoRoot = resolve(__dirname, '../../..');
const demo = join(repoRoot, 'resources/checkpoints/nezha-demo-ner');
const gold = join(repoRoot, 'resources/datasets/peoples-daily-heldout.txt');
const dir = mkdtempSync(join(tmpdir(), 'nezha-eval-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function evaluate(backend: string, name: string) {
  const lines: string[] = [];
  const errors: string[] = [];
  const context: CliContext = {
    dataDir: join(dir, 'data'),
    env: {},
    out: (t) => lines.push(t),
    err: (t) => errors.push(t),
  };
  const report = join(dir, `${name}.report.json`);
  const predictions = join(dir, `${name}.pred.jsonl`);
  const code = await command.run(
    [
      '--checkpoint',
      demo,
      '--dataset',
      gold,
      '--out',
      report,
      '--predictions',
      predictions,
      '--backend',
      backend,
    ],
    context,
  );
  return {
    code,
    lines,
    notes: errors.filter((line) => !/examples \(\d+%\)/.test(line)),
    report: parseBenchmarkReport(readFileSync(report, 'utf8'), report),
    predictions: readFileSync(predictions, 'utf8'),
  };
}

describe('eval --backend onnx', () => {
  it('gives the predictions file and report figures of --backend wasm on the demo model and gold sample', async () => {
    const onnx = await evaluate('onnx', 'onnx');
    const wasm = await evaluate('wasm', 'wasm');
    expect(onnx.code).toBe(0);
    expect(wasm.code).toBe(0);
    expect(onnx.notes[0]).toBe('eval: backend onnx (onnxruntime-node)');
    expect(onnx.notes[1]).toMatch(/: exported to ONNX at .*onnx-cache\/[0-9a-f]{32}\/model\.onnx$/);
    expect(wasm.notes).toEqual(['eval: backend wasm']);
    expect(onnx.predictions.split('\n').filter(Boolean)).toHaveLength(348);
    expect(onnx.predictions).toBe(wasm.predictions);
    const [a] = onnx.report.runs;
    const [b] = wasm.report.runs;
    expect(a.environment.backend).toBe('onnx');
    expect(a.environment.device).toMatch(/^onnxruntime-node \S+ \(cpu, \d+ threads\)/);
    expect(b.environment.backend).toBe('wasm');
    expect(a.metrics).toEqual(b.metrics);
    expect(a.metrics[0].value).toBeGreaterThan(0.3); // the demo model is trained: a real score, not chance
    expect(a.settings).toEqual(b.settings);
    expect(a.checkpoint).toEqual(b.checkpoint);
    expect(a.dataset).toEqual(b.dataset);
    expect(a.timing.examples).toBe(b.timing.examples);
    expect(a.timing.batches).toBe(b.timing.batches);
  }, 180_000);

  it('exports once: a second run reuses the cached graph', async () => {
    const again = await evaluate('onnx', 'onnx-again');
    expect(again.notes[1]).toMatch(/: ONNX export reused from /);
    expect(readdirSync(join(dir, 'data', ONNX_CACHE_FOLDER))).toHaveLength(1);
  }, 60_000);

  it('keys the cache by weights, class and config', () => {
    const config = new NezhaConfig({});
    const base = { weightsSha256: 'a'.repeat(64), className: 'NezhaForTokenClassification' as const, config };
    const key = onnxCacheKey(base);
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(onnxCacheKey({ ...base })).toBe(key);
    expect(onnxCacheKey({ ...base, weightsSha256: 'b'.repeat(64) })).not.toBe(key);
    expect(onnxCacheKey({ ...base, className: 'NezhaModel' })).not.toBe(key);
    const relabelled = new NezhaConfig({ id2label: { 0: 'O', 1: 'B-PER', 2: 'I-PER' } });
    expect(onnxCacheKey({ ...base, config: relabelled })).not.toBe(key);
  });
});
