/**
 * Migration 8 (issue 16, latency under load): a full-text index over example text, so the Annotate view's
 * text search reads the matching examples instead of running instr() over every row of a dataset (~40 ms for
 * a 200,000-example store, on the one event loop every client shares).
 *
 * SQLite-only (FTS5): the queries that use it live in datasets/sqliteTextSearch.ts; a PostgreSQL store
 * provides its own (pg_trgm) behind the same TextSearch port.
 *
 * Chinese text has no spaces, so words are no unit: the trigram tokenizer indexes every run of three
 * characters (code points), and a phrase query of the searched string finds exactly the texts holding it as
 * a substring. case_sensitive 1 keeps instr()'s semantics (no case or diacritic folding). Strings shorter
 * than three characters have no trigram; the search falls back to instr() for them. External content
 * (content='examples'): the text is stored once, in examples; the triggers keep the index in step with
 * every insert, delete (a dataset's removal cascades here) and text change.
 */
import type { Migration } from './migration';

export const exampleTextIndexMigration: Migration = {
  version: 8,
  description: 'examples_text: an FTS5 trigram index over example text, kept in step by triggers',
  up(db) {
    db.exec(`
      CREATE VIRTUAL TABLE examples_text USING fts5(
        text, content = 'examples', content_rowid = 'id', tokenize = 'trigram case_sensitive 1'
      );
      INSERT INTO examples_text (examples_text) VALUES ('rebuild');
      CREATE TRIGGER examples_text_insert AFTER INSERT ON examples BEGIN
        INSERT INTO examples_text (rowid, text) VALUES (new.id, new.text);
      END;
      CREATE TRIGGER examples_text_delete AFTER DELETE ON examples BEGIN
        INSERT INTO examples_text (examples_text, rowid, text) VALUES ('delete', old.id, old.text);
      END;
      CREATE TRIGGER examples_text_update AFTER UPDATE OF text ON examples BEGIN
        INSERT INTO examples_text (examples_text, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO examples_text (rowid, text) VALUES (new.id, new.text);
      END;
    `);
  },
};
