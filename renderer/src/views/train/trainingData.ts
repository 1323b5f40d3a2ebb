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
import type { TrainingRecords, TrainingTask } from '../../../../shared/training';
import type { Api } from '../../api/client';

export const TASK_OPTIONS: { task: TrainingTask; label: string; datasetTask: string | null }[] = [
  { task: 'token-classification', label: 'Token classification (NER)', datasetTask: 'ner' },
  { task: 'text-classification', label: 'Text classification', datasetTask: 'classification' },
  { task: 'multi-label-classification', label: 'Multi-label classification', datasetTask: 'classification' },
  { task: 'regression', label: 'Regression', datasetTask: 'classification' },
  { task: 'pair-classification', label: 'Sentence pairs', datasetTask: 'pair' },
  { task: 'question-answering', label: 'Question answering', datasetTask: 'qa' },
  { task: 'multiple-choice', label: 'Multiple choice', datasetTask: 'mc' },
  /** Any corpus: its texts, masked with whole words. */
  { task: 'masked-lm', label: 'Continued MLM pretraining (whole word masking)', datasetTask: null },
];

export function datasetFits(task: TrainingTask, dataset: Pick<DatasetRecord, 'task'>): boolean {
  const needed = TASK_OPTIONS.find((t) => t.task === task)?.datasetTask;
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
