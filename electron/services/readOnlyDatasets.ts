/**
 * Read-only datasets (issue 12): the builtin benchmark gold sets (builtinDatasets.ts `isReadOnlyDataset`).
 * Every write that reaches them through a channel is refused here, on the main side, with the dataset's
 * name and what to do instead, so no UI path (or a hand-made request) can change benchmark gold.
 */
import type { DatabaseSync } from 'node:sqlite';
import { isReadOnlyDataset } from './builtinDatasets';
import { ServiceError } from './errors';

interface DatasetFlags {
  id: string;
  name: string;
  builtin: number;
  task: string;
  span_count: number;
}

export class ReadOnlyDatasets {
  constructor(private readonly db: DatabaseSync) {}

  /** Throws `forbidden` when the dataset is read-only; an unknown id is left to the handler to report. */
  assertWritableDataset(datasetId: string, action: string): void {
    const row = this.db
      .prepare('SELECT id, name, builtin, task, span_count FROM datasets WHERE id = ?')
      .get(datasetId) as DatasetFlags | undefined;
    if (row) this.check(row, action);
  }

  /** Throws `forbidden` when the example belongs to a read-only dataset. */
  assertWritableExample(exampleId: number, action: string): void {
    const row = this.db
      .prepare(
        `SELECT d.id, d.name, d.builtin, d.task, d.span_count FROM examples e
         JOIN datasets d ON d.id = e.dataset_id WHERE e.id = ?`,
      )
      .get(exampleId) as DatasetFlags | undefined;
    if (row) this.check(row, action);
  }

  private check(row: DatasetFlags, action: string): void {
    if (!isReadOnlyDataset({ builtin: row.builtin, task: row.task, spanCount: row.span_count })) return;
    throw new ServiceError(
      'forbidden',
      `"${row.name}" (${row.id}) is a built-in benchmark gold set and is read-only: ${action} was refused, ` +
        'because editing it would silently change the gold every benchmark scores against. ' +
        'Annotate a copy instead ("Annotate a copy" in Annotate, or datasets.copy).',
    );
  }
}
