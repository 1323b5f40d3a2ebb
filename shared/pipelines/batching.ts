import type { Encoding } from '../tokenizer';

export interface Progress {
  /** Rows (encodings / windows) finished so far. */
  done: number;
  total: number;
}

export interface BatchingOptions {
  /** Most rows per model call (default 16). */
  maxBatchSize?: number;
  /** Most padded tokens per model call, rows × longest row (default 16 × 512). */
  maxBatchTokens?: number;
  onProgress?: (progress: Progress) => void;
  /** Checked between model calls; an aborted signal stops the work with its reason. */
  signal?: AbortSignal;
}

/**
 * Groups row indices into batches of similar length (sorted by length, so little padding), within
 * maxBatchSize rows and maxBatchTokens padded tokens per batch. Each row is in exactly one batch.
 */
export function planBatches(lengths: readonly number[], options: BatchingOptions = {}): number[][] {
  const maxRows = Math.max(1, options.maxBatchSize ?? 16);
  const maxTokens = Math.max(1, options.maxBatchTokens ?? 16 * 512);
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b);
  const batches: number[][] = [];
  let current: number[] = [];
  let longest = 0;
  for (const i of order) {
    const nextLongest = Math.max(longest, lengths[i]);
    if (
      current.length > 0 &&
      (current.length + 1 > maxRows || nextLongest * (current.length + 1) > maxTokens)
    ) {
      batches.push(current);
      current = [];
      longest = 0;
    }
    current.push(i);
    longest = Math.max(longest, lengths[i]);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Right-pads copies of the encodings to one length (pad id, type 0, mask 0). */
export function padEncodings(encodings: readonly Encoding[], padId: number, padToken = '[PAD]'): Encoding[] {
  const longest = encodings.reduce((m, e) => Math.max(m, e.inputIds.length), 0);
  return encodings.map((e) => {
    const extra = longest - e.inputIds.length;
    if (extra === 0) return e;
    const fill = <T>(values: T[], value: T): T[] => values.concat(new Array<T>(extra).fill(value));
    return {
      ...e,
      inputIds: fill(e.inputIds, padId),
      tokenTypeIds: fill(e.tokenTypeIds, 0),
      attentionMask: fill(e.attentionMask, 0),
      tokens: fill(e.tokens, padToken),
      specialTokensMask: fill(e.specialTokensMask, 1),
      offsets: fill(e.offsets, null),
      codePointOffsets: fill(e.codePointOffsets, null),
      sequenceIds: fill(e.sequenceIds, null),
      wordIds: fill(e.wordIds, null),
    };
  });
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw signal.reason instanceof Error ? signal.reason : new Error('The pipeline run was cancelled.');
  }
}

/**
 * Runs `runBatch` over length-sorted batches of rows and returns one result per row, in input
 * order. Progress is reported after every batch; cancellation is checked before each one.
 */
export async function runInBatches<R>(
  lengths: readonly number[],
  runBatch: (rows: number[]) => Promise<R[]> | R[],
  options: BatchingOptions = {},
): Promise<R[]> {
  const results = new Array<R>(lengths.length);
  let done = 0;
  options.onProgress?.({ done, total: lengths.length });
  for (const rows of planBatches(lengths, options)) {
    throwIfAborted(options.signal);
    const out = await runBatch(rows);
    if (out.length !== rows.length) {
      throw new Error(`A batch of ${rows.length} rows produced ${out.length} results.`);
    }
    rows.forEach((row, k) => (results[row] = out[k]));
    done += rows.length;
    options.onProgress?.({ done, total: lengths.length });
  }
  return results;
}
