import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BertTokenizer, Vocab } from '../tokenizer';
import { planBatches } from './batching';
import { decodeFillMask, runFillMask } from './fillMask';
import type { ModelBatch, ModelRunner } from './modelRunner';
import { decodeMultipleChoice, runMultipleChoice } from './multipleChoice';
import {
  classificationFunctionFor,
  decodeClassification,
  decodeNextSentence,
  runTextClassification,
} from './textClassification';

const vocabText = readFileSync(
  new URL('../../fixtures/vocab/bert-base-chinese-vocab.txt', import.meta.url),
  'utf8',
);
const tokenizer = new BertTokenizer(Vocab.fromText(vocabText));

describe('text and sentence-pair classification', () => {
  const id2label = ['negative', 'neutral', 'positive'];

  it('softmax for single-label, best first', () => {
    const result = decodeClassification([1, 2, 3], { id2label });
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    expect(result.map((r) => r.label)).toEqual(['positive', 'neutral', 'negative']);
    expect(result[0].score).toBeCloseTo(Math.exp(3) / z, 12);
    expect(decodeClassification([1, 2, 3], { id2label, topK: 1 })).toHaveLength(1);
  });

  it('sigmoid per label for multi-label, raw value for regression', () => {
    const multi = decodeClassification([0, 2, -2, 0], {
      id2label: ['sports', 'politics', 'technology', 'finance'],
      problemType: 'multi_label_classification',
    });
    expect(multi.map((r) => [r.label, Number(r.score.toFixed(4))])).toEqual([
      ['politics', 0.8808],
      ['sports', 0.5],
      ['finance', 0.5],
      ['technology', 0.1192],
    ]);
    expect(decodeClassification([3.25], { id2label: ['LABEL_0'] })).toEqual([
      { label: 'LABEL_0', score: 3.25, index: 0 },
    ]);
    expect(classificationFunctionFor('regression', 1)).toBe('none');
    expect(classificationFunctionFor(null, 3)).toBe('softmax');
    expect(() => decodeClassification([1, 2], { id2label })).toThrow(/2 values but id2label has 3/);
  });

  it('runs pairs in length-sorted batches and returns results in input order', async () => {
    const calls: ModelBatch[] = [];
    // Logits from the number of real tokens, so each row's result shows which input it came from.
    const runner: ModelRunner = {
      run(batch) {
        calls.push(batch);
        const data = new Float32Array(batch.batchSize * 3);
        for (let b = 0; b < batch.batchSize; b++) {
          let length = 0;
          for (let t = 0; t < batch.sequenceLength; t++)
            length += batch.attentionMask[b * batch.sequenceLength + t];
          data[b * 3 + (length % 3)] = 5;
        }
        return { logits: { data, shape: [batch.batchSize, 3] } };
      },
    };
    const inputs = [
      ['今天天气很好', '适合出门'],
      '不好',
      ['这部电影非常非常好看，我很喜欢', '推荐'],
      '还行吧',
    ] as const;
    const results = await runTextClassification(tokenizer, runner, inputs, { id2label, maxBatchSize: 2 });
    const expected = inputs.map((input) => {
      const enc = typeof input === 'string' ? tokenizer.encode(input) : tokenizer.encode(input[0], input[1]);
      return id2label[enc.inputIds.length % 3];
    });
    expect(results.map((r) => r[0].label)).toEqual(expected);
    expect(calls).toHaveLength(2);
    // Length-sorted: the two short single texts share a batch.
    expect(calls[0].sequenceLength).toBe(5);
  });

  it('next sentence: label 0 means B follows A', () => {
    expect(decodeNextSentence([2, 0]).isNextProbability).toBeCloseTo(Math.exp(2) / (Math.exp(2) + 1), 12);
    expect(() => decodeNextSentence([1, 2, 3])).toThrow(/2 values/);
  });
});

