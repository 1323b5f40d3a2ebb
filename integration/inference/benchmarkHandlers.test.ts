/**
 * The worker's benchmark methods in Node over a MessageChannel, as the worker serves them: the fixture
 * token-classification checkpoint served by the real serve host, inspected from its headers (the head check's
 * input and the weight hash), then run with shared/benchmark's runner on the CPU backend over the benchmark data
 * file the host builds for an imported dataset (the worker fetches it; a file whose hash is not the one the UI
 * was told is refused). Each chunk's predictions must arrive in progress messages (what the UI stores), a
 * resumed run must skip exactly the stored examples and give the same predictions, cancel must stop it, and
 * scoring in the worker must be shared/benchmark's scorePredictions.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServeHost } from '../testServeHost';
import { type ServeHost } from '../../electron/serve/host';
import { checkHeadCompatibility } from '../../shared/benchmark/compatibility';
import { scorePredictions } from '../../shared/benchmark/score';
import type { BenchmarkData, ExamplePrediction } from '../../shared/benchmark/types';
import { checkpointFilePath, type CheckpointRecord, type PreparedBenchmarkData } from '../../shared/ipc';
import { createBenchmarkHandlers } from '../../renderer/src/inference/worker/benchmarkHandlers';
import { createModelHandlers } from '../../renderer/src/inference/worker/modelHandlers';
import type { CheckpointFileUrl } from '../../renderer/src/inference/common/protocol';
import {
  createWorkerCaller,
  serveWorkerRequests,
  type MessageEndpoint,
  type WorkerHandlers,
} from '../../renderer/src/inference/common/rpc';

const root = resolve(__dirname, '../..');
const fixture = join(root, 'fixtures/nezha-tiny/token-classification');
let dir: string;
let host: ServeHost;
let checkpoint: CheckpointRecord;
let prepared: PreparedBenchmarkData;

const data: BenchmarkData & { task: 'ner' } = {
  task: 'ner',
  records: [
    {
      text: '张三在北京工作。',
      spans: [
        { start: 0, end: 2, label: 'PER' },
        { start: 3, end: 5, label: 'LOC' },
      ],
    },
    { text: '中国共产党第十一次全国代表大会', spans: [{ start: 0, end: 15, label: 'ORG' }] },
    {
      text: '李四去了上海。',
      spans: [
        { start: 0, end: 2, label: 'PER' },
        { start: 4, end: 6, label: 'LOC' },
      ],
    },
    { text: '今天天气很好', spans: [] },
    {
      text: '新华社记者王五报道',
      spans: [
        { start: 0, end: 3, label: 'ORG' },
        { start: 5, end: 7, label: 'PER' },
      ],
    },
    { text: '长江', spans: [{ start: 0, end: 2, label: 'LOC' }] },
  ],
};

/** The records as a char-per-line BIO file, the way a person imports a NER split. */
function charPerLine(records: (typeof data)['records']): string {
  return records
    .map((r) => {
      const tags = [...r.text].map(() => 'O');
      for (const s of r.spans)
        for (let i = s.start; i < s.end; i++) tags[i] = `${i === s.start ? 'B' : 'I'}-${s.label}`;
      return [...r.text].map((c, i) => `${c} ${tags[i]}`).join('\n');
    })
    .join('\n\n')
    .concat('\n');
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  ({ host, dir } = await startTestServeHost('nezha-bench-worker-'));
  checkpoint = await host.services.checkpoints.import(fixture, 'tiny NER');
  writeFileSync(join(dir, 'six.txt'), charPerLine(data.records));
  const dataset = await host.services.datasetStore.import({
    path: join(dir, 'six.txt'),
    format: 'char-per-line',
  });
  const response = await fetch(`${host.origin}/api/benchmarks.prepareData`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ datasetId: dataset.dataset.id }),
  });
  prepared = ((await response.json()) as { result: PreparedBenchmarkData }).result;
});
afterAll(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

function connect() {
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
  return { caller, close: () => (channel.port1.close(), channel.port2.close()) };
}

const files = (): CheckpointFileUrl[] =>
  checkpoint.files.map((file) => ({ file, url: `${host.origin}${checkpointFilePath(checkpoint.id, file)}` }));

describe('worker benchmark methods', () => {
  it('inspects, runs with streamed chunks, resumes from stored predictions and cancels', async () => {
    const { caller, close } = connect();
    try {
      const inspected = await caller.call('inspectCheckpoint', { name: checkpoint.name, files: files() });
      const bytes = readFileSync(join(fixture, 'model.safetensors'));
      expect(inspected.hash.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(inspected.tensors.find((t) => t.name === 'classifier.weight')?.shape).toEqual([7, 32]);

      const check = checkHeadCompatibility({
        task: 'ner',
        config: inspected.config,
        tensors: inspected.tensors,
        datasetLabels: prepared.labels,
      });
      if (!check.ok) throw new Error(check.reasons.join('; '));
      const refused = checkHeadCompatibility({
        task: 'classification',
        config: inspected.config,
        tensors: inspected.tensors,
        datasetLabels: ['0', '1'],
      });
      expect(refused.ok).toBe(false);

      await caller.call('load', {
        id: checkpoint.id,
        name: checkpoint.name,
        files: files(),
        className: check.plan.className,
      });
      const run = async (completed: ExamplePrediction[], jobId?: string, onChunk?: () => void) => {
        const streamed: ExamplePrediction[] = [];
        const result = await caller.call(
          'benchmarkRun',
          {
            modelId: checkpoint.id,
            plan: check.plan,
            dataUrl: `${host.origin}${prepared.path}`,
            dataSha256: prepared.sha256,
            completed,
            settings: { maxBatchSize: 2 },
            jobId,
          },
          {
            onProgress: (p) => {
              streamed.push(...(p.benchmark?.predictions ?? []));
              if (p.benchmark?.predictions.length) onChunk?.();
            },
          },
        );
        return { result, streamed };
      };

      const full = await run([]);
      expect(full.result.predictions.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5]);
      expect([...full.streamed].sort((a, b) => a.index - b.index)).toEqual(full.result.predictions);
      expect(full.result.resumed).toBe(0);
      expect(full.result.timing.examples).toBe(6);
      expect(full.result.timing.batches).toBeGreaterThanOrEqual(3);
      // The file the worker read holds the imported records: gold spans as written above.
      expect(full.result.predictions.map((p) => (p.task === 'ner' ? p.gold : null))).toEqual(
        data.records.map((r) => r.spans),
      );
      const metrics = await caller.call('benchmarkScore', {
        task: 'ner',
        predictions: full.result.predictions,
        resamples: 100,
        seed: 1,
      });
      expect(metrics).toEqual(scorePredictions('ner', full.result.predictions, { resamples: 100, seed: 1 }));
      const f1 = metrics.find((m) => m.metric === 'micro-f1')!;
      expect(f1.n).toBe(6);
      expect(f1.ci[0]).toBeLessThanOrEqual(f1.value);

      const stored = full.result.predictions.filter((p) => p.index % 2 === 0);
      const resumed = await run(stored);
      expect(resumed.result.resumed).toBe(3);
      expect(resumed.streamed.map((p) => p.index).sort()).toEqual([1, 3, 5]);
      const spans = (ps: ExamplePrediction[]) => ps.map((p) => (p.task === 'ner' ? p.prediction : null));
      expect(spans(resumed.result.predictions)).toEqual(spans(full.result.predictions));

      // A data file other than the one the UI was told about (the dataset was edited since) is refused.
      await expect(
        caller.call('benchmarkRun', {
          modelId: checkpoint.id,
          plan: check.plan,
          dataUrl: `${host.origin}${prepared.path}`,
          dataSha256: '0'.repeat(64),
          completed: [],
        }),
      ).rejects.toThrow(/The dataset changed since it was checked/);

      let cancelled = false;
      const stopping = run([], 'bench-job', () => {
        if (cancelled) return;
        cancelled = true;
        void caller.call('cancel', { jobId: 'bench-job' });
      });
      await expect(stopping).rejects.toThrow(/Cancelled/);
    } finally {
      close();
    }
  }, 60_000);

  it("adds CLUENER's official score when the dataset's format is CLUENER, reading the texts from the served file", async () => {
    const { caller, close } = connect();
    try {
      // Every gold entity predicted but the last sentence's: the official score compares entity strings.
      const predictions: ExamplePrediction[] = data.records.map((record, index) => ({
        task: 'ner',
        index,
        id: String(index),
        gold: record.spans,
        prediction: index === data.records.length - 1 ? [] : record.spans,
      }));
      const dataUrl = `${host.origin}${prepared.path}`;
      const request = { task: 'ner' as const, predictions, resamples: 50, seed: 3 };
      const plain = await caller.call('benchmarkScore', {
        ...request,
        dataset: { format: 'char-per-line', dataUrl, dataSha256: prepared.sha256 },
      });
      expect(plain.map((m) => m.metric)).not.toContain('cluener-f1');

      const cluener = await caller.call('benchmarkScore', {
        ...request,
        dataset: { format: 'cluener', dataUrl, dataSha256: prepared.sha256 },
      });
      const served = (await (
        await fetch(dataUrl, { headers: { authorization: `Bearer ${host.token}` } })
      ).json()) as BenchmarkData;
      expect(cluener).toEqual(
        scorePredictions('ner', predictions, {
          resamples: 50,
          seed: 3,
          dataset: { format: 'cluener', data: served },
        }),
      );
      const official = cluener.find((m) => m.metric === 'cluener-f1')!;
      expect(official.value).toBeGreaterThan(0);
      expect(official.value).toBeLessThan(1);
    } finally {
      close();
    }
  });
});
