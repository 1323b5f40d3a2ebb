import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  benchmarkRunRequestSchemas,
  buildReport,
  checkHeadCompatibility,
  datasetLabelsOf,
  DEFAULT_PREDICTION_SETTINGS,
  runBenchmark,
  scorePredictions,
  tfjsModelRunner,
  type BenchmarkData,
  type BenchmarkRunRecord,
  type ExamplePrediction,
  type HeadPlan,
} from '../../shared/benchmark';
import { loadCheckpointFolder } from '../../shared/checkpoint';
import { importDataset } from '../../shared/datasets';
import { loadNezha, NezhaConfig, type NezhaTaskModel } from '../../shared/nezha';
import { BertTokenizer } from '../../shared/tokenizer';
import { openDatabase } from './database';
import { canonicalJson } from '../../shared/benchmark/hash';
import { BenchmarkRunStore, type OpenBenchmarkRun } from './benchmarkRuns';
import { fsCheckpointSource } from './fsCheckpointSource';

/*
 * Benchmark runs in SQLite with the real runner and the tiny NER checkpoint: a run interrupted after one chunk
 * resumes after a restart (a new connection) from its stored predictions, and a finished run is returned from
 * the store instead of being computed again.
 */

const repoRoot = resolve(__dirname, '../..');
const folder = join(repoRoot, 'fixtures/nezha-tiny/token-classification');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-bench-db-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

let data: BenchmarkData;
let plan: HeadPlan;
let model: NezhaTaskModel;
let tokenizer: BertTokenizer;
beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  const file = join(repoRoot, 'fixtures/datasets/peoples_daily_ner/example.dev');
  const result = importDataset(readFileSync(file), { file });
  if (result.task !== 'ner') throw new Error('expected NER');
  data = { task: 'ner', records: result.records.filter((r) => r.text.length <= 24).slice(0, 10) };
  const loaded = await loadCheckpointFolder(fsCheckpointSource(folder));
  const check = checkHeadCompatibility({
    task: 'ner',
    config: loaded.config,
    tensors: [...loaded.stateDict].map(([name, r]) => ({ name, shape: r.shape })),
    datasetLabels: datasetLabelsOf(data),
  });
  if (!check.ok) throw new Error(check.reasons.join('; '));
  plan = check.plan;
  model = loadNezha(
    plan.className,
    new NezhaConfig(loaded.config as ConstructorParameters<typeof NezhaConfig>[0]),
    loaded.stateDict,
  ).model;
  tokenizer = BertTokenizer.fromFiles({
    vocabText: readFileSync(join(folder, 'vocab.txt'), 'utf8'),
    tokenizerConfig: JSON.parse(readFileSync(join(folder, 'tokenizer_config.json'), 'utf8')),
  });
});

const settings = { ...DEFAULT_PREDICTION_SETTINGS, maxBatchSize: 4, limit: null };
const identity = (): OpenBenchmarkRun => ({
  checkpointSha256: 'a'.repeat(64),
  datasetSha256: 'b'.repeat(64),
  task: 'ner',
  settings,
  checkpointName: 'token-classification',
  datasetName: 'example.dev',
  total: data.records.length,
  checkpointId: 'ckpt-1',
  datasetId: 'ds-1',
});

function recordOf(predictions: ExamplePrediction[], resumed: number): BenchmarkRunRecord {
  const metrics = scorePredictions('ner', predictions);
  return {
    checkpoint: {
      name: 'token-classification',
      sha256: 'a'.repeat(64),
      weightFiles: [],
      className: plan.className,
      numLabels: plan.numLabels,
      labelMatch: plan.labelMatch,
    },
    dataset: {
      name: 'example.dev',
      sha256: 'b'.repeat(64),
      format: 'char-per-line',
      task: 'ner',
      records: predictions.length,
      evaluated: predictions.length,
    },
    settings: { ...settings, resamples: 1000, ciLevel: 0.95, seed: metrics[0].seed },
    environment: { backend: 'cpu', appVersion: '0.0.0' },
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    resumed,
    metrics,
    timing: {
      backend: 'cpu',
      examples: predictions.length - resumed,
      batches: 1,
      totalMs: 1,
      examplesPerSecond: 1,
      batchLatencyMs: { p50: 1, p95: 1, mean: 1, max: 1 },
    },
    notes: [],
  };
}

