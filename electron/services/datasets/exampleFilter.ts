import type { ExampleFilter } from '../../../shared/ipc';
import { annotatorWorkedOn } from '../annotations/history';

/**
 * A WHERE term on examples `e` that holds exactly when `e.text` contains a string, as the store's text
 * search answers it (sqliteTextSearch.ts for SQLite).
 */
export interface TextMatch {
  clause: string;
  params: (string | number)[];
  /**
   * The term reads a short candidate list: the query should start from it rather than walk the dataset's
   * index, so the dataset term must not offer the planner that index.
   */
  selective: boolean;
}

/** Finds the examples whose text contains `text` (the store's text search port). */
export type TextSearch = (text: string) => TextMatch;

/** Without an index: instr() over every example of the dataset. */
export const scanTextSearch: TextSearch = (text) => ({
  clause: 'instr(e.text, ?) > 0',
  params: [text],
  selective: false,
});

/** SQL WHERE clause and parameters for an example filter (examples aliased `e`); `now` decides which leases run. */
export function exampleFilterSql(
  datasetId: string,
  filter: ExampleFilter,
  textSearch: TextSearch = scanTextSearch,
  now: number = Date.now(),
): { where: string; params: (string | number)[]; wholeDataset: boolean } {
  const text = filter.text ? textSearch(filter.text) : null;
  // A unary + keeps a column term from using an index (SQLite's documented way to steer the planner).
  const clauses = [text?.selective ? '+e.dataset_id = ?' : 'e.dataset_id = ?'];
  const params: (string | number)[] = [datasetId];
  if (filter.status) {
    clauses.push('e.status = ?');
    params.push(filter.status);
  }
  if (filter.undone !== undefined) clauses.push(filter.undone ? "e.status != 'done'" : "e.status = 'done'");
  if (filter.notPredictedBy) {
    clauses.push('(e.predicted_by IS NULL OR e.predicted_by != ?)');
    params.push(filter.notPredictedBy);
  }
  if (filter.assignedTo !== undefined) {
    // What team/taskRouter.ts's isAssigned allows: a running lease, or an edit of their own.
    clauses.push(`(e.id IN (SELECT l.example_id FROM task_leases l WHERE l.annotator = ? AND l.expires_at > ?)
      OR ${annotatorWorkedOn('e.id', '?')})`);
    params.push(filter.assignedTo, now, filter.assignedTo, filter.assignedTo);
  }
  if (text) {
    clauses.push(text.clause);
    params.push(...text.params);
  }
  // Span conditions select example ids through the annotations' (dataset_id, ...) indices, so a filter
  // over a 100,000-example corpus reads only the matching spans.
  if (filter.entityText || filter.label) {
    const inner = ['a.dataset_id = ?'];
    params.push(datasetId);
    if (filter.label) {
      inner.push('a.label = ?');
      params.push(filter.label);
    }
    if (filter.entityText) {
      // substr counts characters (code points), like the stored offsets.
      inner.push('instr(substr(x.text, a.start + 1, a.end - a.start), ?) > 0');
      params.push(filter.entityText);
    }
    const join = filter.entityText ? 'JOIN examples x ON x.id = a.example_id' : '';
    clauses.push(`e.id IN (SELECT a.example_id FROM annotations a ${join} WHERE ${inner.join(' AND ')})`);
  }
  if (filter.lowConfidenceBelow !== undefined) {
    clauses.push(
      "e.id IN (SELECT a.example_id FROM annotations a WHERE a.dataset_id = ? AND a.source = 'model' AND a.score < ?)",
    );
    params.push(datasetId, filter.lowConfidenceBelow);
  }
  if (filter.disagreement !== undefined) {
    // Only examples with model suggestions can disagree; a span without an exact twin in the other layer
    // (same start, end and label) is a disagreement.
    const disagree = `e.id IN (SELECT m.example_id FROM annotations m WHERE m.dataset_id = ? AND m.source = 'model') AND (
      EXISTS (SELECT 1 FROM annotations m WHERE m.example_id = e.id AND m.source = 'model' AND NOT EXISTS (
        SELECT 1 FROM annotations w WHERE w.example_id = e.id AND w.source != 'model'
          AND w.start = m.start AND w.end = m.end AND w.label = m.label))
      OR EXISTS (SELECT 1 FROM annotations w WHERE w.example_id = e.id AND w.source != 'model' AND NOT EXISTS (
        SELECT 1 FROM annotations m WHERE m.example_id = e.id AND m.source = 'model'
          AND m.start = w.start AND m.end = w.end AND m.label = w.label)))`;
    clauses.push(filter.disagreement ? `(${disagree})` : `NOT (${disagree})`);
    params.push(datasetId);
  }
  return { where: clauses.join(' AND '), params, wholeDataset: clauses.length === 1 };
}
