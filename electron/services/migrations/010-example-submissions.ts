/**
 * Migration 10: who marked an example done (issue 17). An example's status is one value for everyone, so on
 * a team server "alice finished it" needs its own row: marking done without any span ("checked, no
 * entities") is a finished annotation too, and the team queue, its overlap and progress count it.
 */
import type { Migration } from './migration';

export const exampleSubmissionsMigration: Migration = {
  version: 10,
  description: 'example submissions: which annotator marked an example done',
  up(db) {
    db.exec(`
      CREATE TABLE example_submissions (
        example_id INTEGER NOT NULL REFERENCES examples (id) ON DELETE CASCADE,
        author TEXT NOT NULL,
        submitted_at TEXT NOT NULL,
        PRIMARY KEY (example_id, author)
      );
      CREATE INDEX example_submissions_author ON example_submissions (author, example_id);
    `);
  },
};
