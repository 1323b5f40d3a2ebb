/**
 * The rows behind annotations (examples and their spans), how they are read one example at a time, and
 * the span rules every edit checks (labels in the set, one author's version never overlapping).
 */
import type { DatabaseSync } from 'node:sqlite';
import type { AnnotationSource, ExampleStatus, SpanOrigin } from '../../../shared/ipc';
import { ServiceError } from '../errors';

/** What every edit works with: the connection and the clock for created/updated times. */
export interface AnnotationContext {
  db: DatabaseSync;
  now: () => string;
}

export interface SpanRow {
  id: number;
  example_id: number;
  start: number;
  end: number;
  label: string;
  source: AnnotationSource;
  author: string | null;
  score: number | null;
  checkpoint_id: string | null;
  created_at: string;
  /** Annotator spans only (migration 5); null for gold and model rows and in history entries before it. */
  origin: SpanOrigin | null;
}

export interface ExampleRow {
  id: number;
  dataset_id: string;
  idx: number;
  text: string;
  split: string | null;
  meta_json: string | null;
  status: ExampleStatus;
  revision: number;
  uncertainty: number | null;
  predicted_by: string | null;
  updated_at: string | null;
  can_undo: number;
  can_redo: number;
  /** JSON arrays of the authors with an edit to undo / redo (history is per author). */
  undo_authors_json: string;
  redo_authors_json: string;
  submitted_authors_json: string;
}

/** A span as stored in a history entry (enough to restore it under the same id). */
export type StoredSpan = Omit<SpanRow, 'example_id'>;

export const exampleColumns = `e.id, e.dataset_id, e.idx, e.text, e.split, e.meta_json, e.status, e.revision,
  e.uncertainty, e.predicted_by, e.updated_at,
  EXISTS (SELECT 1 FROM example_history h WHERE h.example_id = e.id AND h.state = 'applied') AS can_undo,
  EXISTS (SELECT 1 FROM example_history h WHERE h.example_id = e.id AND h.state = 'undone') AS can_redo,
  (SELECT json_group_array(DISTINCT h.author) FROM example_history h
     WHERE h.example_id = e.id AND h.state = 'applied' AND h.author IS NOT NULL) AS undo_authors_json,
  (SELECT json_group_array(DISTINCT h.author) FROM example_history h
     WHERE h.example_id = e.id AND h.state = 'undone' AND h.author IS NOT NULL) AS redo_authors_json,
  (SELECT json_group_array(s.author) FROM example_submissions s WHERE s.example_id = e.id) AS submitted_authors_json`;

export function byStart(
  a: { start: number; end: number; id: number },
  b: { start: number; end: number; id: number },
) {
  return a.start - b.start || a.end - b.end || a.id - b.id;
}

export function exampleRow(db: DatabaseSync, exampleId: number): ExampleRow {
  const row = db.prepare(`SELECT ${exampleColumns} FROM examples e WHERE e.id = ?`).get(exampleId) as
    ExampleRow | undefined;
  if (!row)
    throw new ServiceError('not-found', `Example ${exampleId} does not exist (was its dataset removed?).`);
  return row;
}

export function spanRows(db: DatabaseSync, exampleId: number): SpanRow[] {
  return db
    .prepare('SELECT * FROM annotations WHERE example_id = ? ORDER BY start, end, id')
    .all(exampleId) as unknown as SpanRow[];
}

export function labelNames(db: DatabaseSync, datasetId: string): Set<string> {
  const rows = db
    .prepare('SELECT name FROM dataset_labels WHERE dataset_id = ? ORDER BY position, name')
    .all(datasetId) as {
    name: string;
  }[];
  return new Set(rows.map((r) => r.name));
}

export function checkLabel(
  db: DatabaseSync,
  labels: Set<string>,
  label: string,
  where: string,
  datasetId: string,
): void {
  if (labels.has(label)) return;
  throw new ServiceError(
    'bad-request',
    `${where}: label ${JSON.stringify(label)} is not in the label set of dataset "${datasetName(db, datasetId)}" ` +
      `(${[...labels].join(', ') || 'empty'}); add it with labels.update first.`,
  );
}

function datasetName(db: DatabaseSync, datasetId: string): string {
  const row = db.prepare('SELECT name FROM datasets WHERE id = ?').get(datasetId) as
    { name: string } | undefined;
  return row?.name ?? datasetId;
}

export function insertSpan(
  ctx: AnnotationContext,
  example: ExampleRow,
  span: Omit<SpanRow, 'id' | 'example_id' | 'created_at'>,
): SpanRow {
  const createdAt = ctx.now();
  const result = ctx.db
    .prepare(
      `INSERT INTO annotations (example_id, dataset_id, start, end, label, source, author, score, checkpoint_id,
         created_at, origin)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      example.id,
      example.dataset_id,
      span.start,
      span.end,
      span.label,
      span.source,
      span.author,
      span.score,
      span.checkpoint_id,
      createdAt,
      span.origin,
    );
  return { ...span, id: Number(result.lastInsertRowid), example_id: example.id, created_at: createdAt };
}

/**
 * Whether a span belongs to the version `author` edits: the gold spans and that author's own spans. Two
 * annotators' versions may overlap each other (double annotation for review); one version never overlaps.
 */
export function inVersionOf(span: Pick<SpanRow, 'source' | 'author'>, author: string): boolean {
  return span.source === 'gold' || (span.source === 'annotator' && span.author === author);
}

export function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

export function stored(row: SpanRow): StoredSpan {
  const { example_id: _exampleId, ...rest } = row;
  return { ...rest };
}
