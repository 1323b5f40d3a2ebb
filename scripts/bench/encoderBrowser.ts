/**
 * The Chromium half of the "encoder" bench section: tfjs through the renderer's real inference worker (the
 * serve host serving out/renderer, the checkpoint imported into its library and streamed to the worker over
 * HTTP Range, the `?debug` worker protocol: init → load → run, the forward time measured in the worker) on
 * WASM and WebGPU, and onnxruntime-web on WASM (2 threads) and WebGPU over the same weights' ONNX export, in
 * a page of its own served with cross-origin isolation (SharedArrayBuffer for WASM threads).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { checkpointFilePath } from '../../shared/ipc';
import { startServeHost } from '../../electron/serve/host';
import type { NezhaDebugHook } from '../../renderer/src/inference/ui/client';
import { median } from './child';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium';

/** Timed runs after a warm-up, bounded by this budget (at least one). */
const BUDGET_MS = 6000;
const MAX_RUNS = 5;
/** A warm-up slower than this is the measurement (no timed runs after it). */
const SLOW_WARMUP_MS = 15_000;
/** Wall time one backend may spend over all presets and shapes; later ones are skipped (software WebGPU). */
const BACKEND_BUDGET_MS = 120_000;

export interface BrowserTiming {
  ms: number;
  runs: number;
  /** "WASM (2 threads, SIMD)", "WebGPU (…)", or what ORT reports. */
  backend: string;
}

export interface BrowserShapeResult {
  batch: number;
  sequence: number;
  tfjsWasm: BrowserTiming | { error: string };
  tfjsWebgpu: BrowserTiming | { error: string };
  ortWasm: BrowserTiming | { error: string };
  ortWebgpu: BrowserTiming | { error: string };
}

export interface BrowserPresetInput {
  preset: string;
  folder: string;
  onnx: string;
}

export interface BrowserResult {
  chromium: string;
  presets: { preset: string; shapes: BrowserShapeResult[] }[];
}

type Shape = { batch: number; sequence: number };

function ids(shape: Shape): number[] {
  return Array.from({ length: shape.batch * shape.sequence }, (_, i) => 672 + ((i * 7919) % 20000));
}

async function timed(runOnce: () => Promise<number>): Promise<{ ms: number; runs: number }> {
  const warmup = await runOnce(); // warm-up: shader compilation, first allocation
  if (warmup > SLOW_WARMUP_MS) return { ms: warmup, runs: 0 };
  const times: number[] = [];
  const started = performance.now();
  while (times.length < MAX_RUNS && (times.length === 0 || performance.now() - started < BUDGET_MS))
    times.push(await runOnce());
  return { ms: median(times), runs: times.length };
}

/** Per-backend wall-time budget: once spent, the remaining measurements are skipped with the reason. */
class Budget {
  private readonly started = performance.now();
  spent(): string | null {
    const elapsed = performance.now() - this.started;
    return elapsed > BACKEND_BUDGET_MS
      ? `skipped: this backend used its ${BACKEND_BUDGET_MS / 1000} s budget on the smaller runs`
      : null;
  }
}

async function attempt<T>(fn: () => Promise<T>, budget?: Budget): Promise<T | { error: string }> {
  const skipped = budget?.spent();
  if (skipped) return { error: skipped };
  try {
    return await fn();
  } catch (error) {
    return { error: (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 160) };
  }
}

const debugCall = (page: Page, method: string, request: unknown) =>
  page.evaluate(
    ([method, request]) =>
      (window as unknown as { __nezhaDebug: NezhaDebugHook }).__nezhaDebug.call(
        method as never,
        request as never,
      ),
    [method, request] as const,
  );

