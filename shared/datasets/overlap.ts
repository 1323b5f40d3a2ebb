/**
 * Leakage between splits: records of one split whose text also appears in another (ChnSentiCorp has 39
 * texts in both dev and test; LCQMC has 1 dev/test pair in the same order and 7 in either order).
 * Scores on such records are not held-out scores.
 */
import type { DatasetTask, TaskRecordMap } from './types';

/** The text that identifies a record for overlap checks. Pairs match in either order. */
export function recordKey<T extends DatasetTask>(task: T, record: TaskRecordMap[T]): string {
  switch (task) {
    case 'ner':
    case 'classification':
      return (record as TaskRecordMap['ner' | 'classification']).text;
    case 'pair': {
      const { textA, textB } = record as TaskRecordMap['pair'];
      return textA <= textB ? `${textA}\u0000${textB}` : `${textB}\u0000${textA}`;
    }
    case 'qa':
    case 'mc': {
      const { context, question } = record as TaskRecordMap['qa' | 'mc'];
      return `${context}\u0000${question}`;
    }
    default:
      throw new Error(`unknown task ${String(task)}`);
  }
}

export interface SharedRecord {
  /** Index in the first split. */
  a: number;
  /** Index of the first record with the same key in the second split. */
  b: number;
}

/** Records of `a` whose key also occurs in `b`, in `a`'s order. Linear time. */
export function findSharedRecords<T extends DatasetTask>(
  task: T,
  a: readonly TaskRecordMap[T][],
  b: readonly TaskRecordMap[T][],
): SharedRecord[] {
  const inB = new Map<string, number>();
  b.forEach((record, index) => {
    const key = recordKey(task, record);
    if (!inB.has(key)) inB.set(key, index);
  });
  const shared: SharedRecord[] = [];
  a.forEach((record, index) => {
    const match = inB.get(recordKey(task, record));
    if (match !== undefined) shared.push({ a: index, b: match });
  });
  return shared;
}
