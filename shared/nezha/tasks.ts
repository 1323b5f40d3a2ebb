/**
 * The one task vocabulary of `train`, `eval`, the pipelines and the UI: one name per task (HF pipeline
 * names where HF has one), the labels people read, and which subset each part of the app runs.
 * Pure data, no tfjs: UI code imports this file directly (shared/nezha/index.ts pulls tfjs in).
 */
import type { DatasetTask } from '../datasets/types';

export const NEZHA_TASKS = [
  'token-classification',
  'text-classification',
  'pair-classification',
  'multi-label-classification',
  'regression',
  'question-answering',
  'multiple-choice',
  'fill-mask',
  'next-sentence',
  'masked-lm',
] as const;
export type NezhaTask = (typeof NEZHA_TASKS)[number];

/** The pipelines a loaded model runs (Playground, worker `runPipeline`). */
export const PIPELINE_TASKS = [
  'token-classification',
  'text-classification',
  'question-answering',
  'fill-mask',
  'multiple-choice',
  'next-sentence',
] as const satisfies readonly NezhaTask[];
export type PipelineTask = (typeof PIPELINE_TASKS)[number];

/** What `train` and the Train view fine-tune, in the order the Train view offers them (masked-lm: continued pretraining on raw text). */
export const TRAINING_TASKS = [
  'token-classification',
  'text-classification',
  'multi-label-classification',
  'regression',
  'pair-classification',
  'question-answering',
  'multiple-choice',
  'masked-lm',
] as const satisfies readonly NezhaTask[];
export type TrainingTask = (typeof TRAINING_TASKS)[number];

/** What `eval` and the Benchmark view score: one per dataset kind (see TASK_OF_DATASET). */
export const EVALUATION_TASKS = [
  'token-classification',
  'text-classification',
  'pair-classification',
  'question-answering',
  'multiple-choice',
] as const satisfies readonly TrainingTask[];
export type EvaluationTask = (typeof EVALUATION_TASKS)[number];

export const TASK_LABELS: Readonly<Record<NezhaTask, string>> = {
  'token-classification': 'Token classification (NER)',
  'text-classification': 'Text classification',
  'pair-classification': 'Sentence-pair classification',
  'multi-label-classification': 'Multi-label classification',
  regression: 'Regression',
  'question-answering': 'Question answering',
  'multiple-choice': 'Multiple choice',
  'fill-mask': 'Fill mask',
  'next-sentence': 'Next sentence',
  'masked-lm': 'Continued MLM pretraining (whole word masking)',
};

/**
 * The dataset kind (shared/datasets' DatasetTask) a training task reads its records from; null: any
 * dataset's texts (masked-lm masks raw text).
 */
export const DATASET_TASK_OF: Readonly<Record<TrainingTask, DatasetTask | null>> = {
  'token-classification': 'ner',
  'text-classification': 'classification',
  'pair-classification': 'pair',
  'multi-label-classification': 'classification',
  regression: 'classification',
  'question-answering': 'qa',
  'multiple-choice': 'mc',
  'masked-lm': null,
};

/**
 * The task a benchmark of each dataset kind scores. Benchmarks keep the dataset kind as their task key
 * (shared/benchmark BenchmarkTask, stored in runs and reports); this is how it maps onto the vocabulary.
 */
export const TASK_OF_DATASET: Readonly<Record<DatasetTask, EvaluationTask>> = {
  ner: 'token-classification',
  classification: 'text-classification',
  pair: 'pair-classification',
  qa: 'question-answering',
  mc: 'multiple-choice',
};

/** The dataset kind an evaluation task scores (the inverse of TASK_OF_DATASET). */
export function datasetTaskOfEvaluation(task: EvaluationTask): DatasetTask {
  return DATASET_TASK_OF[task] as DatasetTask;
}

/** The pipeline that runs a model trained for the task (pairs, multi-label and regression are text classification). */
export const PIPELINE_OF_TASK: Readonly<Record<NezhaTask, PipelineTask>> = {
  'token-classification': 'token-classification',
  'text-classification': 'text-classification',
  'pair-classification': 'text-classification',
  'multi-label-classification': 'text-classification',
  regression: 'text-classification',
  'question-answering': 'question-answering',
  'multiple-choice': 'multiple-choice',
  'fill-mask': 'fill-mask',
  'next-sentence': 'next-sentence',
  'masked-lm': 'fill-mask',
};
