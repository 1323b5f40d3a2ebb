import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { TinyFixtures } from '../nezha/fixtureReader';
import type { NezhaTaskModel } from '../nezha/heads';
import { BertTokenizer } from '../tokenizer';
import { runEncodings } from './execute';
import type { ModelRunner } from './modelRunner';
import { runQuestionAnswering } from './questionAnswering';
import { decodeEntities, runTokenClassification } from './tokenClassification';
import { softmax } from './math';

/*
 * The pipelines with the real NEZHA tiny checkpoints (HF goldens) on the tfjs CPU backend: the
 * model-runner seam carries ids, masks and token types correctly, and per-row logits come back
 * equal to what HF computed, whatever the batch and its padding.
 */

const fixtures = new TinyFixtures(
  fileURLToPath(new URL('../../fixtures/nezha-tiny', import.meta.url)),
  (path) => readFileSync(path),
);

function tokenizerFor(folder: string): BertTokenizer {
  return BertTokenizer.fromFiles({
    vocabText: fixtures.text(folder, 'vocab.txt'),
    tokenizerConfig: fixtures.json(folder, 'tokenizer_config.json'),
    specialTokensMap: fixtures.json(folder, 'special_tokens_map.json'),
  });
}

/** A ModelRunner over a loaded NEZHA model: what the renderer's worker does, minus WebGPU. */
function tfjsRunner(model: NezhaTaskModel): ModelRunner {
  return {
    run(batch) {
      return tf.tidy(() => {
        const shape = batch.numChoices
          ? [batch.batchSize, batch.numChoices, batch.sequenceLength]
          : [batch.batchSize, batch.sequenceLength];
        const out = model.forward({
          inputIds: tf.tensor(batch.inputIds, shape, 'int32'),
          attentionMask: tf.tensor(batch.attentionMask, shape, 'int32'),
          tokenTypeIds: tf.tensor(batch.tokenTypeIds, shape, 'int32'),
        });
        const pack = (t: tf.Tensor | undefined) =>
          t ? { data: t.dataSync() as Float32Array, shape: t.shape } : undefined;
        return {
          logits: pack(out.logits),
          startLogits: pack(out.startLogits),
          endLogits: pack(out.endLogits),
        };
      });
    },
  };
}

interface Golden {
  texts: { text_a: string; text_b: string }[];
  tokens: string[][];
  inputs: { input_ids: { data: number[][] } };
  outputs: Record<string, { shape: number[]; data: number[][][] | number[][] }>;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('pipelines on the NEZHA tiny checkpoints (tfjs cpu)', () => {
  it('token classification: batched, padded rows give HF logits; entities decode from them', async () => {
    const folder = 'token-classification';
    const tokenizer = tokenizerFor(folder);
    const { model } = fixtures.load('NezhaForTokenClassification', folder);
    const golden = fixtures.json<Golden>('goldens', 'token_classification.json');
    const encodings = golden.texts.map((t) => tokenizer.encode(t.text_a, t.text_b));
    encodings.forEach((e, i) =>
      expect(e.inputIds).toEqual(golden.inputs.input_ids.data[i].slice(0, e.inputIds.length)),
    );
    // Batches of 2 with their own padding, and different from HF's (which padded all 3 together).
    const rows = await runEncodings(encodings, tfjsRunner(model), {
      padId: tokenizer.padId,
      maxBatchSize: 2,
      outputs: [{ name: 'logits', level: 'token' }],
    });
    rows.forEach((row, i) => {
      const expected = (golden.outputs.logits.data as number[][][])[i]
        .slice(0, encodings[i].inputIds.length)
        .flat();
      const actual = Array.from(row.logits!.data);
      expect(actual.length).toBe(expected.length);
      actual.forEach((v, k) => expect(Math.abs(v - expected[k])).toBeLessThan(1e-4));
    });

    const id2label = ['B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG', 'O'];
    const text = golden.texts[0].text_a;
    const [entities] = await runTokenClassification(tokenizer, tfjsRunner(model), [text], {
      id2label,
      aggregation: 'first',
    });
    const single = await runEncodings([tokenizer.encode(text)], tfjsRunner(model), {
      padId: 0,
      outputs: [{ name: 'logits', level: 'token' }],
    });
    const logits = single[0].logits!;
    const probs = [];
    for (let t = 1; t < logits.shape[0] - 1; t++) probs.push(softmax(logits.data, t * 7, 7));
    expect(entities).toEqual(
      decodeEntities(tokenizer.tokenizeWithOffsets(text), probs, id2label, { aggregation: 'first' }),
    );
    for (const e of entities) expect(text.slice(e.startUtf16, e.endUtf16)).toBe(e.text);
    model.dispose();
  });

  it('question answering: spans lie in the context, scores are probabilities', async () => {
    const folder = 'question-answering';
    const tokenizer = tokenizerFor(folder);
    const { model } = fixtures.load('NezhaForQuestionAnswering', folder);
    const golden = fixtures.json<Golden>('goldens', 'question_answering.json');
    const examples = golden.texts.map((t) => ({ question: t.text_a, context: t.text_b }));
    const answers = await runQuestionAnswering(tokenizer, tfjsRunner(model), examples, {
      topK: 3,
      maxLength: 32,
      docStride: 8,
    });
    answers.forEach((list, i) => {
      expect(list.length).toBeGreaterThan(0);
      for (const a of list) {
        expect(examples[i].context.slice(a.startUtf16, a.endUtf16)).toBe(a.answer);
        expect(a.score).toBeGreaterThan(0);
        expect(a.score).toBeLessThanOrEqual(1);
      }
      for (let k = 1; k < list.length; k++) expect(list[k - 1].score).toBeGreaterThanOrEqual(list[k].score);
    });
    model.dispose();
  });
});
