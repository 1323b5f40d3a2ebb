/**
 * Versioned schema migrations. `PRAGMA user_version` holds the number of the last migration applied.
 * To change the schema, append a migration with the next number: never edit one that has shipped.
 * Each migration runs in its own transaction together with the user_version bump.
 */
import type { DatabaseSync } from 'node:sqlite';
import { benchmarkRunsMigration } from './benchmarkRunsMigration';

export interface Migration {
  version: number;
  /** What the migration does, for logs and error messages. */
  description: string;
  up(db: DatabaseSync): void;
}

export const migrations: readonly Migration[] = [
  {
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
  },
  {
    version: 2,
    description:
      'checkpoints.validated_at (builtins are re-validated on start) and an index on checkpoint names',
    up(db) {
      // Builtin checkpoints are re-validated on start when resources change; keep when that happened.
      db.exec(`
        ALTER TABLE checkpoints ADD COLUMN validated_at TEXT;
        UPDATE checkpoints SET validated_at = added_at;
        CREATE INDEX checkpoints_name ON checkpoints (name);
      `);
    },
  },
  {
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
  },
  benchmarkRunsMigration,
];

/** The schema version a fully migrated database has. */
export const latestSchemaVersion = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;

function readVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined;
  return row?.user_version ?? 0;
}

/**
 * Apply every migration newer than the database's version, up to `target` (default: latest).
 * Returns the version reached. Refuses a database written by a newer app version.
 */
export function migrate(db: DatabaseSync, target: number = latestSchemaVersion): number {
  checkMigrationList(migrations);
  const current = readVersion(db);
  if (current > latestSchemaVersion) {
    throw new Error(
      `The database schema is version ${current}, newer than this app understands (${latestSchemaVersion}). ` +
        'Update Nezha Studio, or point --data-dir at another folder.',
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current || migration.version > target) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      migration.up(db);
      // PRAGMA takes no bound parameters; the version is an integer from the list above.
      db.exec(`PRAGMA user_version = ${Math.trunc(migration.version)}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw new Error(
        `Database migration ${migration.version} (${migration.description}) failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  return readVersion(db);
}

/** Migrations must be numbered 1, 2, 3... with no gaps, so user_version always names one state. */
export function checkMigrationList(list: readonly Migration[]): void {
  list.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `Migration list is out of order: entry ${index} has version ${migration.version}, expected ${index + 1}.`,
      );
    }
  });
}
