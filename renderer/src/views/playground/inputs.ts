/**
 * What a person types for each task, the Chinese samples the Playground starts with, and the
 * worker request built from it (with the reason when the input is not usable yet).
 */
import type { PipelineRequest } from '../../inference/common/protocol';
import type { PipelineTask } from '../../../../shared/nezha/tasks';

export interface PlaygroundInputs {
  /** Token classification, text classification (first text), fill-mask. */
  text: string;
  /** Optional second text for sentence-pair classification. */
  pair: string;
  question: string;
  context: string;
  /** Multiple choice: its own context (a dialogue and a question, as in C3) and one choice per line. */
  mcContext: string;
  choices: string;
  sentenceA: string;
  sentenceB: string;
  /** Fill-mask texts: [MASK] where a token is predicted. */
  maskedText: string;
}

export const SAMPLE_INPUTS: PlaygroundInputs = {
  text: '哪吒出生在陈塘关，父亲李靖是陈塘关总兵。2023年夏天，他在北京大学见到了太乙真人。',
  pair: '',
  question: '哪吒的父亲是谁？',
  context: '哪吒出生在陈塘关，父亲李靖是陈塘关总兵，母亲是殷夫人。哪吒拜太乙真人为师。',
  mcContext: '男：今天晚上我们去看电影吧？女：好啊，不过我要先把作业写完。问题：女的晚上先做什么？',
  choices: '看电影\n写作业\n吃晚饭\n去商店',
  sentenceA: '今天天气很好。',
  sentenceB: '我们一起去公园散步吧。',
  maskedText: '哪吒是中国古代神话中的[MASK][MASK]人物。',
};

export type BuiltRequest = { request: PipelineRequest } | { problem: string };

export function buildRequest(task: PipelineTask, inputs: PlaygroundInputs): BuiltRequest {
  const text = inputs.text.trim();
  switch (task) {
    case 'token-classification':
      return text ? { request: { task, texts: [inputs.text] } } : { problem: 'Type or paste a text first.' };
    case 'text-classification':
      if (!text) return { problem: 'Type or paste a text first.' };
      return {
        request: { task, inputs: [inputs.pair.trim() ? [inputs.text, inputs.pair] : inputs.text] },
      };
    case 'question-answering':
      if (!inputs.question.trim() || !inputs.context.trim())
        return { problem: 'Question answering needs a question and a context.' };
      return {
        request: { task, examples: [{ question: inputs.question, context: inputs.context }], topK: 3 },
      };
    case 'fill-mask':
      if (!inputs.maskedText.includes('[MASK]'))
        return { problem: 'Write [MASK] where the model should predict a character.' };
      return { request: { task, texts: [inputs.maskedText], topK: 5 } };
    case 'multiple-choice': {
      const choices = inputs.choices
        .split('\n')
        .map((c) => c.trim())
        .filter(Boolean);
      if (!inputs.mcContext.trim() || choices.length < 2)
        return { problem: 'Multiple choice needs a context and at least two choices (one per line).' };
      return { request: { task, examples: [{ context: inputs.mcContext, choices }] } };
    }
    case 'next-sentence':
      if (!inputs.sentenceA.trim() || !inputs.sentenceB.trim())
        return { problem: 'Next-sentence prediction needs sentence A and sentence B.' };
      return { request: { task, pairs: [[inputs.sentenceA, inputs.sentenceB]] } };
  }
}

/** The text (and pair) the tokens-and-attention view shows for a task's inputs. */
export function inspectedText(
  task: PipelineTask,
  inputs: PlaygroundInputs,
): { text: string; pair: string | null } {
  const firstChoice = inputs.choices.split('\n').find((c) => c.trim()) ?? null;
  switch (task) {
    case 'token-classification':
      return { text: inputs.text, pair: null };
    case 'text-classification':
      return { text: inputs.text, pair: inputs.pair.trim() ? inputs.pair : null };
    case 'question-answering':
      return { text: inputs.question, pair: inputs.context };
    case 'fill-mask':
      return { text: inputs.maskedText, pair: null };
    case 'multiple-choice':
      return { text: inputs.mcContext, pair: firstChoice };
    case 'next-sentence':
      return { text: inputs.sentenceA, pair: inputs.sentenceB };
  }
}