describe('multiple choice', () => {
  it('softmax over choices', () => {
    const r = decodeMultipleChoice([0, Math.log(3)]);
    expect(r.best).toBe(1);
    expect(r.scores[1]).toBeCloseTo(0.75, 12);
  });

  it('batches examples as [batch, choices, length], grouping by choice count', async () => {
    const calls: ModelBatch[] = [];
    const runner: ModelRunner = {
      run(batch) {
        calls.push(batch);
        const c = batch.numChoices!;
        const data = new Float32Array(batch.batchSize * c);
        // The choice with the most tokens wins.
        for (let row = 0; row < batch.batchSize * c; row++) {
          for (let t = 0; t < batch.sequenceLength; t++)
            data[row] += batch.attentionMask[row * batch.sequenceLength + t];
        }
        return { logits: { data, shape: [batch.batchSize, c] } };
      },
    };
    const examples = [
      {
        context: '男：你今天去哪儿了？女：我去图书馆了。问：女的去哪儿了？',
        choices: ['商店', '图书馆', '医院'],
      },
      { context: '问：哪个长？', choices: ['长长长长', '短'] },
      { context: '问：哪个长？', choices: ['短', '中中', '长长长'] },
    ];
    const results = await runMultipleChoice(tokenizer, runner, examples);
    expect(results.map((r) => r.best)).toEqual([1, 0, 2]);
    expect(calls.map((b) => [b.batchSize, b.numChoices])).toEqual([
      [2, 3],
      [1, 2],
    ]);
    await expect(runMultipleChoice(tokenizer, runner, [{ context: 'x', choices: ['only'] }])).rejects.toThrow(
      /at least 2/,
    );
  });
});

describe('fill-mask', () => {
  const vocabSize = tokenizer.vocab.size;
  const id = (t: string) => tokenizer.vocab.id(t)!;

  function maskLogits(text: string, byMask: Record<string, number>[]) {
    const encoding = tokenizer.encode(text);
    const data = new Float32Array(encoding.inputIds.length * vocabSize);
    let m = 0;
    encoding.inputIds.forEach((tokenId, t) => {
      if (tokenId !== tokenizer.maskId) return;
      for (const [token, value] of Object.entries(byMask[m++])) data[t * vocabSize + id(token)] = value;
    });
    return { encoding, logits: { data, shape: [encoding.inputIds.length, vocabSize] } };
  }

  it('top-k tokens per mask with probabilities and the filled sentence', () => {
    const text = '我爱[MASK]京。';
    const { encoding, logits } = maskLogits(text, [{ 北: 12, 南: 11, '##北': 13 }]);
    const { masks, wholeWords } = decodeFillMask(text, encoding, logits, tokenizer, { topK: 3 });
    expect(masks).toHaveLength(1);
    expect(masks[0].candidates.map((c) => c.token)).toEqual(['##北', '北', '南']);
    expect(masks[0].candidates[1].sequence).toBe('我爱北京。');
    expect(masks[0].candidates[0].tokenStr).toBe('北');
    const z = Math.exp(13) + Math.exp(12) + Math.exp(11) + (vocabSize - 3);
    expect(masks[0].candidates[1].score).toBeCloseTo(Math.exp(12) / z, 9);
    expect(masks[0].spanUtf16).toEqual([2, 8]);
    expect(wholeWords).toEqual([]);
  });

  it('whole-word candidates for a run of masks (Chinese words)', () => {
    const text = '我爱[MASK][MASK]天安门。';
    const { encoding, logits } = maskLogits(text, [
      { 北: 10, 南: 9.5, '[UNK]': 11 },
      { 京: 10, 方: 9 },
    ]);
    const { wholeWords } = decodeFillMask(text, encoding, logits, tokenizer, { topK: 2 });
    expect(wholeWords).toHaveLength(1);
    expect(wholeWords[0].candidates.map((c) => c.text)).toEqual(['北京', '南京']);
    expect(wholeWords[0].candidates[0].sequence).toBe('我爱北京天安门。');
    expect(wholeWords[0].spanUtf16).toEqual([2, 14]);
  });

  it('runs through a model runner and rejects texts without [MASK]', async () => {
    const runner: ModelRunner = {
      run(batch) {
        const data = new Float32Array(batch.batchSize * batch.sequenceLength * vocabSize);
        for (let t = 0; t < batch.batchSize * batch.sequenceLength; t++) data[t * vocabSize + id('好')] = 5;
        return { logits: { data, shape: [batch.batchSize, batch.sequenceLength, vocabSize] } };
      },
    };
    const [result] = await runFillMask(tokenizer, runner, ['今天天气很[MASK]。'], { topK: 1 });
    expect(result.masks[0].candidates[0].sequence).toBe('今天天气很好。');
    await expect(runFillMask(tokenizer, runner, ['没有掩码'])).rejects.toThrow(/no \[MASK\] token/);
  });
});

describe('planBatches', () => {
  it('puts every row in exactly one batch within the size and token limits, sorted by length', () => {
    const lengths = [5, 100, 7, 90, 6, 8, 95, 120];
    const batches = planBatches(lengths, { maxBatchSize: 3, maxBatchTokens: 250 });
    expect(batches.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i));
    for (const b of batches) {
      expect(b.length).toBeLessThanOrEqual(3);
      expect(Math.max(...b.map((i) => lengths[i])) * b.length).toBeLessThanOrEqual(250);
    }
    expect(batches[0]).toEqual([0, 4, 2]);
  });
});
