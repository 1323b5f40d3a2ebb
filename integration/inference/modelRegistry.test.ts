/**
 * The worker's model methods end to end in Node: checkpoint bytes served by the real serve host
 * (Range requests, bearer token), fetched by httpCheckpointSource, streamed onto the tfjs CPU
 * backend, run against HF's goldens, pipelines, cancellation and memory release. The handlers
 * are served over a MessageChannel, as the worker serves them over postMessage.
 */
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServeHost } from '../../electron/serve/host';
import { startTestServeHost } from '../testServeHost';
import { checkpointFilePath, type CheckpointRecord } from '../../shared/ipc';
import {
  compareRunToGolden,
  goldenRunRequest,
  type GoldenCaseJson,
} from '../../renderer/src/inference/common/goldenCheck';
import { httpCheckpointSource } from '../../renderer/src/inference/worker/httpCheckpointSource';
import { createModelHandlers } from '../../renderer/src/inference/worker/modelHandlers';
import type { LoadModelRequest, WorkerProgress } from '../../renderer/src/inference/common/protocol';
import {
  createWorkerCaller,
  serveWorkerRequests,
  type MessageEndpoint,
  type WorkerHandlers,
} from '../../renderer/src/inference/common/rpc';

const root = resolve(__dirname, '../..');
const fixtures = join(root, 'fixtures/nezha-tiny');
let dir: string;
let host: ServeHost;
let demo: CheckpointRecord;
let base: CheckpointRecord;

const golden = (name: string) =>
  JSON.parse(readFileSync(join(fixtures, 'goldens', `${name}.json`), 'utf8')) as GoldenCaseJson;

