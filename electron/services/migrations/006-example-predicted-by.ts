/**
 * Migration 6 (issue 12, the active-learning queue): which checkpoint's predictions an example's stored
 * `uncertainty` came from. Background pre-annotation resumes from it (examples already predicted by the
 * current checkpoint are skipped, even those it found no entity in, which leave no annotation row), and the
 * queue orders by the uncertainty it names. Examples predicted before this migration keep NULL: they are
 * predicted once more by the next run.
 */
import type { Migration } from './migration';

export const examplePredictedByMigration: Migration = {
  version: 6,
  description: 'examples.predicted_by: the checkpoint whose predictions set the stored uncertainty',
  up(db) {
    db.exec(`
      ALTER TABLE examples ADD COLUMN predicted_by TEXT;
      CREATE INDEX examples_dataset_predicted_by ON examples (dataset_id, predicted_by);
    `);
  },
};
