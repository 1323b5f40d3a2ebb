/**
 * Migration 1: the first tables, for the checkpoint library, dataset metadata and settings.
 */
import type { Migration } from './migration';

export const initialMigration: Migration = {
  version: 1,
  description: 'checkpoints, datasets and settings tables',
  up(db) {
    db.exec(`
        CREATE TABLE checkpoints (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          path TEXT NOT NULL,
          architecture TEXT,
          model_type TEXT NOT NULL,
          format TEXT NOT NULL,
          files_json TEXT NOT NULL,
          hidden_size INTEGER NOT NULL,
          num_layers INTEGER NOT NULL,
          num_labels INTEGER,
          labels_json TEXT,
          size_bytes INTEGER NOT NULL,
          builtin INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
          added_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX checkpoints_path ON checkpoints (path);
        CREATE TABLE datasets (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          task TEXT NOT NULL,
          format TEXT NOT NULL,
          source_path TEXT,
          example_count INTEGER NOT NULL DEFAULT 0,
          builtin INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
          added_at TEXT NOT NULL
        );
        CREATE TABLE settings (
          key TEXT PRIMARY KEY,
          value_json TEXT NOT NULL
        );
      `);
  },
};
