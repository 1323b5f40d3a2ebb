/** The `datasets` table itself: the list, one dataset's detail, and removal. */
import type { DatabaseSync } from 'node:sqlite';
import type { DatasetDetail, DatasetImportWarning, DatasetRecord } from '../../../shared/ipc';
import { transaction } from '../database';
import { ServiceError } from '../errors';
import { datasetLabels } from './labels';
import { toDatasetRecord, type DatasetRow } from './rows';

/** Every dataset: builtins first, then by name. */
export function listDatasets(db: DatabaseSync): DatasetRecord[] {
  const rows = db
    .prepare('SELECT * FROM datasets ORDER BY builtin DESC, name COLLATE NOCASE, added_at')
    .all() as unknown as DatasetRow[];
  return rows.map(toDatasetRecord);
}

export function getDataset(db: DatabaseSync, id: string): DatasetDetail {
  const row = db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetRow | undefined;
  if (!row) throw new ServiceError('not-found', `Dataset ${id} does not exist (removed?); reload the list.`);
  return {
    ...toDatasetRecord(row),
    labels: datasetLabels(db, id),
    sourceFile: row.source_file,
    sourceHash: row.source_hash,
    counts: JSON.parse(row.counts_json) as Record<string, unknown>,
    warnings: JSON.parse(row.warnings_json) as DatasetImportWarning[],
  };
}

/** Deletes a dataset with its examples, spans and labels; builtins cannot be removed. */
export function removeDataset(db: DatabaseSync, id: string): { removed: boolean } {
  return transaction(db, () => {
    const row = db.prepare('SELECT name, builtin FROM datasets WHERE id = ?').get(id) as
      { name: string; builtin: number } | undefined;
    if (!row) return { removed: false };
    if (row.builtin === 1)
      throw new ServiceError('forbidden', `"${row.name}" is built into the app and cannot be removed.`);
    db.prepare('DELETE FROM datasets WHERE id = ?').run(id);
    return { removed: true };
  });
}
