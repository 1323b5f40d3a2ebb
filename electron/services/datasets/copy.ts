/**
 * A copy of a dataset as a new, editable user dataset (issue 12: "Annotate a copy" of a read-only gold
 * set): its examples (text, split, source id, record JSON, status), its label set and its working spans
 * (gold + annotator, with their author, score and checkpoint), in one transaction: either the whole copy
 * exists or nothing does. Model suggestions and the edit history stay with the original.
 */
import { randomUUID } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import type { DatasetDetail } from '../../../shared/ipc';
import { transaction } from '../database';
import { ServiceError } from '../errors';
import { getDataset } from './library';
import type { DatasetRow } from './rows';

export function copyDataset(
  db: DatabaseSync,
  request: { id: string; name?: string },
  now: () => string = () => new Date().toISOString(),
): DatasetDetail {
  const id = randomUUID();
  transaction(db, () => {
    const source = db.prepare('SELECT * FROM datasets WHERE id = ?').get(request.id) as
      DatasetRow | undefined;
    if (!source)
      throw new ServiceError(
        'not-found',
        `Dataset ${request.id} does not exist (removed?); reload the list.`,
      );
    const name = request.name?.trim() || freeCopyName(db, source.name);
    const addedAt = now();
    db.prepare(
      `INSERT INTO datasets (id, name, task, format, source_path, example_count, builtin, added_at, source_file,
         source_hash, span_count, counts_json, warnings_json, layout_json)
       VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      name,
      source.task,
      source.format,
      source.source_path,
      source.example_count,
      addedAt,
      source.source_file,
      source.source_hash,
      source.span_count,
      source.counts_json,
      source.warnings_json,
      source.layout_json,
    );
    db.prepare(
      `INSERT INTO examples (dataset_id, idx, text, split, source_id, meta_json, status, uncertainty, updated_at)
       SELECT ?, idx, text, split, source_id, meta_json, status, NULL, ? FROM examples
       WHERE dataset_id = ? ORDER BY idx`,
    ).run(id, addedAt, source.id);
    // Examples are matched by their index, which is unique per dataset (examples_dataset_idx).
    db.prepare(
      `INSERT INTO annotations (example_id, dataset_id, start, end, label, source, author, score, checkpoint_id,
         created_at)
       SELECT copied.id, ?, a.start, a.end, a.label, a.source, a.author, a.score, a.checkpoint_id, a.created_at
       FROM annotations a
       JOIN examples original ON original.id = a.example_id
       JOIN examples copied ON copied.dataset_id = ? AND copied.idx = original.idx
       WHERE a.dataset_id = ? AND a.source != 'model'
       ORDER BY a.id`,
    ).run(id, id, source.id);
    db.prepare(
      `INSERT INTO dataset_labels (dataset_id, name, color, hotkey, position)
       SELECT ?, name, color, hotkey, position FROM dataset_labels WHERE dataset_id = ?`,
    ).run(id, source.id);
  });
  return getDataset(db, id);
}

/** "<name> (copy)", or "(copy 2)", "(copy 3)"… when that name is taken. */
function freeCopyName(db: DatabaseSync, name: string): string {
  const taken = (candidate: string) =>
    db.prepare('SELECT 1 FROM datasets WHERE name = ?').get(candidate) !== undefined;
  const base = `${name.slice(0, 180)} (copy)`;
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${name.slice(0, 180)} (copy ${n})`;
    if (!taken(candidate)) return candidate;
  }
}
