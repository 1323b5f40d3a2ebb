/**
 * The benchmarks.* channels end to end through the handler registry (validation included): a run is opened,
 * gets predictions chunk by chunk, is cancelled, resumes with exactly the stored predictions, is finished and
 * then comes back finished instead of being recomputed; reports are written where asked.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BenchmarkRunRecord } from '../../shared/benchmark/report';
import { MAX_PREDICTIONS_PER_SAVE, MAX_RUN_ERROR_CHARS } from '../../shared/benchmark/schema';
import type { ExamplePrediction } from '../../shared/benchmark/types';
import { evaluateClassification } from '../../shared/metrics/evaluate';
import { unwrapIpcResult, type RequestChannel, type RequestOf } from '../../shared/ipc';
import { createServices, type Services } from '../services/services';
import { dispatchRequest } from './dispatch';
import { createHandlers, type Handlers } from './handlers';

let dataDir: string;
let services: Services;
let handlers: Handlers;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'nezha-bench-ipc-'));
  services = await createServices({
    dataDir,
    resourcesDir: resolve(__dirname, '../../resources'),
    host: 'serve',
  });
  handlers = createHandlers(services);
});
afterEach(() => {
  services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call<C extends RequestChannel>(channel: C, payload: RequestOf<C>) {
  return unwrapIpcResult(channel, await dispatchRequest(handlers, channel, payload));
}

const identity = {
  checkpointSha256: 'a'.repeat(64),
  datasetSha256: 'b'.repeat(64),
  task: 'classification' as const,
  settings: { maxBatchSize: 4, seed: 0 },
  checkpointName: 'tiny',
  datasetName: 'senti',
  total: 4,
  checkpointId: 'ckpt',
  datasetId: 'data',
};

const gold = ['pos', 'neg', 'pos', 'neg'];
const predicted = ['pos', 'pos', 'pos', 'neg'];
const prediction = (i: number): ExamplePrediction => ({
  task: 'classification',
  index: i,
  id: String(i),
  gold: gold[i],
  prediction: predicted[i],
  score: 0.75,
});

function record(): BenchmarkRunRecord {
  const metrics = evaluateClassification('sentence-classification', gold, predicted, { resamples: 50 });
  return {
    checkpoint: {
      name: 'tiny',
      sha256: identity.checkpointSha256,
      weightFiles: [{ file: 'model.safetensors', bytes: 10, sha256: identity.checkpointSha256 }],
      className: 'NezhaForSequenceClassification',
      numLabels: 2,
      labelMatch: 'names',
    },
    dataset: {
      name: 'senti',
      sha256: identity.datasetSha256,
      format: 'tsv-classification',
      task: 'classification',
      records: 4,
      evaluated: 4,
    },
    settings: {
      maxBatchSize: 4,
      maxBatchTokens: 8192,
      maxLength: null,
      aggregation: 'simple',
      docStride: null,
      maxAnswerLength: 30,
      limit: null,
      resamples: 50,
      ciLevel: 0.95,
      seed: 0,
    },
    environment: { backend: 'wasm', appVersion: '0.1.0' },
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    resumed: 2,
    metrics,
    timing: {
      backend: 'wasm',
      examples: 2,
      batches: 1,
      totalMs: 10,
      examplesPerSecond: 200,
      batchLatencyMs: { p50: 5, p95: 5, mean: 5, max: 5 },
    },
    notes: [],
  };
}

describe('benchmarks.* channels', () => {
  it('stores chunks, resumes a cancelled run with its predictions, and returns a finished run as is', async () => {
    const opened = await call('benchmarks.open', identity);
    expect(opened.state).toBe('new');
    const runId = opened.run.id;
    expect(
      await call('benchmarks.savePredictions', { runId, predictions: [prediction(0), prediction(1)] }),
    ).toEqual({
      done: 2,
    });
    const stopped = await call('benchmarks.stop', { runId, status: 'cancelled' });
    expect(stopped.status).toBe('cancelled');

    const again = await call('benchmarks.open', { ...identity, settings: { seed: 0, maxBatchSize: 4 } });
    expect(again.state).toBe('resume');
    if (again.state !== 'resume') throw new Error('expected a resumed run');
    expect(again.run.id).toBe(runId);
    expect(again.completed).toEqual([prediction(0), prediction(1)]);

    await call('benchmarks.savePredictions', { runId, predictions: [prediction(2), prediction(3)] });
    const finished = await call('benchmarks.finish', { runId, record: { ...record() } });
    expect(finished.status).toBe('finished');
    expect(finished.record?.metrics.find((m) => m.metric === 'accuracy')?.value).toBe(0.75);

    const third = await call('benchmarks.open', identity);
    expect(third.state).toBe('finished');
    expect(await call('benchmarks.predictions', { runId })).toEqual([0, 1, 2, 3].map(prediction));
    const listed = await call('benchmarks.list', {});
    expect(listed.map((r) => [r.id, r.status, r.done])).toEqual([[runId, 'finished', 4]]);
  });

  it('refuses a malformed prediction at the boundary and a record with a bad field in the store', async () => {
    const { run } = await call('benchmarks.open', identity);
    const bad = await dispatchRequest(handlers, 'benchmarks.savePredictions', {
      runId: run.id,
      predictions: [{ task: 'classification', index: -1, id: '0', gold: 'pos', prediction: 'pos', score: 1 }],
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(JSON.stringify(bad)).toContain('predictions.0.index');
    await call('benchmarks.savePredictions', { runId: run.id, predictions: [0, 1, 2, 3].map(prediction) });
    const broken = { ...record(), timing: { ...record().timing, examples: -1 } };
    const result = await dispatchRequest(handlers, 'benchmarks.finish', { runId: run.id, record: broken });
    expect(JSON.stringify(result)).toContain('timing.examples');
  });

  it('stores the largest chunk the Benchmark view can send and refuses one over the limit, naming the key', async () => {
    // The view caps the batch size at 256, and the runner sends one chunk per batch.
    const total = MAX_PREDICTIONS_PER_SAVE + 1;
    const { run } = await call('benchmarks.open', { ...identity, total });
    const many = Array.from({ length: total }, (_, i) => ({ ...prediction(0), index: i, id: String(i) }));
    expect(
      await call('benchmarks.savePredictions', { runId: run.id, predictions: many.slice(0, 256) }),
    ).toEqual({
      done: 256,
    });
    const over = await dispatchRequest(handlers, 'benchmarks.savePredictions', {
      runId: run.id,
      predictions: many,
    });
    expect(over).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(JSON.stringify(over)).toContain('predictions');
    const atLimit = many.slice(0, MAX_PREDICTIONS_PER_SAVE);
    expect(await call('benchmarks.savePredictions', { runId: run.id, predictions: atLimit })).toEqual({
      done: MAX_PREDICTIONS_PER_SAVE,
    });
  });

  it('keeps the start of an over-long error instead of refusing the stop', async () => {
    const { run } = await call('benchmarks.open', identity);
    const message = 'x'.repeat(MAX_RUN_ERROR_CHARS * 3);
    const stopped = await call('benchmarks.stop', { runId: run.id, status: 'failed', error: message });
    expect(stopped.status).toBe('failed');
    expect(stopped.error).toHaveLength(MAX_RUN_ERROR_CHARS);
    expect(stopped.error).toBe(`${message.slice(0, MAX_RUN_ERROR_CHARS - 1)}…`);
    const short = await call('benchmarks.stop', { runId: run.id, status: 'failed', error: 'out of memory' });
    expect(short.error).toBe('out of memory');
  });

  it('writes a report to an absolute path and refuses a relative one', async () => {
    const path = join(dataDir, 'report.md');
    expect(await call('benchmarks.saveReport', { path, content: '# Benchmark report\n' })).toEqual({
      path,
      bytes: 19,
    });
    expect(readFileSync(path, 'utf8')).toBe('# Benchmark report\n');
    const relative = await dispatchRequest(handlers, 'benchmarks.saveReport', {
      path: 'report.md',
      content: 'x',
    });
    expect(JSON.stringify(relative)).toContain('is not absolute');
  });
});
