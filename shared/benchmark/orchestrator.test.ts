import { describe, expect, it } from 'vitest';
import { canonicalJson } from './hash';
import type { HeadPlan } from './compatibility';
import {
  runBenchmarkJob,
  type BenchmarkJob,
  type BenchmarkRunOpenRequest,
  type BenchmarkRunStorePort,
  type OpenedRun,
} from './orchestrator';
import type { BenchmarkRunRecord } from './report';
import { scorePredictions } from './score';
import { scriptedPrediction, scriptedPredictor } from './testing/scriptedPredictor';
import type { ExamplePrediction } from './types';

/*
 * The orchestrator over an in-memory run store: a run is opened, predicted chunk by chunk with every chunk
 * stored in order, scored and finished with one record; a failure or cancel leaves the run stopped with its
 * predictions, and opening it again resumes from them; a finished run is returned as is.
 */

interface MemoryRun {
  id: string;
  status: 'running' | 'finished' | 'failed' | 'cancelled';
  error?: string;
  predictions: Map<number, ExamplePrediction>;
  record?: BenchmarkRunRecord;
  total: number;
}

/** The port as the main side's run store implements it, in memory; `calls` records every method call. */
function memoryRunStore(faults: { saveFailsAt?: number; slowSaves?: boolean } = {}) {
  const runs = new Map<string, MemoryRun>();
  const calls: string[] = [];
  let saves = 0;
  const keyOf = (r: BenchmarkRunOpenRequest) =>
    canonicalJson([r.checkpointSha256, r.datasetSha256, r.task, r.settings]);
  const port: BenchmarkRunStorePort = {
    async open(request): Promise<OpenedRun> {
      calls.push('open');
      const key = keyOf(request);
      const run = runs.get(key);
      if (run?.status === 'finished') return { state: 'finished', runId: run.id, record: run.record! };
      if (run) {
        run.status = 'running';
        delete run.error;
        const completed = [...run.predictions.values()].sort((a, b) => a.index - b.index);
        return { state: 'resume', runId: run.id, completed };
      }
      const id = `run-${runs.size + 1}`;
      runs.set(key, { id, status: 'running', predictions: new Map(), total: request.total });
      return { state: 'new', runId: id, completed: [] };
    },
    async predictions(runId) {
      calls.push('predictions');
      return [...find(runId).predictions.values()].sort((a, b) => a.index - b.index);
    },
    async savePredictions(runId, predictions) {
      if (faults.slowSaves) await new Promise((resolve) => setTimeout(resolve, 5));
      calls.push(`save ${predictions.map((p) => p.index).join(',')}`);
      saves += 1;
      if (saves === faults.saveFailsAt) throw new Error('disk full');
      for (const p of predictions) find(runId).predictions.set(p.index, p);
    },
    async finish(runId, record) {
      calls.push('finish');
      const run = find(runId);
      if (run.predictions.size !== run.total) throw new Error('not every example is stored');
      run.status = 'finished';
      run.record = record;
      return record;
    },
    async stop(runId, status, error) {
      calls.push(`stop ${status}`);
      const run = find(runId);
      run.status = status;
      if (error !== undefined) run.error = error;
    },
  };
  function find(runId: string): MemoryRun {
    const run = [...runs.values()].find((r) => r.id === runId);
    if (!run) throw new Error(`no run ${runId}`);
    return run;
  }
  return { port, calls, runs: () => [...runs.values()] };
}

const records = Array.from({ length: 7 }, (_, i) => ({
  id: `s${i}`,
  label: i % 2 === 0 ? 'positive' : 'negative',
}));
const script = { task: 'classification' as const, records, wrongLabel: 'negative' };
const plan: HeadPlan = {
  task: 'classification',
  className: 'NezhaForSequenceClassification',
  numLabels: 2,
  modelLabels: ['negative', 'positive'],
  id2label: ['negative', 'positive'],
  labelMatch: 'names',
  notes: ['labels matched by name'],
};
const job: BenchmarkJob = {
  open: {
    checkpointSha256: 'a'.repeat(64),
    datasetSha256: 'b'.repeat(64),
    task: 'classification',
    settings: { maxBatchSize: 2, resamples: 50, seed: 3 },
    checkpointName: 'tiny',
    datasetName: 'senti',
    total: records.length,
  },
  plan,
  facts: {
    checkpoint: { name: 'tiny', sha256: 'a'.repeat(64), weightFiles: [] },
    dataset: { name: 'senti', sha256: 'b'.repeat(64), format: 'tsv-classification', records: 7 },
    environment: { appVersion: '1.2.3', runtime: 'test' },
    limit: null,
    notes: ['dataset note'],
  },
  predictionSettings: { maxBatchSize: 2 },
  bootstrap: { resamples: 50, seed: 3 },
};
const now = () => '2026-01-01T00:00:00.000Z';
const allPredictions = records.map((_, i) => scriptedPrediction(script, i));

