/**
 * Migration 9: the team layer (issue 17). Accounts with a role, server-side sessions (the cookie carries a
 * random token; the table keeps only its SHA-256, so a copy of the database opens no session), each
 * dataset's overlap (how many annotators see every example) and task leases (an expiring lock on an example
 * handed to one annotator). Times are integer ms from JS and ids are text: the same SQL runs on SQLite and
 * PostgreSQL.
 */
import type { Migration } from './migration';

export const teamMigration: Migration = {
  version: 9,
  description: 'team accounts, sessions, dataset overlap and task leases',
  up(db) {
    db.exec(`
      CREATE TABLE team_users (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'annotator')),
        password_hash TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        password_changed_at BIGINT NOT NULL
      );
      CREATE TABLE team_sessions (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES team_users (id) ON DELETE CASCADE,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX team_sessions_user ON team_sessions (user_id);
      CREATE TABLE dataset_overlap (
        dataset_id TEXT PRIMARY KEY REFERENCES datasets (id) ON DELETE CASCADE,
        overlap INTEGER NOT NULL CHECK (overlap >= 1)
      );
      CREATE TABLE task_leases (
        example_id INTEGER NOT NULL REFERENCES examples (id) ON DELETE CASCADE,
        annotator TEXT NOT NULL,
        dataset_id TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (example_id, annotator)
      );
      CREATE INDEX task_leases_dataset ON task_leases (dataset_id, annotator);
      CREATE INDEX example_history_author ON example_history (author, example_id);
    `);
  },
};
