/**
 * The NEZHA model in the real renderer worker in Chromium, against HF's goldens: on WebGPU
 * (SwiftShader here, forced the way the 'webgpu' backend setting forces it) at atol = rtol = 1e-4,
 * and on WASM at 1e-5. Checkpoint bytes come from the serve host over Range requests, exactly as
 * in the app; the page is opened with `?debug`, which exposes the worker protocol as
 * `window.__nezhaDebug` (absent otherwise).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { checkpointFilePath, type CheckpointRecord } from '../shared/ipc';
import type { BackendStatus } from '../renderer/src/inference/common/backendSelection';
import {
  compareRunToGolden,
  goldenRunRequest,
  type GoldenCaseJson,
} from '../renderer/src/inference/common/goldenCheck';
import type { NezhaDebugHook } from '../renderer/src/inference/ui/client';
import type { LoadedModelInfo, MemorySnapshot, RawTensor } from '../renderer/src/inference/common/protocol';
import { expect, test } from './fixtures';

const goldens = resolve('fixtures/nezha-tiny/goldens');
const golden = (name: string) =>
  JSON.parse(readFileSync(`${goldens}/${name}.json`, 'utf8')) as GoldenCaseJson;

type PlainTensor = { shape: number[]; data: number[] };

async function openDebugPage(page: Page, url: string) {
  await page.goto(`${url}&debug`);
  // The app's own start-up backend first, so our init is not overtaken by it.
  await expect(page.getByTestId('status-backend')).toHaveAttribute('data-backend', /.+/, { timeout: 30_000 });
  await expect.poll(() => page.evaluate(() => '__nezhaDebug' in window)).toBe(true);
}

function initBackend(page: Page, preference: 'webgpu' | 'wasm'): Promise<BackendStatus> {
  return page.evaluate(
    (preference) =>
      (window as unknown as { __nezhaDebug: NezhaDebugHook }).__nezhaDebug.call('init', { preference }),
    preference,
  );
}

function memory(page: Page): Promise<MemorySnapshot> {
  return page.evaluate(
    async () =>
      (await (window as unknown as { __nezhaDebug: NezhaDebugHook }).__nezhaDebug.call('memory', {})).memory,
  );
}

function load(page: Page, origin: string, record: CheckpointRecord): Promise<LoadedModelInfo> {
  const request = {
    id: record.id,
    name: record.name,
    files: record.files.map((file) => ({ file, url: `${origin}${checkpointFilePath(record.id, file)}` })),
  };
  return page.evaluate(
    (request) => (window as unknown as { __nezhaDebug: NezhaDebugHook }).__nezhaDebug.call('load', request),
    request,
  );
}

/** Runs a golden's inputs in the page's worker; typed arrays travel as plain arrays. */
async function runGolden(page: Page, caseFile: GoldenCaseJson, id: string) {
  const request = goldenRunRequest(caseFile, id);
  const plain = {
    ...request,
    inputIds: Array.from(request.inputIds),
    attentionMask: request.attentionMask && Array.from(request.attentionMask),
    tokenTypeIds: request.tokenTypeIds && Array.from(request.tokenTypeIds),
  };
  const result = await page.evaluate(async (plain) => {
    const debug = (window as unknown as { __nezhaDebug: NezhaDebugHook }).__nezhaDebug;
    const response = await debug.call('run', {
      ...plain,
      inputIds: Int32Array.from(plain.inputIds),
      attentionMask: plain.attentionMask && Int32Array.from(plain.attentionMask),
      tokenTypeIds: plain.tokenTypeIds && Int32Array.from(plain.tokenTypeIds),
    });
    const toPlain = (t: RawTensor) => ({ shape: t.shape, data: Array.from(t.data) });
    const outputs: Record<string, PlainTensor | PlainTensor[]> = {};
    for (const [name, value] of Object.entries(response.outputs))
      outputs[name] = Array.isArray(value) ? value.map(toPlain) : toPlain(value);
    return { outputs, backend: response.backend, ms: response.ms };
  }, plain);
  const outputs: Record<string, RawTensor | RawTensor[]> = {};
  const toRaw = (t: PlainTensor): RawTensor => ({ shape: t.shape, data: Float32Array.from(t.data) });
  for (const [name, value] of Object.entries(result.outputs))
    outputs[name] = Array.isArray(value) ? value.map(toRaw) : toRaw(value);
  return { outputs, backend: result.backend, ms: result.ms };
}

