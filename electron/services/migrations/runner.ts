/**
 * Applies migrations: `PRAGMA user_version` holds the number of the last migration applied, and each
 * migration runs in its own transaction together with the user_version bump.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { Migration } from './migration';

/** The schema version a database has once every migration of the list ran. */
export function latestVersionOf(migrations: readonly Migration[]): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
}

function readVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined;
  return row?.user_version ?? 0;
}

/**
 * Apply every migration of `migrations` newer than the database's version, up to `target`.
 * Returns the version reached. Refuses a database written by a newer app version.
 */
export function runMigrations(db: DatabaseSync, migrations: readonly Migration[], target: number): number {
  checkMigrationList(migrations);
  const latestSchemaVersion = latestVersionOf(migrations);
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
