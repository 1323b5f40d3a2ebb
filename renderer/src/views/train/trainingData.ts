/**
 * From the dataset store to what the trainer reads, and bytes over the JSON-only contract.
 *
 * - Which dataset task each training task needs, and the records built from the store's examples
 *   (gold + annotator spans for NER, the imported record for classification, pairs, QA and choices,
 *   any example's text for continued MLM pretraining).
 * - State snapshots and the finished folder's files cross the contract as base64 chunks
 *   (trainingRuns.writeFile / readState) that stay under the serve host's request size limit.
 */
import { TRAINING_UPLOAD_CHUNK_BYTES, type DatasetRecord, type ExampleView } from '../../../../shared/ipc';
import type {
  ClassificationExample,
  McExample,
  NerExample,
  PairExample,
  QaExample,
} from '../../../../shared/datasets/types';
import { DATASET_TASK_OF, TASK_LABELS, TRAINING_TASKS } from '../../../../shared/nezha/tasks';
import type { TrainingRecords, TrainingTask } from '../../../../shared/training';
import type { Api } from '../../api/client';

/** The training tasks with their labels and the dataset kind each reads (null: any corpus's texts, masked with whole words). */
export const TASK_OPTIONS: { task: TrainingTask; label: string; datasetTask: string | null }[] =
  TRAINING_TASKS.map((task) => ({ task, label: TASK_LABELS[task], datasetTask: DATASET_TASK_OF[task] }));

export function datasetFits(task: TrainingTask, dataset: Pick<DatasetRecord, 'task'>): boolean {
  const needed = DATASET_TASK_OF[task];
  return needed === null || needed === dataset.task;
}

/** The trainer's records from the store's examples (in dataset order). */
export function recordsFromExamples(
  task: TrainingTask,
  datasetName: string,
  examples: readonly ExampleView[],
): TrainingRecords {
  const record = <T>(ex: ExampleView, what: string): T => {
    if (ex.record === null || typeof ex.record !== 'object')
      throw new Error(
        `${datasetName}, example ${ex.index + 1}: no imported ${what} record; train ${task} on a dataset imported as ${what}.`,
      );
    return ex.record as T;
  };
  switch (task) {
    case 'token-classification':
      return {
        task,
        records: examples.map((ex): NerExample => ({
          text: ex.text,
          spans: ex.spans.map((s) => ({ start: s.start, end: s.end, label: s.label })),
        })),
      };
    case 'text-classification':
      return { task, records: examples.map((ex) => record<ClassificationExample>(ex, 'classification')) };
    case 'pair-classification':
      return { task, records: examples.map((ex) => record<PairExample>(ex, 'pair')) };
    case 'question-answering':
      return { task, records: examples.map((ex) => record<QaExample>(ex, 'qa')) };
    case 'multiple-choice':
      return { task, records: examples.map((ex) => record<McExample>(ex, 'mc')) };
    case 'regression':
      return {
        task,
        records: examples.map((ex) => {
          const { text, label } = record<ClassificationExample>(ex, 'classification');
          const value = Number(label);
          if (!Number.isFinite(value))
            throw new Error(
              `${datasetName}, example ${ex.index + 1}: label "${label}" is not a number; regression needs numeric labels.`,
            );
          return { text, value };
        }),
      };
    case 'multi-label-classification':
      return {
        task,
        records: examples.map((ex) => {
          const { text, label } = record<ClassificationExample>(ex, 'classification');
          // Several labels per text are written comma-separated in the label column (as the CLI reads them).
          return {
            text,
            labels: label
              .split(',')
              .map((l) => l.trim())
              .filter(Boolean),
          };
        }),
      };
    case 'masked-lm':
      return { task, records: examples.map((ex) => ex.text).filter((t) => t.trim().length > 0) };
  }
}

/** Every example of a dataset, page by page (the store pages at most 500). */
export async function fetchAllExamples(
  api: Api,
  datasetId: string,
  onPage?: (done: number, total: number) => void,
): Promise<ExampleView[]> {
  const examples: ExampleView[] = [];
  for (let offset = 0; ;) {
    const page = await api.examples.list({ datasetId, offset, limit: 500 });
    examples.push(...page.items);
    offset += page.items.length;
    onPage?.(offset, page.total);
    if (page.items.length === 0 || offset >= page.total) return examples;
  }
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Sends a file's bytes in order (offset 0 restarts it); the last chunk moves it into place. */
export async function uploadRunFile(
  api: Api,
  runId: string,
  kind: 'state' | 'output',
  file: string,
  bytes: Uint8Array,
  stateStep?: number,
): Promise<void> {
  let offset = 0;
  do {
    const chunk = bytes.subarray(offset, offset + TRAINING_UPLOAD_CHUNK_BYTES);
    await api.trainingRuns.writeFile({
      runId,
      kind,
      file,
      offset,
      data: bytesToBase64(chunk),
      last: offset + chunk.byteLength >= bytes.byteLength,
      ...(stateStep !== undefined ? { stateStep } : {}),
    });
    offset += chunk.byteLength;
  } while (offset < bytes.byteLength);
}

/** The run's saved state snapshot, read back chunk by chunk. */
export async function downloadRunState(api: Api, runId: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = Infinity;
  let received = 0;
  while (received < total) {
    const slice = await api.trainingRuns.readState({
      runId,
      offset: received,
      length: TRAINING_UPLOAD_CHUNK_BYTES,
    });
    total = slice.total;
    const bytes = base64ToBytes(slice.data);
    if (bytes.byteLength === 0 && received < total)
      throw new Error(`The saved state of run ${runId} ended at byte ${received} of ${total}.`);
    parts.push(bytes);
    received += bytes.byteLength;
  }
  const out = new Uint8Array(received);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
