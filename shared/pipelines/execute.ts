import type { Encoding } from '../tokenizer';
import type { BatchingOptions } from './batching';
import { padEncodings, runInBatches } from './batching';
import type { Logits, ModelOutputs, ModelRunner } from './modelRunner';
import { expectShape, toModelBatch } from './modelRunner';

export type OutputName = keyof ModelOutputs;

/** One row's outputs without the batch axis; token-level outputs trimmed to the row's own length. */
export type RowOutputs = Partial<Record<OutputName, Logits>>;

export interface ExecuteOptions extends BatchingOptions {
  padId: number;
  padToken?: string;
  /** Which outputs to read and whether they have a sequence axis ('token': [B, L, ...], 'sequence': [B, K]). */
  outputs: { name: OutputName; level: 'token' | 'sequence' }[];
}

/**
 * Runs encodings through the model in length-sorted, padded batches and returns each row's
 * outputs in input order, with progress and cancellation from the options.
 */
export async function runEncodings(
  encodings: readonly Encoding[],
  runner: ModelRunner,
  options: ExecuteOptions,
): Promise<RowOutputs[]> {
  return runInBatches(
    encodings.map((e) => e.inputIds.length),
    async (rows) => {
      const padded = padEncodings(
        rows.map((r) => encodings[r]),
        options.padId,
        options.padToken,
      );
      const batch = toModelBatch(padded);
      const result = await runner.run(batch);
      return rows.map((row, k) => {
        const out: RowOutputs = {};
        for (const { name, level } of options.outputs) {
          const expected = level === 'token' ? [batch.batchSize, batch.sequenceLength] : [batch.batchSize];
          const logits = result[name];
          const rank = logits?.shape.length ?? 0;
          const full = expectShape(name, logits, [
            ...expected,
            ...new Array<null>(Math.max(0, rank - expected.length)).fill(null),
          ]);
          const inner = full.shape.slice(level === 'token' ? 2 : 1);
          const innerSize = inner.reduce((a, b) => a * b, 1);
          if (level === 'token') {
            const length = encodings[row].inputIds.length;
            const rowStart = k * batch.sequenceLength * innerSize;
            out[name] = {
              data: full.data.subarray(rowStart, rowStart + length * innerSize),
              shape: [length, ...inner],
            };
          } else {
            out[name] = { data: full.data.subarray(k * innerSize, (k + 1) * innerSize), shape: inner };
          }
        }
        return out;
      });
    },
    options,
  );
}
