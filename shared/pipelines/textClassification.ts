import type { BertTokenizer, TextInput } from '../tokenizer';
import type { BatchingOptions } from './batching';
import { runEncodings } from './execute';
import { sigmoid, softmax } from './math';
import type { ModelRunner } from './modelRunner';

export type ClassificationFunction = 'softmax' | 'sigmoid' | 'none';
export type ProblemType = 'single_label_classification' | 'multi_label_classification' | 'regression';

export interface LabelScore {
  label: string;
  /** Probability (softmax / sigmoid) or, for regression, the raw predicted value. */
  score: number;
  index: number;
}

export interface ClassificationDecodeOptions {
  /** Label names by class index (config.json id2label). */
  id2label: readonly string[];
  /** config.json problem_type; null/undefined: inferred from the number of labels. */
  problemType?: ProblemType | null;
  /** Overrides the function chosen from problemType. */
  functionToApply?: ClassificationFunction;
  /** Return the k best labels (default: all, best first). */
  topK?: number;
}

/**
 * Which function turns logits into scores. HF's TextClassificationPipeline applies sigmoid to
 * multi-label models and softmax to single-label ones. For one output it also applies sigmoid, but
 * NezhaForSequenceClassification trains num_labels = 1 as regression (MSE), so the raw value is
 * the prediction: we return it ('none'), as we do for problem_type "regression".
 */
export function classificationFunctionFor(
  problemType: ProblemType | null | undefined,
  numLabels: number,
): ClassificationFunction {
  if (problemType === 'multi_label_classification') return 'sigmoid';
  if (problemType === 'regression') return 'none';
  if (problemType === 'single_label_classification') return 'softmax';
  return numLabels === 1 ? 'none' : 'softmax';
}

/** Scores of every label for one row of logits, best first. */
export function decodeClassification(
  logits: ArrayLike<number>,
  options: ClassificationDecodeOptions,
): LabelScore[] {
  if (logits.length !== options.id2label.length) {
    throw new Error(
      `The model outputs ${logits.length} values but id2label has ${options.id2label.length} labels; they must match (config.json id2label / num_labels).`,
    );
  }
  const fn = options.functionToApply ?? classificationFunctionFor(options.problemType, logits.length);
  const scores =
    fn === 'softmax'
      ? Array.from(softmax(logits))
      : Array.from(logits, (x) => (fn === 'sigmoid' ? sigmoid(x) : x));
  const ranked = scores
    .map((score, index) => ({ label: options.id2label[index], score, index }))
    .sort((a, b) => b.score - a.score || a.index - b.index);
  return options.topK === undefined ? ranked : ranked.slice(0, options.topK);
}

export interface TextClassificationOptions extends ClassificationDecodeOptions, BatchingOptions {
  /** Longest input in tokens; longer inputs are truncated longest_first (default model_max_length). */
  maxLength?: number;
}

/** Text classification of single texts or sentence pairs ([text, pair]). */
export async function runTextClassification(
  tokenizer: BertTokenizer,
  runner: ModelRunner,
  inputs: readonly TextInput[],
  options: TextClassificationOptions,
): Promise<LabelScore[][]> {
  const encodings = tokenizer.encodeBatch(inputs, {
    truncation: 'longest_first',
    maxLength: options.maxLength,
  });
  const outputs = await runEncodings(encodings, runner, {
    ...options,
    padId: tokenizer.padId,
    padToken: tokenizer.settings.padToken,
    outputs: [{ name: 'logits', level: 'sequence' }],
  });
  return outputs.map((o) => decodeClassification(o.logits!.data, options));
}

/** Next-sentence prediction: NEZHA/BERT's label 0 means "B follows A". */
export function decodeNextSentence(logits: ArrayLike<number>): { isNextProbability: number } {
  if (logits.length !== 2)
    throw new Error(`Next-sentence logits must have 2 values (is next, is random), got ${logits.length}.`);
  return { isNextProbability: softmax(logits)[0] };
}

export async function runNextSentence(
  tokenizer: BertTokenizer,
  runner: ModelRunner,
  pairs: readonly (readonly [string, string])[],
  options: BatchingOptions & { maxLength?: number } = {},
): Promise<{ isNextProbability: number }[]> {
  const encodings = tokenizer.encodeBatch(pairs, {
    truncation: 'longest_first',
    maxLength: options.maxLength,
  });
  const outputs = await runEncodings(encodings, runner, {
    ...options,
    padId: tokenizer.padId,
    padToken: tokenizer.settings.padToken,
    outputs: [{ name: 'logits', level: 'sequence' }],
  });
  return outputs.map((o) => decodeNextSentence(o.logits!.data));
}
