/**
 * Migration 5: decisions are data (issue 12). Each annotator's decision on a model suggestion (accepted /
 * rejected; pending = no row) is stored with the suggestion it was made on (checkpoint, range, label, score),
 * so a rejected suggestion never comes back for that annotator when the model runs again, and accepted spans
 * keep their provenance. annotations.origin says how an annotator span came to be: typed by a person
 * ('manual'), a suggestion accepted as it was ('prediction') or accepted with a change ('prediction-changed');
 * null for gold and model rows.
 */
import type { Migration } from './migration';

export const suggestionDecisionsMigration: Migration = {
  version: 5,
  description: 'suggestion decisions per annotator (accepted / rejected) and the origin of annotator spans',
  up(db) {
    // A decision is keyed by what was suggested, not by the suggestion row's id: re-running a checkpoint
    // replaces its rows, and the decision must still apply to the same suggestion.
    db.exec(`
      CREATE TABLE suggestion_decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        example_id INTEGER NOT NULL REFERENCES examples (id) ON DELETE CASCADE,
        checkpoint_id TEXT NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        label TEXT NOT NULL,
        score REAL,
        author TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
        span_id INTEGER,
        decided_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX suggestion_decisions_key
        ON suggestion_decisions (example_id, checkpoint_id, start, end, label, author);
      ALTER TABLE annotations ADD COLUMN origin TEXT
        CHECK (origin IS NULL OR origin IN ('manual', 'prediction', 'prediction-changed'));
      UPDATE annotations SET origin = CASE WHEN checkpoint_id IS NULL THEN 'manual' ELSE 'prediction' END
        WHERE source = 'annotator';
      INSERT OR IGNORE INTO suggestion_decisions
          (example_id, checkpoint_id, start, end, label, score, author, decision, span_id, decided_at)
        SELECT example_id, checkpoint_id, start, end, label, score, author, 'accepted', id, created_at
        FROM annotations WHERE source = 'annotator' AND checkpoint_id IS NOT NULL AND author IS NOT NULL;
    `);
  },
};
