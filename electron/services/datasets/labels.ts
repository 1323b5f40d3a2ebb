/** Label sets: a dataset's labels with colours, hotkeys and order; the defaults an import starts with. */
import type { DatabaseSync } from 'node:sqlite';
import { parseTag, type DatasetCounts, type DatasetTask } from '../../../shared/datasets';
import type { LabelDefinition } from '../../../shared/ipc';
import { transaction } from '../database';
import { ServiceError } from '../errors';
import { requireDataset } from './rows';

/** Fixed palette for new labels (readable on light and dark backgrounds). */
export const labelPalette = [
  '#e6194b',
  '#3cb44b',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#42d4f4',
  '#f032e6',
  '#9a6324',
  '#469990',
  '#808000',
] as const;

interface LabelRow {
  name: string;
  color: string;
  hotkey: string | null;
  position: number;
}

export function datasetLabels(db: DatabaseSync, datasetId: string): LabelDefinition[] {
  const rows = db
    .prepare(
      'SELECT name, color, hotkey, position FROM dataset_labels WHERE dataset_id = ? ORDER BY position, name',
    )
    .all(datasetId) as unknown as LabelRow[];
  return rows.map((r) => ({ name: r.name, color: r.color, hotkey: r.hotkey, position: r.position }));
}

export function listLabels(db: DatabaseSync, datasetId: string): LabelDefinition[] {
  requireDataset(db, datasetId);
  return datasetLabels(db, datasetId);
}

/**
 * Adds labels or changes colour / hotkey / position of existing ones (labels not named are kept).
 * Hotkeys can be swapped within one call; taking one from a label not in the call is refused.
 */
export function updateLabels(
  db: DatabaseSync,
  datasetId: string,
  updates: readonly { name: string; color?: string; hotkey?: string | null; position?: number }[],
): LabelDefinition[] {
  return transaction(db, () => {
    requireDataset(db, datasetId);
    const existing = new Map(datasetLabels(db, datasetId).map((l) => [l.name, l]));
    let nextPosition = Math.max(-1, ...[...existing.values()].map((l) => l.position)) + 1;
    // Free the hotkeys being reassigned first, so swaps inside one call work.
    const clearHotkey = db.prepare(
      'UPDATE dataset_labels SET hotkey = NULL WHERE dataset_id = ? AND name = ?',
    );
    for (const update of updates) if (update.hotkey !== undefined) clearHotkey.run(datasetId, update.name);
    for (const update of updates) {
      const current = existing.get(update.name);
      const label: LabelDefinition = current
        ? { ...current }
        : {
            name: update.name,
            color: labelPalette[existing.size % labelPalette.length],
            hotkey: null,
            position: nextPosition++,
          };
      if (update.color !== undefined) label.color = update.color.toLowerCase();
      if (update.position !== undefined) label.position = update.position;
      if (update.hotkey !== undefined) label.hotkey = update.hotkey;
      if (label.hotkey !== null) {
        const holder = db
          .prepare('SELECT name FROM dataset_labels WHERE dataset_id = ? AND hotkey = ? AND name != ?')
          .get(datasetId, label.hotkey, label.name) as { name: string } | undefined;
        if (holder) {
          throw new ServiceError(
            'bad-request',
            `Hotkey "${label.hotkey}" is already used by label "${holder.name}"; give that label another hotkey ` +
              '(or none) in the same update.',
          );
        }
      }
      db.prepare(
        `INSERT INTO dataset_labels (dataset_id, name, color, hotkey, position) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (dataset_id, name) DO UPDATE SET color = excluded.color, hotkey = excluded.hotkey,
             position = excluded.position`,
      ).run(datasetId, label.name, label.color, label.hotkey, label.position);
      existing.set(label.name, label);
    }
    return datasetLabels(db, datasetId);
  });
}

/** Default label set: NER entity types (from entities and tags, first seen first), else record labels. */
export function defaultLabels(task: DatasetTask, counts: DatasetCounts): LabelDefinition[] {
  const names: string[] = [];
  const add = (name: string) => {
    if (name && !names.includes(name)) names.push(name);
  };
  if (task === 'ner') {
    for (const name of Object.keys(counts.entities ?? {})) add(name);
    for (const tag of Object.keys(counts.tags ?? {})) add(parseTag(tag)?.type ?? '');
  } else {
    for (const name of Object.keys(counts.labels ?? {})) add(name);
  }
  return labelDefinitions(names);
}

/**
 * Labels in this order, with the palette's colours and no hotkey: a stored hotkey is one the person chose
 * (labels.update); the Annotate view gives every other label a key that is the same for its name in every
 * dataset (renderer/src/views/annotate/labelHotkeys.ts).
 */
export function labelDefinitions(names: readonly string[]): LabelDefinition[] {
  return names.map((name, position) => ({
    name,
    color: labelPalette[position % labelPalette.length],
    hotkey: null,
    position,
  }));
}