beforeAll(async () => {
  await tf.setBackend('cpu');
  ({ host, dir } = await startTestServeHost('nezha-registry-'));
  demo = host.services.checkpoints.list().find((c) => c.id === 'builtin-nezha-tiny-token-classification')!;
  base = await host.services.checkpoints.import(join(fixtures, 'base'), 'tiny base');
});
afterAll(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

const fetchOptions = () => ({ headers: { authorization: `Bearer ${host.token}` } });
const urlOf = (id: string, file: string) => `${host.origin}${checkpointFilePath(id, file)}`;
const loadRequest = (record: CheckpointRecord, extra: Partial<LoadModelRequest> = {}): LoadModelRequest => ({
  id: record.id,
  name: record.name,
  files: record.files.map((file) => ({ file, url: urlOf(record.id, file) })),
  ...extra,
});

const channels: MessageChannel[] = [];
function connect() {
  const { registry, handlers } = createModelHandlers(fetchOptions());
  const all = {
    init: () => {
      throw new Error('not in this test');
    },
    status: () => null,
    ...handlers,
  } as Partial<WorkerHandlers> as WorkerHandlers;
  const channel = new MessageChannel();
  channels.push(channel);
  serveWorkerRequests(channel.port2 as unknown as MessageEndpoint, all);
  const caller = createWorkerCaller(channel.port1 as unknown as MessageEndpoint);
  channel.port1.start();
  channel.port2.start();
  return { caller, registry };
}
afterEach(() => {
  for (const channel of channels.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
});

describe('httpCheckpointSource against the serve host', () => {
  it('sizes files with HEAD and reads exact byte ranges', async () => {
    const source = httpCheckpointSource({
      name: demo.name,
      files: demo.files.map((file) => ({ file, url: urlOf(demo.id, file) })),
      ...fetchOptions(),
    });
    const onDisk = readFileSync(join(demo.path, 'model.safetensors'));
    expect(await source.size('model.safetensors')).toBe(statSync(join(demo.path, 'model.safetensors')).size);
    const slice = await source.read('model.safetensors', 1000, 1234);
    expect(Buffer.from(slice).equals(onDisk.subarray(1000, 1234))).toBe(true);
    expect((await source.read('config.json')).byteLength).toBe(statSync(join(demo.path, 'config.json')).size);
    expect((await source.read('model.safetensors', 5, 5)).byteLength).toBe(0);
  });

  it('names the file, the URL and what to do when a file is unknown or missing', async () => {
    const source = httpCheckpointSource({
      name: 'demo',
      files: [
        { file: 'config.json', url: urlOf(demo.id, 'config.json') },
        { file: 'gone.bin', url: urlOf('no-such-checkpoint', 'gone.bin') },
      ],
      ...fetchOptions(),
    });
    await expect(source.read('vocab.txt')).rejects.toThrow(
      /demo\/vocab\.txt .*not a file of this checkpoint/,
    );
    await expect(source.read('gone.bin', 0, 10)).rejects.toThrow(/demo\/gone\.bin \(http:.*\): HTTP 404/);
  });
});

describe('model loading, running and unloading in the worker handlers (tfjs cpu)', () => {
  it('streams the demo checkpoint with progress, matches HF at 1e-5 and frees every byte on unload', async () => {
    const { caller } = connect();
    const before = tf.memory();
    const progress: WorkerProgress[] = [];
    const info = await caller.call('load', loadRequest(demo), { onProgress: (p) => progress.push(p) });
    expect(info.className).toBe('NezhaForTokenClassification');
    expect(info.tasks).toEqual(['token-classification']);
    expect(info.labels).toEqual(['B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG', 'O']);
    expect(info.missingKeys).toEqual([]);
    expect(info.memoryBefore.numTensors).toBe(before.numTensors);
    // Progress: bytes only grow and end at the file size; tensors count up to the checkpoint's.
    const weightBytes = statSync(join(demo.path, 'model.safetensors')).size;
    expect(progress.at(-1)).toMatchObject({
      done: weightBytes,
      total: weightBytes,
      tensors: info.tensorCount,
    });
    for (let k = 1; k < progress.length; k++)
      expect(progress[k].done).toBeGreaterThanOrEqual(progress[k - 1].done);
    expect(info.weightBytes).toBe(weightBytes);

    const loaded = await caller.call('memory', {});
    expect(loaded.models.map((m) => m.id)).toEqual([demo.id]);
    expect(loaded.memory.numBytes).toBeGreaterThan(before.numBytes + 2_000_000); // 21128 × 32 embeddings at least

    const caseFile = golden('token_classification');
    const response = await caller.call('run', goldenRunRequest(caseFile, demo.id));
    const reports = compareRunToGolden(caseFile, response, 1e-5, 1e-5);
    expect(reports.map((r) => r.output)).toEqual([
      'logits',
      'hidden_states[0]',
      'hidden_states[1]',
      'hidden_states[2]',
      'attentions[0]',
      'attentions[1]',
    ]);
    for (const report of reports) expect(report, report.output).toMatchObject({ violations: 0 });
    // The first run builds the model's relative-position table (kept until unload); later runs leak nothing.
    const afterFirstRun = tf.memory().numTensors;
    await caller.call('run', goldenRunRequest(caseFile, demo.id));
    expect(tf.memory().numTensors).toBe(afterFirstRun);

    const unloaded = await caller.call('unload', { id: demo.id });
    expect(unloaded.unloaded).toBe(true);
    expect(unloaded.memory).toMatchObject({ numTensors: before.numTensors, numBytes: before.numBytes });
    expect((await caller.call('unload', { id: demo.id })).unloaded).toBe(false);
  });

  it('holds several checkpoints at once; the bare encoder matches the NezhaModel golden', async () => {
    const { caller, registry } = connect();
    const before = tf.memory();
    await Promise.all([caller.call('load', loadRequest(demo)), caller.call('load', loadRequest(base))]);
    expect(
      registry
        .list()
        .map((m) => m.className)
        .sort(),
    ).toEqual(['NezhaForTokenClassification', 'NezhaModel']);
    const caseFile = golden('model');
    const reports = compareRunToGolden(
      caseFile,
      await caller.call('run', goldenRunRequest(caseFile, base.id)),
      1e-5,
      1e-5,
    );
    expect(reports.map((r) => r.output).slice(0, 2)).toEqual(['last_hidden_state', 'pooler_output']);
    for (const report of reports) expect(report, report.output).toMatchObject({ violations: 0 });
    // A bare encoder has no task head: the pipeline says which checkpoint and why.
    await expect(
      caller.call('runPipeline', {
        id: base.id,
        request: { task: 'fill-mask', texts: ['北京是[MASK]国的首都'] },
      }),
    ).rejects.toThrow(
      /"tiny base" is a NezhaModel, which cannot run Fill mask \(a bare encoder has no task head\)/,
    );
    registry.unloadAll();
    expect(tf.memory()).toMatchObject({ numTensors: before.numTensors, numBytes: before.numBytes });
  });

  it('runs token classification through the pipeline; entity spans slice the input text', async () => {
    const { caller, registry } = connect();
    await caller.call('load', loadRequest(demo));
    const text = '哪吒在陈塘关长大，后来拜太乙真人为师。😀李靖是陈塘关总兵。';
    const progress: WorkerProgress[] = [];
    const response = await caller.call(
      'runPipeline',
      { id: demo.id, request: { task: 'token-classification', texts: [text, '北京'] } },
      { onProgress: (p) => progress.push(p) },
    );
    expect(response.backend).toBe('cpu');
    if (response.result.task !== 'token-classification') throw new Error('wrong task');
    const [entities, short] = response.result.entities;
    expect(entities.length + short.length).toBeGreaterThan(0); // random weights still tag something
    for (const entity of entities) {
      expect(text.slice(entity.startUtf16, entity.endUtf16)).toBe(entity.text);
      expect(['PER', 'LOC', 'ORG']).toContain(entity.type);
    }
    expect(progress.at(-1)).toMatchObject({ done: 2, total: 2 });
    registry.unloadAll();
  });

  it("inspects a text: tokens with spans into it and each layer's attention rows summing to 1", async () => {
    const { caller, registry } = connect();
    await caller.call('load', loadRequest(demo));
    const text = '哪吒😀在陈塘关';
    const inspected = await caller.call('inspect', { id: demo.id, text });
    expect(inspected.tokens).toEqual(['[CLS]', '哪', '吒', '[UNK]', '在', '陈', '塘', '关', '[SEP]']);
    expect(inspected.offsets[0]).toBeNull();
    expect(inspected.offsets.slice(1, -1).map((span) => text.slice(span![0], span![1]))).toEqual([
      '哪',
      '吒',
      '😀',
      '在',
      '陈',
      '塘',
      '关',
    ]);
    expect(inspected.truncated).toBe(false);
    expect(inspected.attentions.map((a) => a.shape)).toEqual([
      [1, 4, 9, 9],
      [1, 4, 9, 9],
    ]);
    const { data } = inspected.attentions[1];
    for (let row = 0; row < 4 * 9; row++) {
      const sum = data.subarray(row * 9, row * 9 + 9).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 5);
    }
    const short = await caller.call('inspect', { id: demo.id, text, maxLength: 5 });
    expect(short.tokens).toHaveLength(5);
    expect(short.truncated).toBe(true);
    registry.unloadAll();
  });

  it('idle() waits for work in flight, so a backend switch never disposes a model mid-run', async () => {
    const { caller, registry } = connect();
    await caller.call('load', loadRequest(demo));
    const texts = Array.from({ length: 12 }, (_, i) => `第${i}句：哪吒在陈塘关长大。`);
    let switched: Promise<void> | null = null;
    const response = await caller.call(
      'runPipeline',
      { id: demo.id, maxBatchSize: 2, request: { task: 'token-classification', texts } },
      // What init does on a backend switch, started while the pipeline is between batches.
      { onProgress: () => (switched ??= registry.idle().then(() => registry.unloadAll())) },
    );
    await switched;
    if (response.result.task !== 'token-classification') throw new Error('wrong task');
    expect(response.result.entities).toHaveLength(12);
    expect(registry.list()).toEqual([]);
  });

  it('cancels a pipeline between batches and a load between reads, releasing what the load made', async () => {
    const { caller, registry } = connect();
    await caller.call('load', loadRequest(demo));
    const texts = Array.from({ length: 40 }, (_, i) => `第${i}句：哪吒在陈塘关长大。`);
    let cancelled: Promise<{ cancelled: boolean }> | null = null;
    const run = caller.call(
      'runPipeline',
      { id: demo.id, jobId: 'ner-1', maxBatchSize: 2, request: { task: 'token-classification', texts } },
      { onProgress: () => (cancelled ??= caller.call('cancel', { jobId: 'ner-1' })) },
    );
    await expect(run).rejects.toThrow(/Cancelled/);
    expect(await cancelled).toEqual({ cancelled: true });
    expect((await caller.call('cancel', { jobId: 'ner-1' })).cancelled).toBe(false);
    registry.unloadAll();

    const before = tf.memory();
    let cancelLoad: Promise<unknown> | null = null;
    const load = caller.call('load', loadRequest(base, { jobId: 'load-1' }), {
      onProgress: () => (cancelLoad ??= caller.call('cancel', { jobId: 'load-1' })),
    });
    await expect(load).rejects.toThrow(/Cancelled/);
    await cancelLoad;
    expect(registry.list()).toEqual([]);
    expect(tf.memory()).toMatchObject({ numTensors: before.numTensors, numBytes: before.numBytes });
  });
});

describe('model memory: holders and least-recently-used eviction under the budget (tfjs cpu)', () => {
  const loadedIds = (registry: { list(): { id: string }[] }) =>
    registry
      .list()
      .map((m) => m.id)
      .sort();

  it('a view holds one model: picking another releases the first, which is unloaded over the budget', async () => {
    const { caller, registry } = connect();
    const before = tf.memory();
    await caller.call('load', loadRequest(demo, { holder: 'annotate' }));
    await caller.call('load', loadRequest(base, { holder: 'playground' }));
    // A budget of 0: everything unreferenced must go, but the current model of each view stays.
    const set = await caller.call('setMemoryBudget', { bytes: 0 });
    expect(set).toMatchObject({ budgetBytes: 0, evicted: [] });
    expect(loadedIds(registry)).toEqual([base.id, demo.id].sort());

    // Annotate picks base: demo has no holder any more and is unloaded; base is held by both views.
    await caller.call('load', loadRequest(base, { holder: 'annotate' }));
    const report = await caller.call('memory', {});
    expect(report.holders).toEqual({ annotate: base.id, playground: base.id });
    expect(report.models.map((m) => m.id)).toEqual([base.id]);
    expect(report.budgetBytes).toBe(0);

    expect(await caller.call('release', { holder: 'annotate' })).toMatchObject({
      released: base.id,
      evicted: [],
    });
    const released = await caller.call('release', { holder: 'playground' });
    expect(released).toMatchObject({ released: base.id, evicted: [base.id] });
    // Every byte the loads made is back.
    expect(released.memory).toMatchObject({ numTensors: before.numTensors, numBytes: before.numBytes });
    expect(await caller.call('release', { holder: 'playground' })).toMatchObject({
      released: null,
      evicted: [],
    });
  });

  it('keeps unused models while they fit, then evicts the least recently used first', async () => {
    const { caller, registry } = connect();
    const before = tf.memory().numBytes;
    const third = await host.services.checkpoints.import(join(fixtures, 'token-classification'), 'tiny ner');
    await caller.call('load', loadRequest(demo));
    const oneTiny = tf.memory().numBytes - before;
    await caller.call('load', loadRequest(base));
    const two = tf.memory().numBytes - before;
    // Room for two tiny models plus a margin, not for three.
    await caller.call('setMemoryBudget', { bytes: before + two + Math.floor(oneTiny / 2) });
    expect(loadedIds(registry)).toEqual([base.id, demo.id].sort());
    // demo is used after base was loaded, so base is now the least recently used and goes for the third.
    await caller.call('runPipeline', {
      id: demo.id,
      request: { task: 'token-classification', texts: ['北京'] },
    });
    await caller.call('load', loadRequest(third, { holder: 'annotate' }));
    expect(loadedIds(registry)).toEqual([demo.id, third.id].sort());
    // base again: now demo is the least recently used unheld model; the held one is never a candidate.
    await caller.call('load', loadRequest(base));
    expect(loadedIds(registry)).toEqual([base.id, third.id].sort());
    await caller.call('setMemoryBudget', { bytes: 0 });
    expect(loadedIds(registry)).toEqual([third.id]);
    await caller.call('release', { holder: 'annotate' });
    expect(loadedIds(registry)).toEqual([]);
    expect(tf.memory().numBytes).toBe(before);
  });

  it('a pick superseded mid-load never keeps the older model: the holder points at the latest pick', async () => {
    const { caller, registry } = connect();
    const before = tf.memory();
    await caller.call('setMemoryBudget', { bytes: 0 });
    // Annotate picks demo, then base before demo has finished loading.
    const first = caller.call('load', loadRequest(demo, { holder: 'annotate' }));
    const second = caller.call('load', loadRequest(base, { holder: 'annotate' }));
    expect((await caller.call('memory', {})).holders).toEqual({ annotate: base.id });
    await Promise.all([first, second]);
    // demo finished loading after it was superseded: nobody holds it, so the budget unloads it.
    expect(loadedIds(registry)).toEqual([base.id]);
    await caller.call('release', { holder: 'annotate' });
    expect(tf.memory()).toMatchObject({ numTensors: before.numTensors, numBytes: before.numBytes });
  });

  it('never evicts a model a run is using; it goes once the run is over', async () => {
    const { caller, registry } = connect();
    const before = tf.memory().numBytes;
    await caller.call('load', loadRequest(demo));
    const long = Array.from({ length: 8 }, () => '哪吒在陈塘关长大，后来拜太乙真人为师。').join('');
    const running = caller.call('runPipeline', {
      id: demo.id,
      request: { task: 'token-classification', texts: [long, long, long] },
      maxBatchSize: 1,
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect((await caller.call('setMemoryBudget', { bytes: 0 })).evicted).toEqual([]);
    const response = await running;
    if (response.result.task !== 'token-classification') throw new Error('wrong task');
    // The worker also returns each text's token uncertainty (the Annotate queue's order).
    expect(response.result.uncertainty).toHaveLength(3);
    for (const u of response.result.uncertainty ?? []) expect(u).toBeGreaterThanOrEqual(0);
    expect(loadedIds(registry)).toEqual([]);
    expect(tf.memory().numBytes).toBe(before);
  });

  it('refuses a negative budget with the value it got', async () => {
    const { caller } = connect();
    await expect(caller.call('setMemoryBudget', { bytes: -1 })).rejects.toThrow(
      /Memory budget must be a non-negative number of bytes \(got -1\)/,
    );
  });
});