describe('BenchmarkRunStore', () => {
  it('an interrupted run resumes after a restart; a finished one is never recomputed', async () => {
    const file = join(dir, 'db.sqlite');
    let db = openDatabase(file);
    let store = new BenchmarkRunStore(db);
    // The payload the worker sends, validated as the IPC boundary will validate it.
    const opened = store.open(benchmarkRunRequestSchemas.open.parse(identity()));
    expect(opened.state).toBe('new');
    const bad = benchmarkRunRequestSchemas.open.safeParse({ ...identity(), checkpointSha256: 'abc' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].path).toEqual(['checkpointSha256']);
    const runId = opened.run.id;

    // The app dies after the first chunk was stored.
    const controller = new AbortController();
    await expect(
      runBenchmark({
        plan,
        data,
        tokenizer,
        model: tfjsModelRunner(model),
        backend: 'cpu',
        settings,
        signal: controller.signal,
        onPredictions: (p) => {
          store.savePredictions(runId, p);
          controller.abort(new Error('the app was closed'));
        },
      }),
    ).rejects.toThrow('the app was closed');
    db.close();

    // Restart: a new connection; the same identity (settings in another key order) finds the run.
    db = openDatabase(file);
    store = new BenchmarkRunStore(db);
    const reordered = { ...identity(), settings: Object.fromEntries(Object.entries(settings).reverse()) };
    expect(canonicalJson(reordered.settings)).toBe(canonicalJson(settings));
    const again = store.open(reordered);
    if (again.state !== 'resume') throw new Error(`expected resume, got ${again.state}`);
    expect(again.run.id).toBe(runId);
    expect(again.run.done).toBe(4);
    expect(again.completed.map((p) => p.index).sort((a, b) => a - b)).toHaveLength(4);

    let modelCalls = 0;
    const runner = tfjsModelRunner(model);
    const result = await runBenchmark({
      plan,
      data,
      tokenizer,
      model: { run: (b) => (modelCalls++, runner.run(b)) },
      backend: 'cpu',
      settings,
      completed: again.completed,
      onPredictions: (p) => {
        const request = benchmarkRunRequestSchemas.savePredictions.parse({ runId, predictions: p });
        store.savePredictions(request.runId, request.predictions as ExamplePrediction[]);
      },
    });
    expect(result.resumed).toBe(4);
    expect(modelCalls).toBe(2);
    expect(store.predictions(runId)).toEqual(result.predictions);
    const record = recordOf(result.predictions, result.resumed);
    const finished = store.finish(runId, record);
    expect(finished).toMatchObject({ status: 'finished', done: 10, total: 10 });
    expect(store.metrics(runId)).toEqual(record.metrics);
    db.close();

    db = openDatabase(file);
    store = new BenchmarkRunStore(db);
    const third = store.open(identity());
    expect(third.state).toBe('finished');
    expect(third.run.record).toEqual(record);
    expect(buildReport([third.run.record!], { appVersion: '0', createdAt: 'x' }).runs[0]).toEqual(record);
    expect(() => store.savePredictions(runId, result.predictions)).toThrow(/is finished/);
    // Other settings are another run.
    expect(store.open({ ...identity(), settings: { ...settings, maxBatchSize: 8 } }).state).toBe('new');
    expect(store.list({ checkpointId: 'ckpt-1' })).toHaveLength(2);
    store.delete(runId);
    expect(() => store.get(runId)).toThrow(/No benchmark run/);
    expect(db.prepare('SELECT COUNT(*) AS n FROM benchmark_predictions WHERE run_id = ?').get(runId)).toEqual(
      { n: 0 },
    );
    db.close();
  });

  it("refuses to finish a run with missing predictions, and predictions that are not the run's", () => {
    const db = openDatabase(join(dir, 'db.sqlite'));
    const store = new BenchmarkRunStore(db);
    const { run } = store.open(identity());
    const one: ExamplePrediction = { task: 'ner', index: 3, id: '3', gold: [], prediction: [] };
    store.savePredictions(run.id, [one]);
    expect(() => store.finish(run.id, recordOf([one], 0))).toThrow(/predictions for 1 of 10 examples/);
    const wrong: ExamplePrediction = { task: 'mc', index: 0, id: '0', gold: 0, prediction: 1, choices: 2 };
    expect(() => store.savePredictions(run.id, [wrong])).toThrow(/does not fit benchmark run/);
    expect(store.stop(run.id, 'cancelled').status).toBe('cancelled');
    expect(store.open(identity()).state).toBe('resume');
    db.close();
  });
});
