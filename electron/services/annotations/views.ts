/** Examples as the renderer sees them (ExampleView): rows plus their spans, sorted, split by layer. */
import type { DatabaseSync } from 'node:sqlite';
import type { AnnotationSpan, ExampleView } from '../../../shared/ipc';
import { ServiceError } from '../errors';
import { byStart, exampleColumns, type ExampleRow, type SpanRow } from './rows';

function toSpan(row: SpanRow): AnnotationSpan {
  return {
    id: row.id,
    start: row.start,
    end: row.end,
    label: row.label,
    source: row.source,
    author: row.author,
    score: row.score,
    checkpointId: row.checkpoint_id,
    createdAt: row.created_at,
  };
}

/** Builds the views of examples from their rows and all their spans (any order). */
export function toExampleViews(rows: ExampleRow[], spans: SpanRow[]): ExampleView[] {
  const byExample = new Map<number, SpanRow[]>();
  for (const span of spans) {
    let list = byExample.get(span.example_id);
    if (!list) byExample.set(span.example_id, (list = []));
    list.push(span);
  }
  return rows.map((row) => {
    const all = (byExample.get(row.id) ?? []).sort(byStart);
    return {
      id: row.id,
      datasetId: row.dataset_id,
      index: row.idx,
      text: row.text,
      split: row.split,
      status: row.status,
      revision: row.revision,
      updatedAt: row.updated_at,
      spans: all.filter((s) => s.source !== 'model').map(toSpan),
      modelSpans: all.filter((s) => s.source === 'model').map(toSpan),
      uncertainty: row.uncertainty,
      predictedBy: row.predicted_by,
      record: row.meta_json === null ? null : (JSON.parse(row.meta_json) as unknown),
      canUndo: row.can_undo === 1,
      canRedo: row.can_redo === 1,
    };
  });
}

/** Reads examples by id (in the order given) with their spans. */
export function readExampleViews(db: DatabaseSync, ids: readonly number[]): ExampleView[] {
  if (ids.length === 0) return [];
  const placeholders = ids.map(() => '?').join(', ');
  const rows = db
    .prepare(`SELECT ${exampleColumns} FROM examples e WHERE e.id IN (${placeholders})`)
    .all(...ids) as unknown as ExampleRow[];
  const spans = db
    .prepare(`SELECT * FROM annotations WHERE example_id IN (${placeholders})`)
    .all(...ids) as unknown as SpanRow[];
  const views = new Map(toExampleViews(rows, spans).map((view) => [view.id, view]));
  return ids.flatMap((id) => views.get(id) ?? []);
}

export function readExampleView(db: DatabaseSync, exampleId: number): ExampleView {
  const [view] = readExampleViews(db, [exampleId]);
  if (!view)
    throw new ServiceError('not-found', `Example ${exampleId} does not exist (was its dataset removed?).`);
  return view;
}
