/**
 * Benchmark section "model load (wasm)": a NEZHA-base-sized checkpoint (model.safetensors, ~410 MB)
 * loaded into NezhaModel on the tfjs WASM backend in Node, the way the renderer worker does it:
 * streamCheckpointFolder hands over one tensor at a time, each goes into the backend at once and
 * only the backend copy is kept, then loadNezha turns them into the model's variables. Measured in
 * a fresh child process so its peak RSS is the load's own; references from the same run: a plain
 * fs read of the same file (in a fresh process too) and the file size. Then one forward pass at
 * batch 1 × 128 and 8 × 128 tokens, and the tensor count after dispose() against before the load.
 *
 * Run alone: `npx tsx scripts/bench/modelLoad.ts --child-load <folder>` prints the child's JSON.
 */
import { pathToFileURL, fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { fsCheckpointSource } from '../../electron/services/fsCheckpointSource';
import { streamCheckpointFolder } from '../../shared/checkpoint/folder';
import type { TensorRecord } from '../../shared/checkpoint/types';
import type { CheckpointSource } from '../../shared/checkpoint/source';
import { NezhaConfig } from '../../shared/nezha/config';
import { loadNezha } from '../../shared/nezha/weights';
import { median, readWholeFile, runChildScript } from './child';

const MB = 2 ** 20;
const SEQUENCE = 128;
/** The WASM thread count asked for (the box has 2 cores shared by everyone). */
export const WASM_THREADS_ASKED = 2;

export interface ModelLoadMeasurement {
  /** What the WASM backend runs: the binary's features and the thread count it reports. */
  wasm: { simd: boolean; multithread: boolean; threadsAsked: number; threads: number };
  fileBytes: number;
  tensors: number;
  parameters: number;
  loadMs: number;
  /** RSS of the fresh process with the backend started, before the load, MB. */
  baselineRssMb: number;
  /** Peak RSS (process.resourceUsage().maxRSS) right after the load, MB. */
  peakRssAfterLoadMb: number;
  /** Peak RSS at the end, after the forward passes, MB. */
  peakRssAfterForwardMb: number;
  /** One forward pass per batch size: the first (cold) and the median of the warm ones, ms. */
  forward: { batch: number; firstMs: number; warmMs: number | null; runs: number }[];
  tensorsBeforeLoad: number;
  tensorsAfterDispose: number;
}

/** Starts tfjs's WASM backend in Node with the binaries from the package folder and 2 threads asked. */
export async function startWasmBackend(): Promise<ModelLoadMeasurement['wasm']> {
  tf.env().set('PROD', true);
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  // Only a multithreaded binary can use it; in Node tfjs 4.22 always picks a single-threaded one
  // (WASM_HAS_MULTITHREAD_SUPPORT is false under IS_NODE), so getThreadsCount() says what runs.
  // Forcing the flag on fails: the pthread pool starts worker_threads from a blob: URL, which Node
  // refuses (ERR_WORKER_PATH), and setBackend('wasm') then fails.
  wasm.setThreadsCount(WASM_THREADS_ASKED);
  if (!(await tf.setBackend('wasm'))) throw new Error('bench: the tfjs wasm backend failed to start in Node');
  await tf.ready();
  return {
    simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
    multithread: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
    threadsAsked: WASM_THREADS_ASKED,
    threads: wasm.getThreadsCount(),
  };
}

/** The folder as a source that shows model.safetensors only (a pytorch_model.bin may sit beside it). */
function safetensorsOnly(folder: string): CheckpointSource {
  const source = fsCheckpointSource(folder);
  return {
    ...source,
    listFiles: async () => (await source.listFiles()).filter((f) => f !== 'pytorch_model.bin'),
  };
}

function inputIds(batch: number): tf.Tensor2D {
  const ids = Array.from({ length: batch * SEQUENCE }, (_, i) => 672 + ((i * 7919) % 20000));
  return tf.tensor2d(ids, [batch, SEQUENCE], 'int32');
}

/** The measurement itself; runs in the fresh child process. */
export async function measureModelLoadInThisProcess(
  folder: string,
  options: { batches?: { batch: number; warmRuns: number }[] } = {},
): Promise<ModelLoadMeasurement> {
  const batches = options.batches ?? [
    { batch: 1, warmRuns: 2 },
    { batch: 8, warmRuns: 0 },
  ];
  const wasm = await startWasmBackend();
  const tensorsBeforeLoad = tf.memory().numTensors;
  const baselineRssMb = process.memoryUsage().rss / MB;

  const t0 = performance.now();
  const uploaded = new Map<string, TensorRecord | tf.Tensor>();
  const streamed = await streamCheckpointFolder(safetensorsOnly(folder), (name, record) => {
    // Into the WASM heap now; the decoded record (a view into the read chunk) is dropped.
    uploaded.set(
      name,
      record.data instanceof Float32Array ? tf.tensor(record.data, record.shape, 'float32') : record,
    );
  });
  const config = new NezhaConfig(streamed.config as never);
  const { model } = loadNezha('NezhaModel', config, uploaded);
  for (const value of uploaded.values()) if (value instanceof tf.Tensor && !value.isDisposed) value.dispose(); // the pretraining heads
  uploaded.clear();
  const loadMs = performance.now() - t0;
  const peakRssAfterLoadMb = process.resourceUsage().maxRSS / 1024;
  const parameters = [...model.namedParameters().values()].reduce((n, v) => n + v.size, 0);

  const forward: ModelLoadMeasurement['forward'] = [];
  for (const { batch, warmRuns } of batches) {
    const ids = inputIds(batch);
    const run = async (): Promise<number> => {
      const start = performance.now();
      const output = model.forward({ inputIds: ids });
      await output.lastHiddenState!.data(); // NezhaModel always returns it
      tf.dispose(output as unknown as tf.TensorContainer);
      return performance.now() - start;
    };
    const firstMs = await run();
    const warm: number[] = [];
    for (let r = 0; r < warmRuns; r++) warm.push(await run());
    forward.push({ batch, firstMs, warmMs: warm.length ? median(warm) : null, runs: warm.length + 1 });
    ids.dispose();
  }
  model.dispose();
  return {
    wasm,
    fileBytes: statSync(join(folder, 'model.safetensors')).size,
    tensors: streamed.tensorCount,
    parameters,
    loadMs,
    baselineRssMb,
    peakRssAfterLoadMb,
    peakRssAfterForwardMb: process.resourceUsage().maxRSS / 1024,
    forward,
    tensorsBeforeLoad,
    tensorsAfterDispose: tf.memory().numTensors,
  };
}

const THIS_FILE = fileURLToPath(import.meta.url);

function measureInChild(folder: string): ModelLoadMeasurement {
  return JSON.parse(runChildScript(THIS_FILE, ['--child-load', folder])) as ModelLoadMeasurement;
}

function readInChild(file: string): number {
  return Number(runChildScript(THIS_FILE, ['--child-read', file]));
}

interface Row {
  name: string;
  value: number;
  unit: string;
  reference?: string;
  ratio?: number;
}

/** The section's rows from the child's measurement and the fs-read reference (ms). */
export function modelLoadRows(m: ModelLoadMeasurement, readMs: number): Row[] {
  const fileMb = m.fileBytes / MB;
  const fileRef = `file size (${fileMb.toFixed(0)} MB)`;
  const rows: Row[] = [
    {
      name: `WASM threads in Node (asked ${m.wasm.threadsAsked}; SIMD ${m.wasm.simd ? 'on' : 'off'}, threaded binary ${m.wasm.multithread ? 'yes' : 'no'})`,
      value: m.wasm.threads,
      unit: 'threads',
    },
    {
      name: `load model.safetensors into NezhaModel (${m.tensors} tensors, ${(m.parameters / 1e6).toFixed(1)}M parameters kept)`,
      value: m.loadMs,
      unit: 'ms',
      reference: `plain fs read of the file into one buffer (${readMs.toFixed(0)} ms)`,
      ratio: m.loadMs / readMs,
    },
    {
      name: 'load: peak RSS of the process',
      value: m.peakRssAfterLoadMb,
      unit: 'MB',
      reference: fileRef,
      ratio: m.peakRssAfterLoadMb / fileMb,
    },
    {
      name: `load: peak RSS above the started backend (${m.baselineRssMb.toFixed(0)} MB)`,
      value: m.peakRssAfterLoadMb - m.baselineRssMb,
      unit: 'MB',
      reference: fileRef,
      ratio: (m.peakRssAfterLoadMb - m.baselineRssMb) / fileMb,
    },
  ];
  const batch1 = m.forward.find((f) => f.batch === 1);
  const batch1Ms = batch1 ? (batch1.warmMs ?? batch1.firstMs) : undefined;
  for (const f of m.forward) {
    const ms = f.warmMs ?? f.firstMs;
    const how =
      f.warmMs === null
        ? 'first pass'
        : `median of ${f.runs - 1} after a first pass of ${(f.firstMs / 1000).toFixed(2)} s`;
    const row: Row = {
      name: `forward ${f.batch} × ${SEQUENCE} tokens (${how})`,
      value: ms / 1000,
      unit: 's',
    };
    if (f.batch !== 1 && batch1Ms !== undefined) {
      row.reference = `${f.batch} × the batch-1 pass (${((f.batch * batch1Ms) / 1000).toFixed(2)} s)`;
      row.ratio = ms / (f.batch * batch1Ms);
    }
    rows.push(row);
  }
  rows.push(
    {
      name: 'peak RSS after the forward passes',
      value: m.peakRssAfterForwardMb,
      unit: 'MB',
      reference: fileRef,
      ratio: m.peakRssAfterForwardMb / fileMb,
    },
    {
      name: `tensors left after dispose() (${m.tensorsAfterDispose} now, ${m.tensorsBeforeLoad} before the load)`,
      value: m.tensorsAfterDispose - m.tensorsBeforeLoad,
      unit: 'tensors',
    },
  );
  return rows;
}

export async function runModelLoadBench(folder: string): Promise<Row[]> {
  const weights = join(folder, 'model.safetensors');
  if (!existsSync(weights))
    throw new Error(
      `model load (wasm): ${weights} does not exist; pass a folder with model.safetensors to --checkpoint, or none to generate one`,
    );
  // Page cache warmed by the first read; the median of three fresh-process reads is the floor.
  const readMs = median([0, 1, 2].map(() => readInChild(weights)));
  const measurement = measureInChild(folder);
  if (measurement.tensorsAfterDispose !== measurement.tensorsBeforeLoad) {
    console.error(
      `model load (wasm): ${measurement.tensorsAfterDispose - measurement.tensorsBeforeLoad} tensors leaked: tf.memory().numTensors was ${measurement.tensorsBeforeLoad} before the load and ${measurement.tensorsAfterDispose} after dispose()`,
    );
  }
  return modelLoadRows(measurement, readMs);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2);
  const read = argv.indexOf('--child-read');
  const load = argv.indexOf('--child-load');
  if (read >= 0) console.log(String(await readWholeFile(argv[read + 1])));
  else if (load >= 0) console.log(JSON.stringify(await measureModelLoadInThisProcess(argv[load + 1])));
  else {
    console.error('usage: npx tsx scripts/bench/modelLoad.ts --child-load <folder> | --child-read <file>');
    process.exit(2);
  }
}
