import type { BertTokenizer, Encoding } from '../tokenizer';
import { utf16ToCodePointIndex, wordToChars } from '../tokenizer';
import type { BatchingOptions } from './batching';
import { runEncodings } from './execute';
import type { Logits, ModelRunner } from './modelRunner';

export interface Answer {
  /** start probability × end probability (HF's score); for "no answer", the null score. */
  score: number;
  /** The answer as it is written in the context ("" for no answer). */
  answer: string;
  /** Code-point span [start, end) in the context. */
  start: number;
  end: number;
  /** The same span in UTF-16 code units. */
  startUtf16: number;
  endUtf16: number;
}

export interface QuestionAnsweringDecodeOptions {
  /** How many answers to return, best first (HF top_k, default 1). */
  topK?: number;
  /** Longest answer in tokens (HF max_answer_len, default 15). */
  maxAnswerLength?: number;
  /** Also consider "no answer" ([CLS] start and end), scored by the lowest null score of all windows. */
  handleImpossibleAnswer?: boolean;
  /** Widen answers to whole pre-tokenizer words (HF align_to_words, default true). */
  alignToWords?: boolean;
}

/** Softmax over the positions that may hold an answer ([CLS] and the context); the rest get 0. */
function maskedSoftmax(logits: ArrayLike<number>, allowed: boolean[]): Float64Array {
  // HF sets disallowed logits to -10000 before the softmax, which makes them 0 in float32.
  let max = -Infinity;
  for (let k = 0; k < allowed.length; k++) if (allowed[k] && logits[k] > max) max = logits[k];
  const out = new Float64Array(allowed.length);
  let sum = 0;
  for (let k = 0; k < allowed.length; k++) {
    if (!allowed[k]) continue;
    out[k] = Math.exp(logits[k] - max);
    sum += out[k];
  }
  for (let k = 0; k < allowed.length; k++) out[k] /= sum;
  return out;
}

/**
 * HF QuestionAnsweringPipeline.postprocess over the windows of one (question, context) example:
 * per window, softmax over [CLS] + context tokens, score(s, e) = p_start(s) · p_end(e) for
 * s ≤ e < s + maxAnswerLength, [CLS] excluded from spans; answers of all windows ranked together.
 */
export function decodeQuestionAnswering(
  context: string,
  windows: readonly { encoding: Encoding; startLogits: Logits; endLogits: Logits }[],
  options: QuestionAnsweringDecodeOptions = {},
): Answer[] {
  const topK = options.topK ?? 1;
  const maxAnswerLength = options.maxAnswerLength ?? 15;
  if (maxAnswerLength < 1)
    throw new Error(`maxAnswerLength must be at least 1 token, got ${maxAnswerLength}.`);
  const alignToWords = options.alignToWords ?? true;
  const codePoints = utf16ToCodePointIndex(context);
  const candidates: Answer[] = [];
  let minNullScore = Infinity;
  for (const { encoding, startLogits, endLogits } of windows) {
    const n = encoding.inputIds.length;
    const clsIndex = encoding.specialTokensMask[0] === 1 && encoding.sequenceIds[0] === null ? 0 : -1;
    const allowed = encoding.sequenceIds.map(
      (s, k) => (s === 1 || k === clsIndex) && encoding.attentionMask[k] === 1,
    );
    const pStart = maskedSoftmax(startLogits.data, allowed);
    const pEnd = maskedSoftmax(endLogits.data, allowed);
    if (clsIndex === 0) minNullScore = Math.min(minNullScore, pStart[0] * pEnd[0]);
    const perWindow: [number, number, number][] = [];
    for (let s = 0; s < n; s++) {
      if (!allowed[s] || s === clsIndex) continue;
      for (let e = s; e < Math.min(n, s + maxAnswerLength); e++) {
        if (!allowed[e] || e === clsIndex) continue;
        perWindow.push([pStart[s] * pEnd[e], s, e]);
      }
    }
    perWindow.sort((a, b) => b[0] - a[0]);
    for (const [score, s, e] of perWindow.slice(0, topK)) {
      let start = encoding.offsets[s]![0];
      let end = encoding.offsets[e]![1];
      if (alignToWords) {
        start = wordToChars(encoding, encoding.wordIds[s]!, 1, 'utf16')![0];
        end = wordToChars(encoding, encoding.wordIds[e]!, 1, 'utf16')![1];
      }
      candidates.push({
        score,
        answer: context.slice(start, end),
        start: codePoints[start],
        end: codePoints[end],
        startUtf16: start,
        endUtf16: end,
      });
    }
  }
  if (options.handleImpossibleAnswer && minNullScore !== Infinity) {
    candidates.push({ score: minNullScore, answer: '', start: 0, end: 0, startUtf16: 0, endUtf16: 0 });
  }
  // Overlapping windows can find the same span twice (HF then lists it twice); keep its best score.
  const best = new Map<string, Answer>();
  for (const c of candidates) {
    const key = `${c.startUtf16}:${c.endUtf16}`;
    const seen = best.get(key);
    if (!seen || c.score > seen.score) best.set(key, c);
  }
  return [...best.values()].sort((a, b) => b.score - a.score).slice(0, topK);
}

export interface QuestionAnsweringOptions extends QuestionAnsweringDecodeOptions, BatchingOptions {
  /** Window length (HF max_seq_len: default min(384, model_max_length)). */
  maxLength?: number;
  /** Context tokens shared by consecutive windows (HF doc_stride: default min(128, maxLength / 2)). */
  docStride?: number;
}

/** Extractive QA over contexts of any length: context windows with doc stride, best spans. */
export async function runQuestionAnswering(
  tokenizer: BertTokenizer,
  runner: ModelRunner,
  examples: readonly { question: string; context: string }[],
  options: QuestionAnsweringOptions = {},
): Promise<Answer[][]> {
  const maxLength = options.maxLength ?? Math.min(384, tokenizer.settings.modelMaxLength);
  const windows: Encoding[] = [];
  for (const [index, { question, context }] of examples.entries()) {
    const questionTokens = tokenizer.tokenize(question).length;
    // Windows need stride < the room the question leaves; a long question shrinks the stride
    // instead of failing (HF's fast tokenizer raises there).
    const room = maxLength - questionTokens - 3;
    const docStride = Math.min(
      options.docStride ?? Math.min(128, Math.floor(maxLength / 2)),
      Math.max(0, room - 1),
    );
    windows.push(
      ...tokenizer.encodeWindows(
        question,
        context,
        { maxLength, stride: docStride, truncation: 'only_second' },
        index,
      ),
    );
  }
  const outputs = await runEncodings(windows, runner, {
    ...options,
    padId: tokenizer.padId,
    padToken: tokenizer.settings.padToken,
    outputs: [
      { name: 'startLogits', level: 'token' },
      { name: 'endLogits', level: 'token' },
    ],
  });
  return examples.map(({ context }, index) =>
    decodeQuestionAnswering(
      context,
      windows
        .map((encoding, k) => ({
          encoding,
          startLogits: outputs[k].startLogits!,
          endLogits: outputs[k].endLogits!,
        }))
        .filter((w) => w.encoding.overflowToSampleMapping === index),
      options,
    ),
  );
}
