/** Dataset metadata: list and remove for now; importers add rows through later features. */
import type { DatabaseSync } from 'node:sqlite';
import type { DatasetRecord } from '../../shared/ipc';
import { transaction } from './database';
import { ServiceError } from './errors';

/** The `datasets` table's base columns (DatasetStore reads more of them). */
export interface DatasetRow {
  id: string;
  name: string;
  task: string;
  format: string;
  source_path: string | null;
  example_count: number;
  builtin: number;
  added_at: string;
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
    addedAt: row.added_at,
  };
}

export class DatasetService {
  constructor(private readonly db: DatabaseSync) {}

  list(): DatasetRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM datasets ORDER BY builtin DESC, name COLLATE NOCASE, added_at')
      .all() as unknown as DatasetRow[];
    return rows.map(toDatasetRecord);
  }

  /** Insert a dataset's metadata (used by importers; examples live in their own tables). */
  add(record: DatasetRecord): DatasetRecord {
    transaction(this.db, () => {
      this.db
        .prepare(
          `INSERT INTO datasets (id, name, task, format, source_path, example_count, builtin, added_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          record.id,
          record.name,
          record.task,
          record.format,
          record.sourcePath,
          record.exampleCount,
          record.builtin ? 1 : 0,
          record.addedAt,
        );
    });
    return record;
  }

  remove(id: string): { removed: boolean } {
    return transaction(this.db, () => {
      const row = this.db.prepare('SELECT name, builtin FROM datasets WHERE id = ?').get(id) as
        { name: string; builtin: number } | undefined;
      if (!row) return { removed: false };
      if (row.builtin === 1)
        throw new ServiceError('forbidden', `"${row.name}" is built into the app and cannot be removed.`);
      this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id);
      return { removed: true };
    });
  }
}
