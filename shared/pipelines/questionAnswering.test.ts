import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BertTokenizer, Vocab } from '../tokenizer';
import type { ModelBatch, ModelRunner } from './modelRunner';
import { decodeQuestionAnswering, runQuestionAnswering } from './questionAnswering';

const vocabText = readFileSync(
  new URL('../../fixtures/vocab/bert-base-chinese-vocab.txt', import.meta.url),
  'utf8',
);
const tokenizer = new BertTokenizer(Vocab.fromText(vocabText));

const question = '谁提出了NEZHA模型？';
const context = '2019年，华为诺亚方舟实验室提出了NEZHA模型。';

/** Start/end logits of one window: 0 everywhere except the given token positions. */
function window(startAt: Record<number, number>, endAt: Record<number, number>, ctx = context) {
  const [encoding] = tokenizer.encodeWindows(question, ctx, { maxLength: 64 });
  const n = encoding.inputIds.length;
  const start = new Float32Array(n);
  const end = new Float32Array(n);
  for (const [k, v] of Object.entries(startAt)) start[Number(k)] = v;
  for (const [k, v] of Object.entries(endAt)) end[Number(k)] = v;
  return { encoding, startLogits: { data: start, shape: [n] }, endLogits: { data: end, shape: [n] } };
}

/** Token index of the context character at UTF-16 index `char`. */
function tokenAt(char: number): number {
  const [encoding] = tokenizer.encodeWindows(question, context, { maxLength: 64 });
  return encoding.offsets.findIndex((o, k) => encoding.sequenceIds[k] === 1 && o![0] <= char && char < o![1]);
}

describe('decodeQuestionAnswering (HF QuestionAnsweringPipeline semantics)', () => {
  const hua = tokenAt(context.indexOf('华'));
  const shi = tokenAt(context.indexOf('室'));

  it('returns the best span as exact context offsets with score p_start × p_end', () => {
    const w = window({ [hua]: 10 }, { [shi]: 10 });
    const [best] = decodeQuestionAnswering(context, [w]);
    expect(best.answer).toBe('华为诺亚方舟实验室');
    expect([best.startUtf16, best.endUtf16]).toEqual([context.indexOf('华'), context.indexOf('室') + 1]);
    expect([best.start, best.end]).toEqual([6, 15]);
    // Softmax over [CLS] + context tokens only: question tokens do not dilute the probabilities.
    const contextTokens = w.encoding.sequenceIds.filter((s) => s === 1).length + 1;
    const p = Math.exp(10) / (Math.exp(10) + contextTokens - 1);
    expect(best.score).toBeCloseTo(p * p, 10);
  });

  it('ranks n-best answers and respects max answer length', () => {
    const w = window({ [hua]: 10, [hua + 2]: 8 }, { [shi]: 10, [hua + 3]: 6 });
    const top = decodeQuestionAnswering(context, [w], { topK: 3 });
    expect(top.map((a) => a.answer)).toEqual(['华为诺亚方舟实验室', '诺亚方舟实验室', '华为诺亚']);
    expect(top[0].score).toBeGreaterThan(top[1].score);
    // 华..室 is 9 tokens: with at most 4 tokens the best start pairs with the nearer end.
    expect(decodeQuestionAnswering(context, [w], { maxAnswerLength: 4 })[0].answer).toBe('华为诺亚');
  });

  it('never answers with question tokens, and handles "no answer"', () => {
    const w = window({ 0: 12, 2: 50 }, { 0: 12, 3: 50 }); // [CLS] and question tokens
    const answers = decodeQuestionAnswering(context, [w], { handleImpossibleAnswer: true, topK: 2 });
    expect(answers[0]).toEqual({
      score: expect.any(Number),
      answer: '',
      start: 0,
      end: 0,
      startUtf16: 0,
      endUtf16: 0,
    });
    expect(answers[0].score).toBeGreaterThan(0.9);
    expect(answers[1].answer).not.toBe('');
    expect(decodeQuestionAnswering(context, [w])[0].answer).not.toBe('');
  });

  it('widens answers to whole words (align_to_words)', () => {
    const ctx = '模型叫做NEZHA，由华为提出。';
    const [encoding] = tokenizer.encodeWindows(question, ctx, { maxLength: 64 });
    const z = encoding.tokens.lastIndexOf('##z');
    expect(z).toBeGreaterThan(0);
    const n = encoding.inputIds.length;
    const start = new Float32Array(n);
    const end = new Float32Array(n);
    start[z] = 10;
    end[z] = 10;
    const w = { encoding, startLogits: { data: start, shape: [n] }, endLogits: { data: end, shape: [n] } };
    expect(decodeQuestionAnswering(ctx, [w])[0].answer).toBe('NEZHA');
    expect(decodeQuestionAnswering(ctx, [w], { alignToWords: false })[0].answer).toBe('Z');
  });
});

describe('runQuestionAnswering over long contexts', () => {
  it('finds an answer in a late window with doc stride and returns its offsets in the full context', async () => {
    const filler = '这是一段与问题无关的背景文字。'.repeat(30);
    const longContext = filler + '答案在这里：深圳。' + filler;
    const target = tokenizer.vocab.id('深')!;
    const targetEnd = tokenizer.vocab.id('圳')!;
    const calls: ModelBatch[] = [];
    const runner: ModelRunner = {
      run(batch) {
        calls.push(batch);
        const size = batch.batchSize * batch.sequenceLength;
        const start = new Float32Array(size);
        const end = new Float32Array(size);
        for (let t = 0; t < size; t++) {
          const isContext = batch.tokenTypeIds[t] === 1;
          if (isContext && batch.inputIds[t] === target) start[t] = 9;
          if (isContext && batch.inputIds[t] === targetEnd) end[t] = 9;
        }
        const shape = [batch.batchSize, batch.sequenceLength];
        return { startLogits: { data: start, shape }, endLogits: { data: end, shape } };
      },
    };
    const progress: number[] = [];
    const [[answer]] = await runQuestionAnswering(
      tokenizer,
      runner,
      [{ question: '答案是什么？', context: longContext }],
      {
        maxLength: 64,
        docStride: 16,
        maxBatchSize: 4,
        onProgress: (p) => progress.push(p.done),
      },
    );
    expect(calls.length).toBeGreaterThan(3);
    expect(answer.answer).toBe('深圳');
    expect(answer.startUtf16).toBe(longContext.indexOf('深圳'));
    expect(progress[progress.length - 1]).toBe(calls.reduce((a, b) => a + b.batchSize, 0));
    // With stride the answer sits in two windows; n-best lists it once.
    const [top] = await runQuestionAnswering(
      tokenizer,
      runner,
      [{ question: '答案是什么？', context: longContext }],
      {
        maxLength: 64,
        docStride: 30,
        topK: 5,
      },
    );
    expect(top.filter((a) => a.answer === '深圳')).toHaveLength(1);
  });

  it('says when the model output is missing', async () => {
    const runner: ModelRunner = { run: () => ({}) };
    await expect(runQuestionAnswering(tokenizer, runner, [{ question: '谁？', context }])).rejects.toThrow(
      /returned no "startLogits"/,
    );
  });
});
