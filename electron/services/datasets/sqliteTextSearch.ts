/**
 * Text search on SQLite: the one place that knows the FTS5 index of migration 8 (examples_text). A
 * PostgreSQL store provides its own TextSearch (pg_trgm) with the same contract: the examples whose text
 * contains the string exactly, as instr() finds them (case-sensitive, no wildcards: `%` and `_` are plain
 * characters).
 *
 * The trigram index answers strings of three characters or more. Its phrase match is exact for those, but
 * instr() still checks each candidate, so the result never depends on how the tokenizer treats a character.
 * Two cases keep the plain scan instead:
 *   - one or two characters: no trigram to look up;
 *   - a common string (more than `candidateLimit` candidates): the page query walks the dataset in order and
 *     meets 50 matches within a few hundred rows, while the candidate list would be read and sorted whole.
 * Counting the candidates stops at the limit, so the choice costs at most that many index entries.
 */
import type { DatabaseSync } from 'node:sqlite';
import { scanTextSearch, type TextMatch } from './exampleFilter';

export const candidateLimit = 4096;

/** An FTS5 string literal: the whole text as one phrase (double quotes doubled, nothing else is syntax). */
function phraseOf(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

export function sqliteTextMatch(db: DatabaseSync, text: string): TextMatch {
  if ([...text].length < 3) return scanTextSearch(text);
  const phrase = phraseOf(text);
  const candidates = (
    db
      .prepare(
        'SELECT COUNT(*) AS n FROM (SELECT rowid FROM examples_text WHERE examples_text MATCH ? LIMIT ?)',
      )
      .get(phrase, candidateLimit + 1) as { n: number }
  ).n;
  if (candidates > candidateLimit) return scanTextSearch(text);
  return {
    clause: 'e.id IN (SELECT rowid FROM examples_text WHERE examples_text MATCH ?) AND instr(e.text, ?) > 0',
    params: [phrase, text],
    selective: true,
  };
}
