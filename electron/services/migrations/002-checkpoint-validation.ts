/**
 * Migration 2: when a builtin checkpoint was last validated, and an index on checkpoint names.
 */
import type { Migration } from './migration';

export const checkpointValidationMigration: Migration = {
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
};
