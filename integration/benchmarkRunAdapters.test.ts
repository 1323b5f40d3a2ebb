/**
 * The two run stores of shared/benchmark's orchestrator give the same record: the Benchmark view's (the main
 * side's run store over the api client and the real serve host) and the eval CLI's (PRED.jsonl), each running
 * the same job with the same predictions. The view's store also keeps the run finished (opening it again
 * returns it as is), and the CLI's file ends up in dataset order.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictionsFileRunStore } from '../electron/cli/predictionsFileRunStore';
import { startTestServeHost } from './testServeHost';
import { type ServeHost } from '../electron/serve/host';
import type { HeadPlan } from '../shared/benchmark/compatibility';
import { runBenchmarkJob, type BenchmarkJob } from '../shared/benchmark/orchestrator';
import { parsePredictionsJsonl } from '../shared/benchmark/predictionsFile';
import { scriptedPrediction, scriptedPredictor } from '../shared/benchmark/testing/scriptedPredictor';
import { createApi } from '../renderer/src/api/client';
import { serveTransport } from '../renderer/src/api/transports/serve';
import { apiRunStore } from '../renderer/src/views/benchmark/runAdapters';

let dir: string;
let host: ServeHost;

beforeAll(async () => {
  ({ host, dir } = await startTestServeHost('nezha-run-adapters-'));
});
afterAll(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

const records = Array.from({ length: 9 }, (_, i) => ({ id: `q${i}`, label: i % 3 === 0 ? '1' : '0' }));
const script = { task: 'pair' as const, records, wrongLabel: '1' };
const plan: HeadPlan = {
  task: 'pair',
  className: 'NezhaForSequenceClassification',
  numLabels: 2,
  modelLabels: ['LABEL_0', 'LABEL_1'],
  id2label: ['0', '1'],
  labelMatch: 'index',
  notes: ['class i is read as dataset label "i"'],
};
const job: BenchmarkJob = {
  open: {
    checkpointSha256: 'c'.repeat(64),
    datasetSha256: 'd'.repeat(64),
    task: 'pair',
    settings: { maxBatchSize: 4, resamples: 200, seed: 5 },
    checkpointName: 'tiny pair',
    datasetName: 'lcqmc slice',
    total: records.length,
  },
  plan,
  facts: {
    checkpoint: {
      name: 'tiny pair',
      path: '/checkpoints/tiny-pair',
      sha256: 'c'.repeat(64),
      weightFiles: [{ file: 'model.safetensors', bytes: 1234, sha256: 'c'.repeat(64) }],
    },
    dataset: { name: 'lcqmc slice', sha256: 'd'.repeat(64), format: 'tsv-pair', records: 9 },
    environment: { appVersion: '0.9.0', runtime: 'test' },
    limit: null,
    notes: [],
  },
  predictionSettings: { maxBatchSize: 4 },
  bootstrap: { resamples: 200, seed: 5 },
};
const now = () => '2026-02-03T04:05:06.000Z';

describe('the view and CLI run stores', () => {
  it('finish the same job with the same predictions with an identical record', async () => {
    const api = createApi(serveTransport({ origin: host.origin, token: host.token }));
    const predictionsPath = join(dir, 'PRED.jsonl');
    const [viaApi, viaFile] = await Promise.all([
      runBenchmarkJob(job, {
        store: apiRunStore(api),
        predictor: scriptedPredictor({ ...script, chunkSize: 4, awaitSaves: false }),
        now,
      }),
      runBenchmarkJob(job, {
        store: predictionsFileRunStore({ path: predictionsPath, resume: false, err: () => undefined }),
        predictor: scriptedPredictor({ ...script, chunkSize: 4 }),
        now,
      }),
    ]);
    if (viaApi.status !== 'finished' || viaFile.status !== 'finished')
      throw new Error(`expected two finished runs, got ${viaApi.status} and ${viaFile.status}`);
    expect(viaApi.record).toEqual(viaFile.record);
    expect(viaApi.record.metrics[0]).toMatchObject({ metric: 'accuracy', n: 9, resamples: 200, seed: 5 });

    // The main side keeps the run finished with that record and every prediction.
    const [stored] = await api.benchmarks.list();
    expect(stored).toMatchObject({ status: 'finished', done: 9, record: viaApi.record });
    const again = await runBenchmarkJob(job, {
      store: apiRunStore(api),
      predictor: scriptedPredictor(script),
      now,
    });
    expect(again).toMatchObject({ status: 'finished', reused: true, record: viaApi.record });

    // PRED.jsonl holds the same predictions, in dataset order.
    const file = parsePredictionsJsonl(readFileSync(predictionsPath, 'utf8'), predictionsPath);
    expect(file.predictions).toEqual(records.map((_, i) => scriptedPrediction(script, i)));
    expect(await api.benchmarks.predictions({ runId: viaApi.runId })).toEqual(file.predictions);
  });
});
