/**
 * Versioned schema migrations, one file per migration, applied in the order listed here.
 * To change the schema, add a file with the next number and append it below: never edit one that has
 * shipped. migrations.test.ts upgrades a database from every earlier version to the fresh schema.
 * The SQL text of a migration stays byte for byte as it shipped (SQLite keeps CREATE statements verbatim
 * in sqlite_master), so its indentation may not line up with the code around it.
 */
import type { DatabaseSync } from 'node:sqlite';
import { initialMigration } from './001-initial';
import { checkpointValidationMigration } from './002-checkpoint-validation';
import { datasetStoreMigration } from './003-dataset-store';
import { benchmarkRunsMigration } from './004-benchmark-runs';
import { suggestionDecisionsMigration } from './005-suggestion-decisions';
import { examplePredictedByMigration } from './006-example-predicted-by';
import { labelHotkeysMigration } from './007-label-hotkeys';
import { exampleTextIndexMigration } from './008-example-text-index';
import { teamMigration } from './009-team';
import { exampleSubmissionsMigration } from './010-example-submissions';
import type { Migration } from './migration';
import { latestVersionOf, runMigrations } from './runner';

export type { Migration } from './migration';
export { checkMigrationList } from './runner';

export const migrations: readonly Migration[] = [
  initialMigration,
  checkpointValidationMigration,
  datasetStoreMigration,
  benchmarkRunsMigration,
  suggestionDecisionsMigration,
  examplePredictedByMigration,
  labelHotkeysMigration,
  exampleTextIndexMigration,
  teamMigration,
  exampleSubmissionsMigration,
];

/** The schema version a fully migrated database has. */
export const latestSchemaVersion = latestVersionOf(migrations);

/**
 * Apply every migration newer than the database's version, up to `target` (default: latest).
 * Returns the version reached. Refuses a database written by a newer app version.
 */
export function migrate(db: DatabaseSync, target: number = latestSchemaVersion): number {
  return runMigrations(db, migrations, target);
}
