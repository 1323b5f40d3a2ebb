/** Examples as the renderer sees them (ExampleView): rows plus their spans, sorted, split by layer. */
import type { DatabaseSync } from 'node:sqlite';
import type { AnnotationSpan, ExampleView } from '../../../shared/ipc';
import { ServiceError } from '../errors';
import { decisionRowsFor, suggestionKey, type DecisionRow } from './decisions';
import { byStart, exampleColumns, type ExampleRow, type SpanRow } from './rows';

function toSpan(row: SpanRow, decisions: Map<string, DecisionRow[]>): AnnotationSpan {
  const span: AnnotationSpan = {
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
  if (row.source === 'annotator') span.origin = row.origin ?? (row.checkpoint_id ? 'prediction' : 'manual');
  if (row.source === 'model') {
    span.decisions = (decisions.get(suggestionKey(row)) ?? [])
      .map((d) => ({ author: d.author, decision: d.decision }))
      .sort((a, b) => a.author.localeCompare(b.author));
  }
  return span;
}

/**
 * Builds the views of examples from their rows, all their spans and the decisions on their suggestions
 * (any order; `decisionRowsFor` reads them).
 */
export function toExampleViews(
  rows: ExampleRow[],
  spans: SpanRow[],
  decisionRows: readonly DecisionRow[] = [],
): ExampleView[] {
  const decisionsByExample = new Map<number, Map<string, DecisionRow[]>>();
  for (const row of decisionRows) {
    let byKey = decisionsByExample.get(row.example_id);
    if (!byKey) decisionsByExample.set(row.example_id, (byKey = new Map()));
    const key = suggestionKey(row);
    byKey.set(key, [...(byKey.get(key) ?? []), row]);
  }
  const byExample = new Map<number, SpanRow[]>();
  for (const span of spans) {
    let list = byExample.get(span.example_id);
    if (!list) byExample.set(span.example_id, (list = []));
    list.push(span);
  }
  return rows.map((row) => {
    const all = (byExample.get(row.id) ?? []).sort(byStart);
    const decisions = decisionsByExample.get(row.id) ?? new Map<string, DecisionRow[]>();
    const toView = (span: SpanRow) => toSpan(span, decisions);
    return {
      id: row.id,
      datasetId: row.dataset_id,
      index: row.idx,
      text: row.text,
      split: row.split,
      status: row.status,
      revision: row.revision,
      updatedAt: row.updated_at,
      spans: all.filter((s) => s.source !== 'model').map(toView),
      modelSpans: all.filter((s) => s.source === 'model').map(toView),
      uncertainty: row.uncertainty,
      predictedBy: row.predicted_by,
      record: row.meta_json === null ? null : (JSON.parse(row.meta_json) as unknown),
      canUndo: row.can_undo === 1,
      canRedo: row.can_redo === 1,
      undoAuthors: authors(row.undo_authors_json),
      redoAuthors: authors(row.redo_authors_json),
      submittedBy: authors(row.submitted_authors_json),
    };
  });
}

function authors(json: string | null | undefined): string[] {
  return json ? (JSON.parse(json) as string[]).sort() : [];
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
  const views = new Map(toExampleViews(rows, spans, decisionRowsFor(db, ids)).map((view) => [view.id, view]));
  return ids.flatMap((id) => views.get(id) ?? []);
}

export function readExampleView(db: DatabaseSync, exampleId: number): ExampleView {
  const [view] = readExampleViews(db, [exampleId]);
  if (!view)
    throw new ServiceError('not-found', `Example ${exampleId} does not exist (was its dataset removed?).`);
  return view;
}