describe('runBenchmarkJob', () => {
  it('opens, stores every chunk in order, scores once and finishes with the one record', async () => {
    const store = memoryRunStore();
    const predictor = scriptedPredictor(script);
    const opened: unknown[] = [];
    const outcome = await runBenchmarkJob(job, {
      store: store.port,
      predictor,
      now,
      onOpened: (run) => opened.push(run),
    });
    if (outcome.status !== 'finished') throw new Error(`expected finished, got ${outcome.status}`);
    expect(store.calls).toEqual(['open', 'save 0,1', 'save 2,3', 'save 4,5', 'save 6', 'finish']);
    expect(opened).toEqual([{ runId: 'run-1', state: 'new', resumed: 0 }]);
    expect(outcome.reused).toBe(false);
    expect(outcome.predictions).toEqual(allPredictions);
    const { record } = outcome;
    expect(record.metrics).toEqual(
      scorePredictions('classification', allPredictions, { resamples: 50, seed: 3 }),
    );
    expect(record.settings).toMatchObject({
      maxBatchSize: 2,
      limit: null,
      resamples: 50,
      ciLevel: 0.95,
      seed: 3,
    });
    expect(record.checkpoint).toEqual({
      name: 'tiny',
      sha256: 'a'.repeat(64),
      weightFiles: [],
      className: 'NezhaForSequenceClassification',
      numLabels: 2,
      labelMatch: 'names',
    });
    expect(record.dataset).toMatchObject({ task: 'classification', records: 7, evaluated: 7 });
    expect(record.environment).toEqual({
      backend: 'scripted',
      device: 'test',
      appVersion: '1.2.3',
      runtime: 'test',
    });
    expect(record.notes).toEqual(['labels matched by name', 'dataset note']);
    expect(record.resumed).toBe(0);
    expect(store.runs()[0]).toMatchObject({ status: 'finished', record });
  });

  it('keeps chunks in order when the predictor does not wait for the saves (a worker streaming them)', async () => {
    const store = memoryRunStore();
    const outcome = await runBenchmarkJob(job, {
      store: store.port,
      predictor: scriptedPredictor({ ...script, awaitSaves: false }),
      now,
    });
    expect(outcome.status).toBe('finished');
    expect(store.calls).toEqual(['open', 'save 0,1', 'save 2,3', 'save 4,5', 'save 6', 'finish']);
  });

  it('leaves a crashed run failed with its predictions, and resumes it skipping exactly those', async () => {
    const store = memoryRunStore();
    const crashed = await runBenchmarkJob(job, {
      store: store.port,
      predictor: scriptedPredictor({
        ...script,
        failAfterChunks: { chunks: 2, error: new Error('GPU lost') },
      }),
      now,
    });
    expect(crashed).toEqual({ status: 'failed', runId: 'run-1', error: new Error('GPU lost') });
    expect(store.runs()[0]).toMatchObject({ status: 'failed', error: 'GPU lost' });
    expect([...store.runs()[0].predictions.keys()]).toEqual([0, 1, 2, 3]);
    expect(store.calls.at(-1)).toBe('stop failed');

    const predictor = scriptedPredictor(script);
    const opened: unknown[] = [];
    const resumed = await runBenchmarkJob(job, {
      store: store.port,
      predictor,
      now,
      onOpened: (run) => opened.push(run),
    });
    if (resumed.status !== 'finished') throw new Error(`expected finished, got ${resumed.status}`);
    expect(opened).toEqual([{ runId: 'run-1', state: 'resume', resumed: 4 }]);
    expect(predictor.predicted).toEqual([[4, 5, 6]]);
    expect(resumed.record.resumed).toBe(4);
    expect(resumed.predictions).toEqual(allPredictions);

    // The same metrics as a run that never crashed.
    const fresh = await runBenchmarkJob(job, {
      store: memoryRunStore().port,
      predictor: scriptedPredictor(script),
      now,
    });
    if (fresh.status !== 'finished') throw new Error('expected finished');
    expect(resumed.record.metrics).toEqual(fresh.record.metrics);
  });

  it('returns a finished run as is, predicting nothing', async () => {
    const store = memoryRunStore();
    const first = await runBenchmarkJob(job, {
      store: store.port,
      predictor: scriptedPredictor(script),
      now,
    });
    const predictor = scriptedPredictor(script);
    const again = await runBenchmarkJob(job, { store: store.port, predictor, now });
    if (first.status !== 'finished' || again.status !== 'finished') throw new Error('expected finished');
    expect(again.reused).toBe(true);
    expect(again.record).toEqual(first.record);
    expect(again.predictions).toEqual(allPredictions);
    expect(predictor.prepared).toBe(0);
    expect(predictor.predicted).toEqual([]);
  });

  it('cancels between chunks: the run is cancelled (no error) and resumable', async () => {
    const store = memoryRunStore();
    const controller = new AbortController();
    const outcome = await runBenchmarkJob(job, {
      store: store.port,
      predictor: scriptedPredictor({
        ...script,
        afterChunk: (n) => n === 1 && controller.abort(new Error('Cancelled.')),
      }),
      signal: controller.signal,
      now,
    });
    expect(outcome).toEqual({ status: 'cancelled', runId: 'run-1' });
    expect(store.runs()[0].status).toBe('cancelled');
    expect(store.runs()[0].error).toBeUndefined();
    expect(store.calls).toEqual(['open', 'save 0,1', 'stop cancelled']);
  });

  it('records a cancel only after the saves in flight have landed: a restart shows what was reported', async () => {
    const store = memoryRunStore({ slowSaves: true });
    const controller = new AbortController();
    const outcome = await runBenchmarkJob(job, {
      store: store.port,
      predictor: scriptedPredictor({
        ...script,
        awaitSaves: false,
        afterChunk: (n) => n === 2 && controller.abort(new Error('Cancelled.')),
      }),
      signal: controller.signal,
      now,
    });
    expect(outcome).toEqual({ status: 'cancelled', runId: 'run-1' });
    expect(store.calls).toEqual(['open', 'save 0,1', 'save 2,3', 'stop cancelled']);
    expect(store.runs()[0].predictions.size).toBe(4);
  });

  it('honours a cancel that came while the model was loading, before predicting anything', async () => {
    const store = memoryRunStore();
    const controller = new AbortController();
    const predictor = scriptedPredictor(script);
    const outcome = await runBenchmarkJob(job, {
      store: store.port,
      predictor: {
        prepare: async () => controller.abort(),
        predict: (args) => predictor.predict(args),
      },
      signal: controller.signal,
      now,
    });
    expect(outcome.status).toBe('cancelled');
    expect(predictor.predicted).toEqual([]);
    expect(store.calls).toEqual(['open', 'stop cancelled']);
  });

  it('honours a cancel that came after the last prediction or while scoring: cancelled, every prediction stored', async () => {
    for (const when of ['after predicting', 'while scoring'] as const) {
      const store = memoryRunStore();
      const controller = new AbortController();
      const predictor = scriptedPredictor(script);
      const outcome = await runBenchmarkJob(job, {
        store: store.port,
        predictor: {
          predict: async (args) => {
            const result = await predictor.predict(args);
            if (when === 'after predicting') controller.abort(new Error('Cancelled.'));
            return result;
          },
        },
        score: (task, predictions, bootstrap) => {
          if (when === 'while scoring') controller.abort(new Error('Cancelled.'));
          return scorePredictions(task, predictions, bootstrap);
        },
        signal: controller.signal,
        now,
      });
      expect(outcome, when).toEqual({ status: 'cancelled', runId: 'run-1' });
      expect(store.runs()[0].status).toBe('cancelled');
      expect(store.runs()[0].predictions.size).toBe(records.length);
      expect(store.calls).not.toContain('finish');
    }
  });

  it('fails the run when a chunk cannot be stored, and never finishes it', async () => {
    const store = memoryRunStore({ saveFailsAt: 2 });
    const outcome = await runBenchmarkJob(job, {
      store: store.port,
      predictor: scriptedPredictor({ ...script, awaitSaves: false }),
      now,
    });
    expect(outcome).toMatchObject({ status: 'failed', error: new Error('disk full') });
    expect(store.calls).not.toContain('finish');
    // Chunks after the failed one are not stored: what is stored is a prefix the run can resume from.
    expect(store.calls).toEqual(['open', 'save 0,1', 'save 2,3', 'stop failed']);
    expect(store.runs()[0]).toMatchObject({ status: 'failed', error: 'disk full' });
  });

  it('fails without a run when the store cannot open one', async () => {
    const store = memoryRunStore();
    const outcome = await runBenchmarkJob(job, {
      store: { ...store.port, open: () => Promise.reject(new Error('database locked')) },
      predictor: scriptedPredictor(script),
      now,
    });
    expect(outcome).toEqual({ status: 'failed', runId: null, error: new Error('database locked') });
  });

  it('ignores stored predictions past the end of a shorter run (a smaller limit)', async () => {
    const store = memoryRunStore();
    const longer = { ...job, open: { ...job.open, total: 7 } };
    await runBenchmarkJob(longer, { store: store.port, predictor: scriptedPredictor(script), now });
    store.runs()[0].status = 'cancelled';
    const shorter = scriptedPredictor({ ...script, records: records.slice(0, 4) });
    const outcome = await runBenchmarkJob(
      { ...job, open: { ...job.open, total: 4 }, facts: { ...job.facts, limit: 4 } },
      { store: store.port, predictor: shorter, now },
    );
    if (outcome.status !== 'finished') throw new Error(`expected finished, got ${outcome.status}`);
    expect(outcome.record.resumed).toBe(4);
    expect(outcome.record.dataset.evaluated).toBe(4);
    expect(outcome.record.settings.limit).toBe(4);
  });
});
