/**
 * The app's SQLite database through `node:sqlite` (built into Node, so no native module to rebuild
 * for Electron). One file per data dir, WAL journal, foreign keys enforced, every write in a transaction.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { migrate } from './migrations';

export type Database = DatabaseSync;

export const databaseFileName = 'nezha-studio.sqlite';

/** Open (creating if needed) the database at `file` and bring its schema up to date. */
export function openDatabase(file: string): DatabaseSync {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file);
  } catch (error) {
    throw new Error(
      `Cannot open the database ${file}: ${(error as Error).message}. Check the folder exists and is writable.`,
      { cause: error },
    );
  }
  configureConnection(db);
  migrate(db);
  return db;
}

/** Connection settings every connection needs (they are per connection in SQLite, not stored in the file). */
export function configureConnection(db: DatabaseSync): void {
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA busy_timeout = 5000');
}

/**
 * Run `work` in a transaction: committed when it returns, rolled back when it throws.
 * Nested calls join the outer transaction (SQLite has no nested BEGIN).
 */
export function transaction<T>(db: DatabaseSync, work: () => T): T {
  if (db.isTransaction) return work();
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined;
  return row?.user_version ?? 0;
}
