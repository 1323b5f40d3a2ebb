/** A `datasets` row as stored, the record the list shows, and the check every per-dataset call starts with. */
import type { DatabaseSync } from 'node:sqlite';
import type { DatasetRecord } from '../../../shared/ipc';
import { isReadOnlyDataset } from '../builtinDatasets';
import { ServiceError } from '../errors';

/** A `datasets` row: what the list shows, then what the store keeps about the import. */
export interface DatasetRow {
  id: string;
  name: string;
  task: string;
  format: string;
  source_path: string | null;
  example_count: number;
  builtin: number;
  added_at: string;
  source_file: string | null;
  source_hash: string | null;
  span_count: number;
  counts_json: string;
  warnings_json: string;
  layout_json: string | null;
}

export function toDatasetRecord(row: DatasetRow): DatasetRecord {
  return {
    id: row.id,
    name: row.name,
    task: row.task,
    format: row.format,
    sourcePath: row.source_path,
    exampleCount: row.example_count,
    builtin: row.builtin === 1,
    readOnly: isReadOnlyDataset({ builtin: row.builtin, task: row.task, spanCount: row.span_count }),
    addedAt: row.added_at,
  };
}

export function requireDataset(db: DatabaseSync, id: string): void {
  if (!db.prepare('SELECT 1 FROM datasets WHERE id = ?').get(id)) {
    throw new ServiceError('not-found', `Dataset ${id} does not exist (removed?); reload the list.`);
  }
}
