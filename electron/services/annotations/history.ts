/**
 * The edit history undo/redo replay: each entry holds only the spans (and suggestion decisions) an edit
 * touched, before and after, so undoing an old edit does not clobber model predictions saved after it.
 *
 * History is per annotator: undo/redo step through the entries of the author who asks, so in double
 * annotation A's Ctrl+Z never takes back B's edit. An entry whose spans were changed since by someone else
 * (a gold span both corrected) is refused rather than replayed over their change.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { ExampleView } from '../../../shared/ipc';
import { transaction } from '../database';
import { ServiceError } from '../errors';
import { replayDecisions, type DecisionRow, type TouchedDecisions } from './decisions';
import {
  exampleRow,
  stored,
  type AnnotationContext,
  type ExampleRow,
  type SpanRow,
  type StoredSpan,
} from './rows';
import { readExampleView } from './views';

/** One side (before or after) of a history entry as stored in before_json / after_json. */
interface HistoryState {
  ids: number[];
  spans: StoredSpan[];
  /** Absent in entries written before migration 5. */
  decisionIds?: number[];
  decisions?: DecisionRow[];
}

/** The history op of a reviewer's adjudication into gold (edits.ts writes it). */
export const ADJUDICATE_OP = 'adjudicate';

/**
 * SQL condition on the example_history row aliased `h`: an annotator's own edit. An adjudication is the
 * reviewer's decision, not an annotation, so it does not make the reviewer one of the example's annotators
 * (review's pairs, the team queue's overlap and progress, team agreement all count this way).
 */
export const annotatorEdit = (h: string): string => `${h}.op NOT LIKE '${ADJUDICATE_OP}%'`;

/**
 * SQL condition: the annotator `author` (an SQL expression) worked on the example `exampleId` (another): an
 * edit of their own (annotatorEdit), or they marked it done (example_submissions, migration 10; a sentence
 * with no entities is finished without any edit). What the team queue, its overlap and progress count.
 */
export const annotatorWorkedOn = (exampleId: string, author: string): string =>
  `(EXISTS (SELECT 1 FROM example_history wh WHERE wh.example_id = ${exampleId} AND wh.author = ${author}
     AND ${annotatorEdit('wh')})
   OR EXISTS (SELECT 1 FROM example_submissions ws WHERE ws.example_id = ${exampleId} AND ws.author = ${author}))`;

/** SQL: the annotators (distinct names, one column `author`) who worked on the example `exampleId`. */
export const annotatorsOf = (exampleId: string): string =>
  `SELECT wh.author FROM example_history wh WHERE wh.example_id = ${exampleId} AND wh.author IS NOT NULL
     AND ${annotatorEdit('wh')}
   UNION SELECT ws.author FROM example_submissions ws WHERE ws.example_id = ${exampleId}`;

/** SQL condition on the example_history row aliased `h`: an adjudication. */
export const adjudication = (h: string): string => `${h}.op LIKE '${ADJUDICATE_OP}%'`;

/**
 * undo: `author`'s latest applied entry goes back to its before state and becomes 'undone'; redo: their
 * most recently undone entry goes forward to its after state and becomes 'applied' again.
 */
export function stepHistory(
  ctx: AnnotationContext,
  exampleId: number,
  direction: 'undo' | 'redo',
  author: string,
): ExampleView {
  const undo = direction === 'undo';
  return transaction(ctx.db, () => {
    const example = exampleRow(ctx.db, exampleId);
    const entry = ctx.db
      .prepare(
        undo
          ? "SELECT id, op, before_json, after_json FROM example_history WHERE example_id = ? AND author = ? AND state = 'applied' ORDER BY id DESC LIMIT 1"
          : "SELECT id, op, before_json, after_json FROM example_history WHERE example_id = ? AND author = ? AND state = 'undone' ORDER BY id ASC LIMIT 1",
      )
      .get(exampleId, author) as
      { id: number; op: string; before_json: string; after_json: string } | undefined;
    if (!entry) {
      throw new ServiceError(
        'bad-request',
        `Nothing to ${direction} on example #${example.idx + 1} for ${author} (undo and redo step through your own edits only).`,
      );
    }
    const before = JSON.parse(entry.before_json) as HistoryState;
    const after = JSON.parse(entry.after_json) as HistoryState;
    const [from, to] = undo ? [after, before] : [before, after];
    checkUnchangedSince(ctx.db, example, entry.op, from, direction);
    replay(ctx.db, example, from, to);
    replayDecisions(
      ctx.db,
      { ids: from.decisionIds ?? [], rows: from.decisions ?? [] },
      { ids: to.decisionIds ?? [], rows: to.decisions ?? [] },
    );
    ctx.db
      .prepare('UPDATE example_history SET state = ? WHERE id = ?')
      .run(undo ? 'undone' : 'applied', entry.id);
    touchExample(ctx, example);
    return readExampleView(ctx.db, exampleId);
  });
}

