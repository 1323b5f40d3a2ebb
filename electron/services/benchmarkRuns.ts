/**
 * Stored benchmark runs (tables of migration 4). A run is keyed by what decides its result: the weights'
 * SHA-256, the dataset file's SHA-256, the task and the prediction settings. Opening a run that is already
 * finished returns it (never recomputed); opening one that was interrupted (crash, cancel, failure) returns
 * the predictions stored so far, for shared/benchmark's runner to skip. Every write is a transaction.
 */
import { randomUUID } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
// Not the shared/benchmark index: it also exports the tfjs model runner, which the main process never needs.
import { canonicalJson } from '../../shared/benchmark/hash';
import { examplePredictionSchema } from '../../shared/benchmark/predictionsFile';
import type { BenchmarkRunRecord } from '../../shared/benchmark/report';
import { parseBenchmarkRunRecord } from '../../shared/benchmark/schema';
import type { BenchmarkTask, ExamplePrediction } from '../../shared/benchmark/types';
import type { BenchmarkRunStatus, BenchmarkRunSummary, OpenedBenchmarkRunResult } from '../../shared/ipc';
import { metricResultSchema, type MetricResult } from '../../shared/metrics';
import { transaction } from './database';
import { ServiceError } from './errors';

export type { BenchmarkRunStatus };

export interface BenchmarkRunIdentity {
  checkpointSha256: string;
  datasetSha256: string;
  task: BenchmarkTask;
  /** Everything that changes predictions (PredictionSettings, limit, ...): part of the key. */
  settings: Record<string, unknown>;
}

export interface OpenBenchmarkRun extends BenchmarkRunIdentity {
  checkpointName: string;
  datasetName: string;
  /** Examples the run predicts. */
  total: number;
  /** Library ids, when the checkpoint / dataset are in the app's library. */
  checkpointId?: string | null;
  datasetId?: string | null;
}

/** The run record and open result are the IPC types (shared/ipc/): one definition for both sides. */
export type StoredBenchmarkRun = BenchmarkRunSummary;
export type OpenedBenchmarkRun = OpenedBenchmarkRunResult;

interface RunRow {
  id: string;
  checkpoint_sha256: string;
  dataset_sha256: string;
  task: BenchmarkTask;
  checkpoint_id: string | null;
  dataset_id: string | null;
  checkpoint_name: string;
  dataset_name: string;
  settings_json: string;
  total: number;
  done: number;
  status: BenchmarkRunStatus;
  error: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  record_json: string | null;
}

const RUN_COLUMNS = `r.*, (SELECT COUNT(*) FROM benchmark_predictions p WHERE p.run_id = r.id) AS done`;

export class BenchmarkRunStore {
  constructor(
    private readonly db: DatabaseSync,
    private readonly now: () => string = () => new Date().toISOString(),
    private readonly newId: () => string = randomUUID,
  ) {}

  /** Finds the run with this identity (finished → returned as is; interrupted → resumed) or creates it. */
  open(input: OpenBenchmarkRun): OpenedBenchmarkRun {
    return transaction(this.db, () => {
      const key = canonicalJson(input.settings);
      const existing = this.db
        .prepare(
          `SELECT ${RUN_COLUMNS} FROM benchmark_runs r
           WHERE checkpoint_sha256 = ? AND dataset_sha256 = ? AND task = ? AND settings_key = ?`,
        )
        .get(input.checkpointSha256, input.datasetSha256, input.task, key) as RunRow | undefined;
      if (existing) {
        if (existing.status === 'finished') return { state: 'finished', run: toRun(existing) };
        this.db
          .prepare(`UPDATE benchmark_runs SET status = 'running', error = NULL, updated_at = ? WHERE id = ?`)
          .run(this.now(), existing.id);
        return { state: 'resume', run: this.get(existing.id), completed: this.predictions(existing.id) };
      }
      const id = this.newId();
      const at = this.now();
      this.db
        .prepare(
          `INSERT INTO benchmark_runs (id, checkpoint_sha256, dataset_sha256, task, settings_key, checkpoint_id,
             dataset_id, checkpoint_name, dataset_name, settings_json, total, status, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)`,
        )
        .run(
          id,
          input.checkpointSha256,
          input.datasetSha256,
          input.task,
          key,
          input.checkpointId ?? null,
          input.datasetId ?? null,
          input.checkpointName,
          input.datasetName,
          JSON.stringify(input.settings),
          input.total,
          at,
          at,
        );
      return { state: 'new', run: this.get(id) };
    });
  }

  /** Stores one chunk's predictions (call from the runner's onPredictions); replaces rows of the same index. */
  savePredictions(runId: string, predictions: readonly ExamplePrediction[]): void {
    transaction(this.db, () => {
      const run = this.get(runId);
      if (run.status === 'finished') {
        throw new ServiceError(
          'bad-request',
          `Benchmark run ${runId} is finished; its predictions are final.`,
        );
      }
      const insert = this.db.prepare(
        `INSERT OR REPLACE INTO benchmark_predictions (run_id, idx, example_id, prediction_json) VALUES (?, ?, ?, ?)`,
      );
      for (const p of predictions) {
        if (p.task !== run.task || p.index >= run.total) {
          throw new ServiceError(
            'bad-request',
            `Prediction for example ${p.index} (${p.task}) does not fit benchmark run ${runId} (${run.task}, ${run.total} examples).`,
          );
        }
        insert.run(runId, p.index, p.id, JSON.stringify(p));
      }
      this.touch(runId);
    });
  }

