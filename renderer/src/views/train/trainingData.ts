/**
 * From the dataset store to what the trainer reads: which dataset task each training task needs, and the
 * records built from the store's examples (gold + annotator spans for NER, the imported record for
 * classification, pairs, QA and choices, any example's text for continued MLM pretraining).
 */
import type { DatasetRecord, ExampleView } from '../../../../shared/ipc';
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
