/**
 * Versioned schema migrations. `PRAGMA user_version` holds the number of the last migration applied.
 * To change the schema, append a migration with the next number: never edit one that has shipped.
 * Each migration runs in its own transaction together with the user_version bump.
 */
import type { DatabaseSync } from 'node:sqlite';

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
