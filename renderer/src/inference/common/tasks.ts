/**
 * Which NEZHA class a checkpoint loads as and which pipelines its head can run. Pure (no tfjs), so
 * the UI thread decides what to offer with the same rules the worker enforces.
 */
// Type-only: the UI thread must not pull tfjs in through shared/nezha.
import type { NezhaClassName } from '../../../../shared/nezha/heads';

export type PipelineTask =
  | 'token-classification'
  | 'text-classification'
  | 'question-answering'
  | 'fill-mask'
  | 'multiple-choice'
  | 'next-sentence';

export const TASK_LABELS: Readonly<Record<PipelineTask, string>> = {
  'token-classification': 'Token classification (NER)',
  'text-classification': 'Text classification',
  'question-answering': 'Question answering',
  'fill-mask': 'Fill mask',
  'multiple-choice': 'Multiple choice',
  'next-sentence': 'Next sentence',
};

const TASKS_BY_CLASS: Readonly<Record<NezhaClassName, readonly PipelineTask[]>> = {
  NezhaModel: [],
  NezhaForPreTraining: ['fill-mask', 'next-sentence'],
  NezhaForMaskedLM: ['fill-mask'],
  NezhaForNextSentencePrediction: ['next-sentence'],
  NezhaForSequenceClassification: ['text-classification'],
  NezhaForMultipleChoice: ['multiple-choice'],
  NezhaForTokenClassification: ['token-classification'],
  NezhaForQuestionAnswering: ['question-answering'],
};

/**
 * The class for a config.json `architectures[0]`: HF spelling as is, the hub's old "NeZha…"
 * spelling accepted (sijunhe/nezha-cn-base says "NeZhaForMaskedLM"); anything else (or none) loads
 * the bare encoder.
 */
export function classForArchitecture(architecture: string | null | undefined): NezhaClassName {
  const normalised = (architecture ?? '').replace(/^NeZha/, 'Nezha');
  return Object.hasOwn(TASKS_BY_CLASS, normalised) ? (normalised as NezhaClassName) : 'NezhaModel';
}

export function tasksForClass(className: NezhaClassName): readonly PipelineTask[] {
  return TASKS_BY_CLASS[className];
}

export function tasksForArchitecture(architecture: string | null | undefined): readonly PipelineTask[] {
  return tasksForClass(classForArchitecture(architecture));
}
