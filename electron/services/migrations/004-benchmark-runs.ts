/**
 * Migration 4: benchmark runs, their per-example predictions and their metrics. A run is identified by what
 * decides its result (weight bytes, dataset bytes, task, prediction settings), so asking for the same run
 * again finds the stored one: finished runs are never recomputed, interrupted ones resume from their rows.
 */
import type { Migration } from './migration';

export const benchmarkRunsMigration: Migration = {
  version: 4,
  description: 'benchmark runs, predictions (one row per example) and metrics with intervals',
  up(db) {
    db.exec(`
      CREATE TABLE benchmark_runs (
        id TEXT PRIMARY KEY,
        checkpoint_sha256 TEXT NOT NULL,
        dataset_sha256 TEXT NOT NULL,
        task TEXT NOT NULL CHECK (task IN ('ner', 'classification', 'pair', 'qa', 'mc')),
        settings_key TEXT NOT NULL,
        checkpoint_id TEXT,
        dataset_id TEXT,
        checkpoint_name TEXT NOT NULL,
        dataset_name TEXT NOT NULL,
        settings_json TEXT NOT NULL,
        total INTEGER NOT NULL CHECK (total >= 0),
        status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'cancelled')),
        error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        finished_at TEXT,
        record_json TEXT
      );
      CREATE UNIQUE INDEX benchmark_runs_identity
        ON benchmark_runs (checkpoint_sha256, dataset_sha256, task, settings_key);
      CREATE INDEX benchmark_runs_checkpoint ON benchmark_runs (checkpoint_id);
      CREATE INDEX benchmark_runs_dataset ON benchmark_runs (dataset_id);
      CREATE TABLE benchmark_predictions (
        run_id TEXT NOT NULL REFERENCES benchmark_runs (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL CHECK (idx >= 0),
        example_id TEXT NOT NULL,
        prediction_json TEXT NOT NULL,
        PRIMARY KEY (run_id, idx)
      ) WITHOUT ROWID;
      CREATE TABLE benchmark_metrics (
        run_id TEXT NOT NULL REFERENCES benchmark_runs (id) ON DELETE CASCADE,
        metric TEXT NOT NULL,
        unit TEXT NOT NULL,
        value REAL NOT NULL,
        ci_low REAL NOT NULL,
        ci_high REAL NOT NULL,
        n INTEGER NOT NULL,
        result_json TEXT NOT NULL,
        PRIMARY KEY (run_id, metric)
      );
    `);
  },
};
