/**
 * The one map between checkpoints, NEZHA classes and tasks: which class a config.json `architectures[0]`
 * loads as, which pipelines a class's head runs, and which class trains or runs a task. Pure (no tfjs),
 * so the UI thread decides what to offer with the same rules the worker, the CLI and training enforce.
 */
import type { NezhaTask, PipelineTask } from './tasks';

/** HF's NEZHA classes: the bare encoder and its seven heads (heads.ts builds them). */
export const NEZHA_CLASS_NAMES = [
  'NezhaModel',
  'NezhaForPreTraining',
  'NezhaForMaskedLM',
  'NezhaForNextSentencePrediction',
  'NezhaForSequenceClassification',
  'NezhaForMultipleChoice',
  'NezhaForTokenClassification',
  'NezhaForQuestionAnswering',
] as const;
export type NezhaClassName = (typeof NEZHA_CLASS_NAMES)[number];

const PIPELINES_OF_CLASS: Readonly<Record<NezhaClassName, readonly PipelineTask[]>> = {
  NezhaModel: [],
  NezhaForPreTraining: ['fill-mask', 'next-sentence'],
  NezhaForMaskedLM: ['fill-mask'],
  NezhaForNextSentencePrediction: ['next-sentence'],
  NezhaForSequenceClassification: ['text-classification'],
  NezhaForMultipleChoice: ['multiple-choice'],
  NezhaForTokenClassification: ['token-classification'],
  NezhaForQuestionAnswering: ['question-answering'],
};

/** The class each task builds (masked-lm with next-sentence pairs builds NezhaForPreTraining instead). */
const CLASS_OF_TASK: Readonly<Record<NezhaTask, NezhaClassName>> = {
  'token-classification': 'NezhaForTokenClassification',
  'text-classification': 'NezhaForSequenceClassification',
  'pair-classification': 'NezhaForSequenceClassification',
  'multi-label-classification': 'NezhaForSequenceClassification',
  regression: 'NezhaForSequenceClassification',
  'question-answering': 'NezhaForQuestionAnswering',
  'multiple-choice': 'NezhaForMultipleChoice',
  'fill-mask': 'NezhaForMaskedLM',
  'next-sentence': 'NezhaForNextSentencePrediction',
  'masked-lm': 'NezhaForMaskedLM',
};

const CLASS_BY_LOWER_NAME = new Map(NEZHA_CLASS_NAMES.map((name) => [name.toLowerCase(), name]));

/** Whether a name is meant as a NEZHA class (HF's "Nezha…", the hub's old "NeZha…", any case), known or not. */
export function isNezhaArchitecture(architecture: string | null | undefined): boolean {
  return /^nezha/i.test(architecture ?? '');
}

/**
 * The class an `architectures[0]` names: HF's spelling, the hub's old "NeZha…" spelling
 * (sijunhe/nezha-cn-base says "NeZhaForMaskedLM") and any other casing; null for anything else.
 */
export function normaliseArchitecture(architecture: string | null | undefined): NezhaClassName | null {
  return CLASS_BY_LOWER_NAME.get((architecture ?? '').toLowerCase()) ?? null;
}

/** The class a checkpoint loads as: the one its architecture names, else (none, or not NEZHA) the bare encoder. */
export function classForArchitecture(architecture: string | null | undefined): NezhaClassName {
  return normaliseArchitecture(architecture) ?? 'NezhaModel';
}

/** The pipelines a class's head runs (none for the bare encoder). */
export function tasksForClass(className: NezhaClassName): readonly PipelineTask[] {
  return PIPELINES_OF_CLASS[className];
}

export function tasksForArchitecture(architecture: string | null | undefined): readonly PipelineTask[] {
  return tasksForClass(classForArchitecture(architecture));
}

/** The class that trains or runs a task. */
export function classForTask(task: NezhaTask): NezhaClassName {
  return CLASS_OF_TASK[task];
}
