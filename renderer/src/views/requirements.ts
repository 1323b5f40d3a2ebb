/** What the later views need from the library, computed from the real lists (no placeholders). */
import type { CheckpointRecord, DatasetRecord } from '../../../shared/ipc';

export const isTokenClassifier = (checkpoint: CheckpointRecord) =>
  /TokenClassification/i.test(checkpoint.architecture ?? '');

export const isNerDataset = (dataset: DatasetRecord) => /ner|token/i.test(dataset.task);

export function names(items: { name: string }[], max = 3): string {
  const shown = items.slice(0, max).map((item) => item.name);
  return items.length > max ? `${shown.join(', ')} and ${items.length - max} more` : shown.join(', ');
}