/** tfjs in the app's worker: one backend, every preset loaded in turn, each shape timed. */
async function tfjsInWorker(
  page: Page,
  origin: string,
  records: { id: string; name: string; files: string[] }[],
  preference: 'wasm' | 'webgpu',
  shapes: readonly Shape[],
): Promise<Map<string, BrowserTiming | { error: string }>> {
  const out = new Map<string, BrowserTiming | { error: string }>();
  const budget = new Budget();
  const status = (await debugCall(page, 'init', { preference })) as {
    backend: string;
    threads?: number;
    simd?: boolean;
    adapter?: string;
  };
  const label =
    status.backend === 'wasm'
      ? `tfjs WASM in the worker (${status.threads ?? 1} threads${status.simd ? ', SIMD' : ''})`
      : status.backend === 'webgpu'
        ? `tfjs WebGPU in the worker (${status.adapter ?? 'adapter'})`
        : `tfjs ${status.backend}`;
  for (const record of records) {
    const failed =
      status.backend !== preference ? `${preference} did not start (got ${status.backend})` : null;
    if (!failed && !budget.spent()) {
      await debugCall(page, 'load', {
        id: record.id,
        name: record.name,
        files: record.files.map((file) => ({ file, url: `${origin}${checkpointFilePath(record.id, file)}` })),
      });
    }
    for (const shape of shapes) {
      const key = `${record.id}:${shape.batch}x${shape.sequence}`;
      if (failed) {
        out.set(key, { error: failed });
        continue;
      }
      out.set(
        key,
        await attempt(async () => {
          const inputIds = ids(shape);
          const t = await timed(async () => {
            const response = (await page.evaluate(
              async ([id, shape, inputIds]) => {
                const debug = (window as unknown as { __nezhaDebug: NezhaDebugHook }).__nezhaDebug;
                const r = await debug.call('run', {
                  id,
                  shape: [...shape],
                  inputIds: Int32Array.from(inputIds),
                });
                return { ms: r.ms };
              },
              [record.id, [shape.batch, shape.sequence], inputIds] as const,
            )) as { ms: number };
            return response.ms;
          });
          return { ...t, backend: label };
        }, budget),
      );
    }
    if (!failed) await debugCall(page, 'unload', { id: record.id }).catch(() => undefined);
  }
  return out;
}

const ORT_PAGE = `<!doctype html><meta charset="utf-8"><title>ort-web bench</title>
<script type="module">
import * as ort from '/ort/ort.webgpu.min.mjs';
ort.env.wasm.wasmPaths = '/ort/';
ort.env.wasm.numThreads = 2;
const sessions = new Map();
window.__ortBench = {
  async run(model, provider, shape, ids) {
    const key = model + ':' + provider;
    if (!sessions.has(key)) {
      const response = await fetch('/model/' + model);
      if (!response.ok) throw new Error('/model/' + model + ': HTTP ' + response.status);
      const bytes = new Uint8Array(await response.arrayBuffer());
      sessions.set(key, await ort.InferenceSession.create(bytes, { executionProviders: [provider], graphOptimizationLevel: 'all' }));
    }
    const session = sessions.get(key);
    const n = shape[0] * shape[1];
    const feed = (f) => new ort.Tensor('int64', BigInt64Array.from({ length: n }, (_, i) => BigInt(f(i))), shape);
    const t0 = performance.now();
    const out = await session.run({ input_ids: feed((i) => ids[i]), attention_mask: feed(() => 1), token_type_ids: feed(() => 0) });
    const data = out.last_hidden_state.location === 'gpu-buffer' ? await out.last_hidden_state.getData() : out.last_hidden_state.data;
    const ms = performance.now() - t0;
    if (data.length !== n * out.last_hidden_state.dims[2]) throw new Error('short output');
    return ms;
  },
  async release() { for (const s of sessions.values()) await s.release(); sessions.clear(); },
  isolated: () => crossOriginIsolated,
};
window.__ortReady = true;
</script>`;

