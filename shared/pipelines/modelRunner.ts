import type { Encoding } from '../tokenizer';

/**
 * The seam between the pipelines and a model. A pipeline hands over a padded batch of encodings;
 * whoever owns the model (the renderer's tfjs worker, the benchmark, the CLI) runs it and returns
 * plain typed arrays. The pipelines never import tfjs.
 */
export interface ModelBatch {
  /** Rows in the batch (for multiple choice: examples; each has `numChoices` rows of ids). */
  batchSize: number;
  /** Multiple choice only: choices per example; ids are then [batchSize, numChoices, sequenceLength]. */
  numChoices?: number;
  sequenceLength: number;
  /** Row-major [batchSize, (numChoices,) sequenceLength]. */
  inputIds: Int32Array;
  attentionMask: Int32Array;
  tokenTypeIds: Int32Array;
}

/** A dense row-major float tensor. */
export interface Logits {
  data: Float32Array | Float64Array;
  shape: number[];
}

/**
 * What the model gives back, by HF output name: `logits` ([B, L, V] masked LM, [B, L, K] token
 * classification, [B, K] sequence classification / next sentence, [B, C] multiple choice), or
 * `startLogits` / `endLogits` ([B, L], question answering).
 */
export interface ModelOutputs {
  logits?: Logits;
  startLogits?: Logits;
  endLogits?: Logits;
}

export interface ModelRunner {
  run(batch: ModelBatch): Promise<ModelOutputs> | ModelOutputs;
}

/** Packs encodings of equal length (pad them first) into a ModelBatch. */
export function toModelBatch(encodings: readonly Encoding[], numChoices?: number): ModelBatch {
  if (encodings.length === 0) throw new Error('toModelBatch: no encodings to pack.');
  const sequenceLength = encodings[0].inputIds.length;
  const inputIds = new Int32Array(encodings.length * sequenceLength);
  const attentionMask = new Int32Array(encodings.length * sequenceLength);
  const tokenTypeIds = new Int32Array(encodings.length * sequenceLength);
  encodings.forEach((enc, row) => {
    if (enc.inputIds.length !== sequenceLength) {
      throw new Error(
        `toModelBatch: row ${row} has ${enc.inputIds.length} tokens but row 0 has ${sequenceLength}; pad the batch to one length first.`,
      );
    }
    inputIds.set(enc.inputIds, row * sequenceLength);
    attentionMask.set(enc.attentionMask, row * sequenceLength);
    tokenTypeIds.set(enc.tokenTypeIds, row * sequenceLength);
  });
  if (numChoices !== undefined) {
    if (encodings.length % numChoices !== 0) {
      throw new Error(
        `toModelBatch: ${encodings.length} rows do not divide into examples of ${numChoices} choices.`,
      );
    }
    return {
      batchSize: encodings.length / numChoices,
      numChoices,
      sequenceLength,
      inputIds,
      attentionMask,
      tokenTypeIds,
    };
  }
  return { batchSize: encodings.length, sequenceLength, inputIds, attentionMask, tokenTypeIds };
}

/** Checks an output's shape and names what is wrong (which output, expected vs actual). */
export function expectShape(name: string, logits: Logits | undefined, expected: (number | null)[]): Logits {
  if (!logits)
    throw new Error(
      `The model returned no "${name}"; this pipeline needs it (check the head the model was loaded with).`,
    );
  const ok =
    logits.shape.length === expected.length &&
    expected.every((d, k) => d === null || d === logits.shape[k]) &&
    logits.data.length === logits.shape.reduce((a, b) => a * b, 1);
  if (!ok) {
    throw new Error(
      `The model's "${name}" has shape [${logits.shape.join(', ')}] (${logits.data.length} values); expected [${expected
        .map((d) => (d === null ? '?' : d))
        .join(', ')}].`,
    );
  }
  return logits;
}
