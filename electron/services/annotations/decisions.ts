/**
 * Decisions on model suggestions (migration 5): one row per (example, checkpoint, range, label, annotator)
 * saying accepted or rejected; no row = pending for that annotator. Keyed by what was suggested, so a
 * decision outlives the suggestion rows a re-run of the checkpoint replaces. Decisions are part of the
 * history entries of the edits that made them, so undo takes a rejection back.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { SuggestionDecision } from '../../../shared/ipc';
import { ServiceError } from '../errors';
import type { AnnotationContext, ExampleRow, SpanRow } from './rows';

export interface DecisionRow {
  id: number;
  example_id: number;
  checkpoint_id: string;
  start: number;
  end: number;
  label: string;
  score: number | null;
  author: string;
  decision: SuggestionDecision;
  /** The annotator span an accepted suggestion became (it may have been removed since). */
  span_id: number | null;
  decided_at: string;
}

/** Decisions touched by one edit: id → the row as it was before (null: did not exist). */
export type TouchedDecisions = Map<number, DecisionRow | null>;

export function decisionRowsFor(db: DatabaseSync, exampleIds: readonly number[]): DecisionRow[] {
  if (exampleIds.length === 0) return [];
  return db
    .prepare(
      `SELECT * FROM suggestion_decisions WHERE example_id IN (${exampleIds.map(() => '?').join(', ')})`,
    )
    .all(...exampleIds) as unknown as DecisionRow[];
}

/** The key a suggestion and the decisions on it share. */
export function suggestionKey(s: {
  checkpoint_id: string | null;
  start: number;
  end: number;
  label: string;
}): string {
  return `${s.checkpoint_id ?? ''}\u0000${s.start}\u0000${s.end}\u0000${s.label}`;
}

/** This author's decisions on the example, by suggestion key. */
export function decisionsOf(db: DatabaseSync, exampleId: number, author: string): Map<string, DecisionRow> {
  const rows = db
    .prepare('SELECT * FROM suggestion_decisions WHERE example_id = ? AND author = ?')
    .all(exampleId, author) as unknown as DecisionRow[];
  return new Map(rows.map((row) => [suggestionKey(row), row]));
}

/**
 * The model suggestions an edit by `author` works on: the named ones (each must be a suggestion still
 * pending for this author), or every pending one (of `checkpointId` when given).
 */
export function pendingSuggestions(
  ctx: AnnotationContext,
  example: ExampleRow,
  spans: readonly SpanRow[],
  request: { author: string; spanIds?: readonly number[]; checkpointId?: string },
): SpanRow[] {
  const decided = decisionsOf(ctx.db, example.id, request.author);
  const model = spans.filter((s) => s.source === 'model');
  if (request.spanIds === undefined) {
    return model.filter(
      (s) =>
        !decided.has(suggestionKey(s)) &&
        (request.checkpointId === undefined || s.checkpoint_id === request.checkpointId),
    );
  }
  return request.spanIds.map((id) => {
    const span = model.find((s) => s.id === id);
    if (!span) {
      throw new ServiceError(
        'not-found',
        `Span #${id} is not a model suggestion on example #${example.idx + 1} (the model ran again since?); reload the example.`,
      );
    }
    const decision = decided.get(suggestionKey(span));
    if (decision) {
      throw new ServiceError(
        'bad-request',
        `Suggestion #${id} ${span.label} [${span.start}, ${span.end}) on example #${example.idx + 1} was ` +
          `${decision.decision} by ${request.author} already; reload the example.`,
      );
    }
    return span;
  });
}

/** Stores `author`'s decision on a suggestion, remembering the row as it was (for the history entry). */
export function recordDecision(
  ctx: AnnotationContext,
  example: ExampleRow,
  suggestion: SpanRow,
  author: string,
  decision: SuggestionDecision,
  spanId: number | null,
  touched: TouchedDecisions,
): void {
  if (suggestion.checkpoint_id === null) return; // a model row always has its checkpoint; nothing to key on
  const existing = ctx.db
    .prepare(
      `SELECT * FROM suggestion_decisions
       WHERE example_id = ? AND checkpoint_id = ? AND start = ? AND end = ? AND label = ? AND author = ?`,
    )
    .get(example.id, suggestion.checkpoint_id, suggestion.start, suggestion.end, suggestion.label, author) as
    DecisionRow | undefined;
  if (existing) {
    if (!touched.has(existing.id)) touched.set(existing.id, { ...existing });
    ctx.db
      .prepare(
        'UPDATE suggestion_decisions SET decision = ?, score = ?, span_id = ?, decided_at = ? WHERE id = ?',
      )
      .run(decision, suggestion.score, spanId, ctx.now(), existing.id);
    return;
  }
  const result = ctx.db
    .prepare(
      `INSERT INTO suggestion_decisions
         (example_id, checkpoint_id, start, end, label, score, author, decision, span_id, decided_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      example.id,
      suggestion.checkpoint_id,
      suggestion.start,
      suggestion.end,
      suggestion.label,
      suggestion.score,
      author,
      decision,
      spanId,
      ctx.now(),
    );
  touched.set(Number(result.lastInsertRowid), null);
}

/**
 * An explicit re-run of `checkpointId` on the example by `author`: their rejections of its suggestions are
 * forgotten (the suggestions are pending again), and so are acceptances whose span was removed since.
 */
export function forgetDecisionsForRerun(
  ctx: AnnotationContext,
  exampleId: number,
  checkpointId: string,
  author: string,
): void {
  ctx.db
    .prepare(
      `DELETE FROM suggestion_decisions
       WHERE example_id = ? AND checkpoint_id = ? AND author = ?
         AND (decision = 'rejected' OR span_id IS NULL OR span_id NOT IN (SELECT id FROM annotations))`,
    )
    .run(exampleId, checkpointId, author);
}

/** Moves the touched decisions from `from` to `to` (as stored in a history entry), like span replay. */
export function replayDecisions(
  db: DatabaseSync,
  from: { ids: number[]; rows: DecisionRow[] },
  to: { ids: number[]; rows: DecisionRow[] },
): void {
  const keep = new Set(to.rows.map((r) => r.id));
  for (const id of from.ids)
    if (!keep.has(id)) db.prepare('DELETE FROM suggestion_decisions WHERE id = ?').run(id);
  for (const row of to.rows) {
    db.prepare(
      `INSERT OR REPLACE INTO suggestion_decisions
         (id, example_id, checkpoint_id, start, end, label, score, author, decision, span_id, decided_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      row.id,
      row.example_id,
      row.checkpoint_id,
      row.start,
      row.end,
      row.label,
      row.score,
      row.author,
      row.decision,
      row.span_id,
      row.decided_at,
    );
  }
}