/** A static server for the ORT page: the page, onnxruntime-web's dist files and the exported models. */
function ortServer(models: Map<string, string>): Promise<{ server: Server; url: string }> {
  const dist = resolve('node_modules/onnxruntime-web/dist');
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const headers: Record<string, string> = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
    };
    try {
      let body: Buffer | string;
      if (url.pathname === '/') {
        body = ORT_PAGE;
        headers['Content-Type'] = 'text/html';
      } else if (url.pathname.startsWith('/ort/') && /^[\w.-]+$/.test(url.pathname.slice(5))) {
        body = readFileSync(join(dist, url.pathname.slice(5)));
        headers['Content-Type'] = url.pathname.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
      } else if (url.pathname.startsWith('/model/') && models.has(url.pathname.slice(7))) {
        body = readFileSync(models.get(url.pathname.slice(7))!);
        headers['Content-Type'] = 'application/octet-stream';
      } else {
        response.writeHead(404, headers).end();
        return;
      }
      response.writeHead(200, headers).end(body);
    } catch {
      response.writeHead(404, headers).end();
    }
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      done({ server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/` });
    }),
  );
}

async function ortWeb(
  browser: Browser,
  presets: BrowserPresetInput[],
  shapes: readonly Shape[],
): Promise<Map<string, BrowserTiming | { error: string }>> {
  const out = new Map<string, BrowserTiming | { error: string }>();
  const models = new Map(presets.map((p) => [`${p.preset}.onnx`, p.onnx]));
  const { server, url } = await ortServer(models);
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { __ortReady?: boolean }).__ortReady === true);
    const isolated = await page.evaluate(() =>
      (window as unknown as { __ortBench: { isolated(): boolean } }).__ortBench.isolated(),
    );
    for (const provider of ['wasm', 'webgpu'] as const) {
      const budget = new Budget();
      for (const preset of presets) {
        for (const shape of shapes) {
          const key = `${preset.preset}:${provider}:${shape.batch}x${shape.sequence}`;
          out.set(
            key,
            await attempt(async () => {
              const inputIds = ids(shape);
              const t = await timed(() =>
                page.evaluate(
                  ([model, provider, shape, inputIds]) =>
                    (
                      window as unknown as { __ortBench: { run(...a: unknown[]): Promise<number> } }
                    ).__ortBench.run(model, provider, shape, inputIds),
                  [`${preset.preset}.onnx`, provider, [shape.batch, shape.sequence], inputIds] as const,
                ),
              );
              return {
                ...t,
                backend:
                  provider === 'wasm'
                    ? `onnxruntime-web WASM (${isolated ? '2 threads' : '1 thread: page not cross-origin isolated'})`
                    : 'onnxruntime-web WebGPU',
              };
            }, budget),
          );
        }
        await page.evaluate(() =>
          (window as unknown as { __ortBench: { release(): Promise<void> } }).__ortBench.release(),
        );
      }
    }
  } finally {
    await page.close();
    server.close();
  }
  return out;
}

/** Runs everything in one Chromium; throws when Chromium or the built renderer is missing. */
export async function measureEncoderInChromium(
  presets: BrowserPresetInput[],
  allShapes: readonly Shape[],
): Promise<BrowserResult> {
  // Smallest first: a slow (software) backend spends its budget on the cheap runs and skips the rest.
  const shapes = [...allShapes].sort((a, b) => a.batch * a.sequence - b.batch * b.sequence);
  const rendererDir = resolve('out/renderer');
  readFileSync(join(rendererDir, 'index.html')); // a clear ENOENT when the renderer is not built
  const dataDir = mkdtempSync(join(tmpdir(), 'nezha-bench-encoder-'));
  const host = await startServeHost({ dataDir, rendererDir, resourcesDir: resolve('resources') });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    const records: { id: string; name: string; files: string[] }[] = [];
    for (const preset of presets)
      records.push(await host.services.checkpoints.import(preset.folder, `bench ${preset.preset}`));
    const page = await browser.newPage();
    await page.goto(`${host.url}&debug`);
    await page.waitForFunction(() => '__nezhaDebug' in window, undefined, { timeout: 60_000 });
    await page.waitForSelector('[data-testid="status-backend"][data-backend]', { timeout: 60_000 });
    const wasm = await tfjsInWorker(page, host.origin, records, 'wasm', shapes);
    const webgpu = await tfjsInWorker(page, host.origin, records, 'webgpu', shapes);
    await page.close();
    const ort = await ortWeb(browser, presets, shapes);
    return {
      chromium: browser.version(),
      presets: presets.map((preset, p) => ({
        preset: preset.preset,
        shapes: shapes.map((shape) => {
          const s = `${shape.batch}x${shape.sequence}`;
          return {
            ...shape,
            tfjsWasm: wasm.get(`${records[p].id}:${s}`)!,
            tfjsWebgpu: webgpu.get(`${records[p].id}:${s}`)!,
            ortWasm: ort.get(`${preset.preset}:wasm:${s}`)!,
            ortWebgpu: ort.get(`${preset.preset}:webgpu:${s}`)!,
          };
        }),
      })),
    };
  } finally {
    await browser.close();
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
