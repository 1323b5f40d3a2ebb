/**
 * The Benchmark view's store end to end in Node: created with its dependencies (the api client over the real
 * serve host, and the worker's real model and benchmark handlers over a MessageChannel on the CPU backend),
 * it checks a pair against the dataset's prepared data file, runs it through the orchestrator to a stored
 * record, cancels and resumes a run, and keeps no state outside itself (a second store starts empty and reads
 * the stored run back).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServeHost } from './testServeHost';
import { type ServeHost } from '../electron/serve/host';
import type { CheckpointRecord, DatasetRecord } from '../shared/ipc';
import { createApi, type Api } from '../renderer/src/api/client';
import { serveTransport } from '../renderer/src/api/transports/serve';
import {
  createWorkerCaller,
  serveWorkerRequests,
  type MessageEndpoint,
  type WorkerHandlers,
} from '../renderer/src/inference/common/rpc';
import type { InferenceClient } from '../renderer/src/inference/ui/client';
import { createBenchmarkHandlers } from '../renderer/src/inference/worker/benchmarkHandlers';
import { createModelHandlers } from '../renderer/src/inference/worker/modelHandlers';
import { cellKey, createBenchmarkStore } from '../renderer/src/views/benchmark/store';
import type { ViewStoreDeps } from '../renderer/src/state/viewStore';
import { defaultSettings } from '../shared/ipc';

const root = resolve(__dirname, '..');
let dir: string;
let host: ServeHost;
let api: Api;
let library: { checkpoints: CheckpointRecord[]; datasets: DatasetRecord[] };
const closers: (() => void)[] = [];

/** 30 short NER sentences as a char-per-line file: enough chunks (of 2) to cancel in the middle. */
function nerFile(): string {
  const names = ['张三', '李四', '王五', '赵六', '孙七'];
  const places = ['北京', '上海', '广州', '深圳', '杭州', '南京'];
  return Array.from({ length: 30 }, (_, i) => {
    const text = `${names[i % names.length]}在${places[i % places.length]}工作`;
    const tags = ['B-PER', 'I-PER', 'O', 'B-LOC', 'I-LOC', 'O', 'O'];
    return [...text].map((c, k) => `${c} ${tags[k]}`).join('\n');
  }).join('\n\n');
}

function workerClient(): InferenceClient {
  const options = { headers: { authorization: `Bearer ${host.token}` } };
  const models = createModelHandlers(options);
  const benchmarks = createBenchmarkHandlers(models.registry, options);
  const handlers = {
    ...models.handlers,
    ...benchmarks.handlers,
    cancel: (request: { jobId: string }, context: Parameters<WorkerHandlers['cancel']>[1]) =>
      benchmarks.cancel(request.jobId) ? { cancelled: true } : models.handlers.cancel(request, context),
  } as unknown as WorkerHandlers;
  const channel = new MessageChannel();
  serveWorkerRequests(channel.port2 as unknown as MessageEndpoint, handlers);
  const caller = createWorkerCaller(channel.port1 as unknown as MessageEndpoint);
  channel.port1.start();
  channel.port2.start();
  closers.push(() => (channel.port1.close(), channel.port2.close()));
  return {
    call: (method, payload, callOptions) => caller.call(method, payload, callOptions),
    onBackend: () => () => undefined,
    onCrash: () => () => undefined,
    terminate: () => undefined,
  };
}