/**
 * The spans an entry touched must still be as the entry left them (`from`): otherwise another author
 * changed them since, and replaying would silently overwrite that change.
 */
function checkUnchangedSince(
  db: DatabaseSync,
  example: ExampleRow,
  op: string,
  from: HistoryState,
  direction: 'undo' | 'redo',
): void {
  const expected = new Map(from.spans.map((s) => [s.id, s]));
  for (const id of from.ids) {
    const now = db.prepare('SELECT * FROM annotations WHERE id = ?').get(id) as SpanRow | undefined;
    const was = expected.get(id);
    const same =
      now === undefined
        ? was === undefined
        : was !== undefined &&
          now.start === was.start &&
          now.end === was.end &&
          now.label === was.label &&
          now.source === was.source &&
          now.author === was.author;
    if (same) continue;
    // A model suggestion the entry restored or removed may have been replaced by a later model run:
    // that is not a person's change, replaying over it is what the entry means.
    if ((now === undefined || now.source === 'model') && (was === undefined || was.source === 'model'))
      continue;
    throw new ServiceError(
      'bad-request',
      `Cannot ${direction} "${op}" on example #${example.idx + 1}: span #${id} was changed since` +
        `${now?.author ? ` by ${now.author}` : ''}; edit it directly instead.`,
    );
  }
}

/**
 * History entry (before = touched spans and decisions as they were, null = did not exist); the author's
 * redo stack is dropped (another author's is theirs to keep).
 */
export function finishEdit(
  ctx: AnnotationContext,
  example: ExampleRow,
  op: string,
  summary: string,
  touched: Map<number, StoredSpan | null>,
  author: string,
  touchedDecisions: TouchedDecisions = new Map(),
): void {
  const ids = [...touched.keys()];
  const now = ctx.now();
  const after = new Map<number, StoredSpan>();
  if (ids.length > 0) {
    const rows = ctx.db
      .prepare(`SELECT * FROM annotations WHERE id IN (${ids.map(() => '?').join(', ')})`)
      .all(...ids) as unknown as SpanRow[];
    for (const row of rows) after.set(row.id, stored(row));
  }
  const before = ids.flatMap((id) => touched.get(id) ?? []);
  const decisionIds = [...touchedDecisions.keys()];
  const decisionsAfter =
    decisionIds.length === 0
      ? []
      : (ctx.db
          .prepare(
            `SELECT * FROM suggestion_decisions WHERE id IN (${decisionIds.map(() => '?').join(', ')})`,
          )
          .all(...decisionIds) as unknown as DecisionRow[]);
  const decisionsBefore = decisionIds.flatMap((id) => touchedDecisions.get(id) ?? []);
  ctx.db
    .prepare(
      "UPDATE example_history SET state = 'discarded' WHERE example_id = ? AND author = ? AND state = 'undone'",
    )
    .run(example.id, author);
  const state = (spans: StoredSpan[], decisions: DecisionRow[]): HistoryState =>
    decisionIds.length ? { ids, spans, decisionIds, decisions } : { ids, spans };
  ctx.db
    .prepare(
      `INSERT INTO example_history (example_id, op, before_json, after_json, author, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    )
    .run(
      example.id,
      `${op}: ${summary}`,
      JSON.stringify(state(before, decisionsBefore)),
      JSON.stringify(state([...after.values()], decisionsAfter)),
      author,
      now,
    );
  ctx.db
    .prepare(
      `UPDATE examples SET revision = revision + 1, updated_at = ?,
         status = CASE status WHEN 'unannotated' THEN 'in-progress' ELSE status END
       WHERE id = ?`,
    )
    .run(now, example.id);
}

/** Moves the touched spans from state `from` to state `to` (both as stored in a history entry). */
export function replay(
  db: DatabaseSync,
  example: ExampleRow,
  from: { ids: number[]; spans: StoredSpan[] },
  to: { ids: number[]; spans: StoredSpan[] },
): void {
  const keep = new Set(to.spans.map((s) => s.id));
  for (const id of from.ids) if (!keep.has(id)) db.prepare('DELETE FROM annotations WHERE id = ?').run(id);
  for (const span of to.spans) {
    db.prepare(
      `INSERT OR REPLACE INTO annotations (id, example_id, dataset_id, start, end, label, source, author, score,
           checkpoint_id, created_at, origin)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      span.id,
      example.id,
      example.dataset_id,
      span.start,
      span.end,
      span.label,
      span.source,
      span.author,
      span.score,
      span.checkpoint_id,
      span.created_at,
      span.origin ?? null,
    );
  }
}

function touchExample(ctx: AnnotationContext, example: ExampleRow): void {
  ctx.db
    .prepare('UPDATE examples SET revision = revision + 1, updated_at = ? WHERE id = ?')
    .run(ctx.now(), example.id);
}