function checkGolden(
  label: string,
  caseFile: GoldenCaseJson,
  run: { outputs: Record<string, RawTensor | RawTensor[]>; ms: number },
  tolerance: number,
  expectedOutputs: string[],
) {
  const reports = compareRunToGolden(caseFile, run, tolerance, tolerance);
  expect(
    reports.map((r) => r.output.replace(/\[\d+\]$/, '')).filter((n, i, all) => all.indexOf(n) === i),
  ).toEqual(expectedOutputs);
  const worst = Math.max(...reports.map((r) => r.maxAbsError));
  test.info().annotations.push({
    type: 'max abs error',
    description: `${label}: ${worst.toExponential(2)} (forward pass ${run.ms.toFixed(0)} ms)`,
  });
  for (const report of reports) expect(report, `${label} ${report.output}`).toMatchObject({ violations: 0 });
}

test('NezhaModel and NezhaForTokenClassification on WebGPU (SwiftShader) match HF at 1e-4, on WASM at 1e-5', async ({
  page,
  host,
}) => {
  test.setTimeout(240_000);
  // The tiny fixture checkpoint: its HF goldens are what the outputs are compared against.
  const demo = host.services.checkpoints
    .list()
    .find((c) => c.id === 'builtin-nezha-tiny-token-classification')!;
  const base = await host.services.checkpoints.import(
    resolve('fixtures/nezha-tiny/base'),
    'E2E tiny base (WebGPU)',
  );
  try {
    await openDebugPage(page, host.url);

    const webgpu = await initBackend(page, 'webgpu');
    expect(webgpu.backend, `WebGPU did not start: ${JSON.stringify(webgpu.failures)}`).toBe('webgpu');
    await expect(page.getByTestId('status-backend')).toHaveAttribute('data-backend', 'webgpu');
    const before = await memory(page);

    const baseInfo = await load(page, host.origin, base);
    test
      .info()
      .annotations.push({ type: 'load', description: `webgpu base: ${baseInfo.loadMs.toFixed(0)} ms` });
    expect(baseInfo).toMatchObject({ className: 'NezhaModel', backend: 'webgpu' });
    const modelCase = golden('model');
    const modelRun = await runGolden(page, modelCase, base.id);
    expect(modelRun.backend).toBe('webgpu');
    checkGolden('webgpu model', modelCase, modelRun, 1e-4, [
      'last_hidden_state',
      'pooler_output',
      'hidden_states',
      'attentions',
    ]);

    const demoInfo = await load(page, host.origin, demo);
    expect(demoInfo).toMatchObject({ className: 'NezhaForTokenClassification', backend: 'webgpu' });
    const nerCase = golden('token_classification');
    checkGolden('webgpu token_classification', nerCase, await runGolden(page, nerCase, demo.id), 1e-4, [
      'logits',
      'hidden_states',
      'attentions',
    ]);

    // Unloading both gives every byte back (tf.memory() as before the loads).
    for (const id of [base.id, demo.id]) {
      const unloaded = await page.evaluate(
        (id) => (window as unknown as { __nezhaDebug: NezhaDebugHook }).__nezhaDebug.call('unload', { id }),
        id,
      );
      expect(unloaded.unloaded).toBe(true);
    }
    expect(await memory(page)).toMatchObject({ numTensors: before.numTensors, numBytes: before.numBytes });

    // The same in WASM, at the Node tolerance.
    const wasm = await initBackend(page, 'wasm');
    expect(wasm.backend).toBe('wasm');
    await load(page, host.origin, demo);
    const wasmRun = await runGolden(page, nerCase, demo.id);
    expect(wasmRun.backend).toBe('wasm');
    checkGolden('wasm token_classification', nerCase, wasmRun, 1e-5, [
      'logits',
      'hidden_states',
      'attentions',
    ]);
  } finally {
    host.services.checkpoints.remove(base.id);
  }
});
