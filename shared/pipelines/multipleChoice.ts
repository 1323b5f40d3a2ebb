import type { BertTokenizer, Encoding } from '../tokenizer';
import type { BatchingOptions } from './batching';
import { padEncodings, runInBatches } from './batching';
import { argmax, softmax } from './math';
import type { ModelRunner } from './modelRunner';
import { expectShape, toModelBatch } from './modelRunner';

export interface MultipleChoiceResult {
  /** Softmax over the choices' logits, in choice order. */
  scores: number[];
  /** Index of the best choice. */
  best: number;
}

/** One example's logits, one per choice (NezhaForMultipleChoice's [num_choices] row). */
export function decodeMultipleChoice(logits: ArrayLike<number>): MultipleChoiceResult {
  const scores = Array.from(softmax(logits));
  return { scores, best: argmax(scores) };
}

export interface MultipleChoiceExample {
  /** The passage (and question) every choice is paired with, e.g. C3's dialogue + question. */
  context: string;
  choices: readonly string[];
}

export interface MultipleChoiceOptions extends BatchingOptions {
  /** Longest (context, choice) pair in tokens; longer ones are truncated longest_first. */
  maxLength?: number;
}

/**
 * Scores every choice of every example. Each example becomes numChoices rows [CLS] context [SEP]
 * choice [SEP]; examples with the same number of choices are batched together as
 * [batch, numChoices, length], sorted by length.
 */
export async function runMultipleChoice(
  tokenizer: BertTokenizer,
  runner: ModelRunner,
  examples: readonly MultipleChoiceExample[],
  options: MultipleChoiceOptions = {},
): Promise<MultipleChoiceResult[]> {
  const encoded: Encoding[][] = examples.map((ex, i) => {
    if (ex.choices.length < 2)
      throw new Error(`Multiple-choice example ${i} has ${ex.choices.length} choices; it needs at least 2.`);
    return ex.choices.map((choice) =>
      tokenizer.encode(ex.context, choice, { truncation: 'longest_first', maxLength: options.maxLength }),
    );
  });
  const results = new Array<MultipleChoiceResult>(examples.length);
  const byChoiceCount = new Map<number, number[]>();
  encoded.forEach((rows, i) =>
    byChoiceCount.set(rows.length, [...(byChoiceCount.get(rows.length) ?? []), i]),
  );
  let doneBefore = 0;
  for (const [numChoices, indices] of byChoiceCount) {
    const lengths = indices.map((i) => numChoices * Math.max(...encoded[i].map((e) => e.inputIds.length)));
    const groupResults = await runInBatches(
      lengths,
      async (rows) => {
        const flat = padEncodings(
          rows.flatMap((r) => encoded[indices[r]]),
          tokenizer.padId,
          tokenizer.settings.padToken,
        );
        const batch = toModelBatch(flat, numChoices);
        const out = await runner.run(batch);
        const logits = expectShape('logits', out.logits, [batch.batchSize, numChoices]);
        return rows.map((_, k) =>
          decodeMultipleChoice(logits.data.subarray(k * numChoices, (k + 1) * numChoices)),
        );
      },
      {
        ...options,
        onProgress: options.onProgress
          ? (p) => options.onProgress!({ done: doneBefore + p.done, total: examples.length })
          : undefined,
      },
    );
    indices.forEach((exampleIndex, k) => (results[exampleIndex] = groupResults[k]));
    doneBefore += indices.length;
  }
  return results;
}
