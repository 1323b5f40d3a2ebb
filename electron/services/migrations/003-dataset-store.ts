/**
 * Migration 3: the dataset store (issue 5): import metadata, examples, annotations, label sets, edit
 * history and example status.
 */
import type { Migration } from './migration';

export const datasetStoreMigration: Migration = {
  version: 3,
  description:
    'dataset store: dataset import metadata, examples, annotations, label sets, edit history, example status',
  up(db) {
    // Offsets count Unicode code points (end exclusive), like the files and Python.
    // annotations.dataset_id duplicates examples.dataset_id so per-dataset counts need no join.
    // AUTOINCREMENT: span and history ids are never reused, so undo can restore a span under its old id.
    db.exec(`
        ALTER TABLE datasets ADD COLUMN source_file TEXT;
        ALTER TABLE datasets ADD COLUMN source_hash TEXT;
        ALTER TABLE datasets ADD COLUMN span_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE datasets ADD COLUMN counts_json TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE datasets ADD COLUMN warnings_json TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE datasets ADD COLUMN layout_json TEXT;
        CREATE TABLE examples (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
          idx INTEGER NOT NULL,
          text TEXT NOT NULL,
          split TEXT,
          source_id TEXT,
          meta_json TEXT,
          status TEXT NOT NULL DEFAULT 'unannotated' CHECK (status IN ('unannotated', 'in-progress', 'done')),
          revision INTEGER NOT NULL DEFAULT 0,
          uncertainty REAL,
          updated_at TEXT
        );
        CREATE UNIQUE INDEX examples_dataset_idx ON examples (dataset_id, idx);
        CREATE INDEX examples_dataset_status ON examples (dataset_id, status, idx);
        CREATE INDEX examples_dataset_uncertainty ON examples (dataset_id, uncertainty DESC, idx);
        CREATE TABLE annotations (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          example_id INTEGER NOT NULL REFERENCES examples (id) ON DELETE CASCADE,
          dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
          start INTEGER NOT NULL CHECK (start >= 0),
          end INTEGER NOT NULL,
          label TEXT NOT NULL,
          source TEXT NOT NULL CHECK (source IN ('gold', 'model', 'annotator')),
          author TEXT,
          score REAL,
          checkpoint_id TEXT,
          created_at TEXT NOT NULL,
          CHECK (end > start)
        );
        CREATE INDEX annotations_example ON annotations (example_id, start);
        CREATE INDEX annotations_dataset_label ON annotations (dataset_id, label, source);
        CREATE INDEX annotations_dataset_score ON annotations (dataset_id, source, score);
        CREATE TABLE dataset_labels (
          dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          color TEXT NOT NULL,
          hotkey TEXT,
          position INTEGER NOT NULL,
          PRIMARY KEY (dataset_id, name)
        );
        CREATE UNIQUE INDEX dataset_labels_hotkey ON dataset_labels (dataset_id, hotkey) WHERE hotkey IS NOT NULL;
        CREATE TABLE example_history (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          example_id INTEGER NOT NULL REFERENCES examples (id) ON DELETE CASCADE,
          op TEXT NOT NULL,
          before_json TEXT NOT NULL,
          after_json TEXT NOT NULL,
          author TEXT,
          created_at TEXT NOT NULL,
          state TEXT NOT NULL DEFAULT 'applied' CHECK (state IN ('applied', 'undone', 'discarded'))
        );
        CREATE INDEX example_history_example ON example_history (example_id, state, id);
      `);
  },
};