function newStore() {
  const deps: ViewStoreDeps = {
    api,
    inference: workerClient(),
    settings: () => defaultSettings,
    toast: () => undefined,
  };
  return createBenchmarkStore(deps);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  ({ host, dir } = await startTestServeHost('nezha-bench-store-'));
  // The store turns served paths into URLs of the page's origin, as in the browser.
  Object.defineProperty(globalThis, 'location', { value: new URL(`${host.origin}/`), configurable: true });
  const checkpoint = await host.services.checkpoints.import(
    join(root, 'fixtures/nezha-tiny/token-classification'),
    'tiny NER',
  );
  writeFileSync(join(dir, 'thirty.txt'), nerFile());
  const imported = await host.services.datasetStore.import({
    path: join(dir, 'thirty.txt'),
    format: 'char-per-line',
  });
  api = createApi(serveTransport({ origin: host.origin, token: host.token }));
  library = {
    checkpoints: [checkpoint],
    datasets: (await api.datasets.list()).filter((d) => d.id === imported.dataset.id),
  };
});
afterAll(async () => {
  for (const close of closers) close();
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
  Reflect.deleteProperty(globalThis, 'location');
});

describe('the Benchmark store', () => {
  it('checks, cancels, resumes and finishes a cell, and a second store reads the stored run back', async () => {
    const store = newStore();
    const [checkpoint] = library.checkpoints;
    const [dataset] = library.datasets;
    const key = cellKey(checkpoint.id, dataset.id);
    store.getState().toggleSelection('checkpoint', checkpoint.id);
    store.getState().toggleSelection('dataset', dataset.id);
    store.getState().setRunOptions({ maxBatchSize: 2, resamples: 50 });
    await store.getState().checkSelection(library);
    expect(store.getState().cells[key]).toMatchObject({ status: 'ready', plan: { task: 'ner' } });
    const prepared = await api.benchmarks.prepareData({ datasetId: dataset.id });

    // Cancel after the first stored chunk: the run stops, cancelled, with its predictions kept.
    const unsubscribe = store.subscribe((state) => {
      if ((state.cells[key]?.progress?.done ?? 0) >= 2 && !state.cancelRequested) state.cancelRun();
    });
    await store.getState().startRun(library, null);
    unsubscribe();
    expect(store.getState().cells[key].status).toBe('cancelled');
    expect(store.getState().running).toBe(false);
    const [stopped] = await api.benchmarks.list();
    expect(stopped).toMatchObject({ status: 'cancelled', datasetSha256: prepared.sha256, error: null });
    expect(stopped.done).toBeGreaterThan(0);
    expect(stopped.done).toBeLessThan(30);

    // Started again, it resumes: the stored predictions are skipped and the cell finishes with its record.
    await store.getState().startRun(library, null);
    const cell = store.getState().cells[key];
    expect(cell.status).toBe('finished');
    expect(cell.record).toMatchObject({
      dataset: { sha256: prepared.sha256, evaluated: 30, records: 30, format: 'char-per-line' },
      checkpoint: { name: 'tiny NER', className: 'NezhaForTokenClassification' },
      settings: { maxBatchSize: 2, resamples: 50, seed: 0, limit: null },
      environment: { backend: 'cpu' },
    });
    expect(cell.record!.resumed).toBe(stopped.done);
    expect(cell.predictions).toHaveLength(30);

    // No state outside the store: a second one starts empty and finds the finished run in the run store.
    const other = newStore();
    expect(other.getState().cells).toEqual({});
    other.getState().toggleSelection('checkpoint', checkpoint.id);
    other.getState().toggleSelection('dataset', dataset.id);
    other.getState().setRunOptions({ maxBatchSize: 2, resamples: 50 });
    await other.getState().checkSelection(library);
    expect(other.getState().cells[key]).toMatchObject({ status: 'finished', record: cell.record });
    expect(other.getState().cells[key].predictions).toEqual(cell.predictions);

    // Details read the dataset's records from the served file (the browser sends the token as its cookie).
    const browserFetch = globalThis.fetch;
    globalThis.fetch = (input, init) =>
      browserFetch(input, { ...init, headers: { cookie: `nezha_token=${host.token}` } });
    closers.push(() => (globalThis.fetch = browserFetch));
    other.getState().openDetails(key);
    await expect.poll(() => other.getState().examples[dataset.id]).toMatchObject({ task: 'ner' });
    expect(other.getState().detailsKey).toBe(key);
  }, 60_000);
});