  /** Marks the run finished with its full record; the metrics also go into their own rows for queries. */
  finish(runId: string, record: BenchmarkRunRecord): StoredBenchmarkRun {
    return transaction(this.db, () => {
      record = parseBenchmarkRunRecord(record, `benchmark run ${runId}'s record`);
      const run = this.get(runId);
      if (run.done !== run.total) {
        throw new ServiceError(
          'bad-request',
          `Benchmark run ${runId} has predictions for ${run.done} of ${run.total} examples; it cannot be finished yet.`,
        );
      }
      const insert = this.db.prepare(
        `INSERT OR REPLACE INTO benchmark_metrics (run_id, metric, unit, value, ci_low, ci_high, n, result_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const m of record.metrics) {
        insert.run(runId, m.metric, m.unit, m.value, m.ci[0], m.ci[1], m.n, JSON.stringify(m));
      }
      const at = this.now();
      this.db
        .prepare(
          `UPDATE benchmark_runs SET status = 'finished', error = NULL, record_json = ?, finished_at = ?, updated_at = ?
           WHERE id = ?`,
        )
        .run(JSON.stringify(record), at, at, runId);
      return this.get(runId);
    });
  }

  /** Records that a run stopped early; its predictions stay, so opening it again resumes. */
  stop(runId: string, status: 'failed' | 'cancelled', error?: string): StoredBenchmarkRun {
    return transaction(this.db, () => {
      const run = this.get(runId);
      if (run.status === 'finished') return run;
      this.db
        .prepare(`UPDATE benchmark_runs SET status = ?, error = ?, updated_at = ? WHERE id = ?`)
        .run(status, error ?? null, this.now(), runId);
      return this.get(runId);
    });
  }

  get(runId: string): StoredBenchmarkRun {
    const row = this.db.prepare(`SELECT ${RUN_COLUMNS} FROM benchmark_runs r WHERE id = ?`).get(runId) as
      RunRow | undefined;
    if (!row) throw new ServiceError('not-found', `No benchmark run with id ${runId}.`);
    return toRun(row);
  }

  list(filter: { checkpointId?: string; datasetId?: string } = {}): StoredBenchmarkRun[] {
    const rows = this.db
      .prepare(
        `SELECT ${RUN_COLUMNS} FROM benchmark_runs r
         WHERE (? IS NULL OR checkpoint_id = ?) AND (? IS NULL OR dataset_id = ?)
         ORDER BY created_at, id`,
      )
      .all(
        filter.checkpointId ?? null,
        filter.checkpointId ?? null,
        filter.datasetId ?? null,
        filter.datasetId ?? null,
      ) as unknown as RunRow[];
    return rows.map(toRun);
  }

  /** Stored predictions in dataset order (a page of them with offset / limit). */
  predictions(runId: string, page: { offset?: number; limit?: number } = {}): ExamplePrediction[] {
    const rows = this.db
      .prepare(
        `SELECT idx, prediction_json FROM benchmark_predictions WHERE run_id = ? ORDER BY idx LIMIT ? OFFSET ?`,
      )
      .all(runId, page.limit ?? -1, page.offset ?? 0) as { idx: number; prediction_json: string }[];
    return rows.map((row) => {
      const parsed = examplePredictionSchema.safeParse(JSON.parse(row.prediction_json));
      if (!parsed.success) {
        throw new ServiceError(
          'failed',
          `The stored prediction of example ${row.idx} in benchmark run ${runId} is damaged (${parsed.error.issues[0].message}); delete the run and run it again.`,
        );
      }
      return parsed.data as ExamplePrediction;
    });
  }

  metrics(runId: string): MetricResult[] {
    const rows = this.db
      .prepare(`SELECT metric, result_json FROM benchmark_metrics WHERE run_id = ? ORDER BY rowid`)
      .all(runId) as { metric: string; result_json: string }[];
    return rows.map((row) => metricResultSchema.parse(JSON.parse(row.result_json)) as MetricResult);
  }

  delete(runId: string): void {
    transaction(this.db, () => {
      const { changes } = this.db.prepare('DELETE FROM benchmark_runs WHERE id = ?').run(runId);
      if (changes === 0) throw new ServiceError('not-found', `No benchmark run with id ${runId}.`);
    });
  }

  private touch(runId: string): void {
    this.db.prepare('UPDATE benchmark_runs SET updated_at = ? WHERE id = ?').run(this.now(), runId);
  }
}

function toRun(row: RunRow): StoredBenchmarkRun {
  return {
    id: row.id,
    checkpointSha256: row.checkpoint_sha256,
    datasetSha256: row.dataset_sha256,
    task: row.task,
    checkpointId: row.checkpoint_id,
    datasetId: row.dataset_id,
    checkpointName: row.checkpoint_name,
    datasetName: row.dataset_name,
    settings: JSON.parse(row.settings_json) as Record<string, unknown>,
    total: row.total,
    done: Number(row.done),
    status: row.status,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    record: row.record_json === null ? null : (JSON.parse(row.record_json) as BenchmarkRunRecord),
  };
}
