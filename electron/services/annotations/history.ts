/**
 * The edit history undo/redo replay: each entry holds only the spans an edit touched (before and after), so
 * undoing an old edit does not clobber model predictions saved after it.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { ExampleView } from '../../../shared/ipc';
import { transaction } from '../database';
import { ServiceError } from '../errors';
import {
  exampleRow,
  stored,
  type AnnotationContext,
  type ExampleRow,
  type SpanRow,
  type StoredSpan,
} from './rows';
import { readExampleView } from './views';

/**
 * undo: the latest applied entry goes back to its before state and becomes 'undone'; redo: the first
 * undone entry (the most recently undone) goes forward to its after state and becomes 'applied' again.
 */
export function stepHistory(
  ctx: AnnotationContext,
  exampleId: number,
  direction: 'undo' | 'redo',
): ExampleView {
  const undo = direction === 'undo';
  return transaction(ctx.db, () => {
    const example = exampleRow(ctx.db, exampleId);
    const entry = ctx.db
      .prepare(
        undo
          ? "SELECT id, before_json, after_json FROM example_history WHERE example_id = ? AND state = 'applied' ORDER BY id DESC LIMIT 1"
          : "SELECT id, before_json, after_json FROM example_history WHERE example_id = ? AND state = 'undone' ORDER BY id ASC LIMIT 1",
      )
      .get(exampleId) as { id: number; before_json: string; after_json: string } | undefined;
    if (!entry)
      throw new ServiceError('bad-request', `Nothing to ${direction} on example #${example.idx + 1}.`);
    const before = JSON.parse(entry.before_json);
    const after = JSON.parse(entry.after_json);
    if (undo) replay(ctx.db, example, after, before);
    else replay(ctx.db, example, before, after);
    ctx.db
      .prepare('UPDATE example_history SET state = ? WHERE id = ?')
      .run(undo ? 'undone' : 'applied', entry.id);
    touchExample(ctx, example);
    return readExampleView(ctx.db, exampleId);
  });
}

/** History entry (before = touched spans as they were, null = did not exist), redo stack dropped. */
export function finishEdit(
  ctx: AnnotationContext,
  example: ExampleRow,
  op: string,
  summary: string,
  touched: Map<number, StoredSpan | null>,
  author: string,
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
  ctx.db
    .prepare("UPDATE example_history SET state = 'discarded' WHERE example_id = ? AND state = 'undone'")
    .run(example.id);
  ctx.db
    .prepare(
      `INSERT INTO example_history (example_id, op, before_json, after_json, author, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    )
    .run(
      example.id,
      `${op}: ${summary}`,
      JSON.stringify({ ids, spans: before }),
      JSON.stringify({ ids, spans: [...after.values()] }),
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
           checkpoint_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    );
  }
}

function touchExample(ctx: AnnotationContext, example: ExampleRow): void {
  ctx.db
    .prepare('UPDATE examples SET revision = revision + 1, updated_at = ? WHERE id = ?')
    .run(ctx.now(), example.id);
}
