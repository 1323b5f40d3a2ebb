import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tfjsModelRunner } from '../benchmark/tfjsRunner';
import { TinyFixtures } from '../nezha/fixtureReader';
import type { NezhaTaskModel } from '../nezha/heads';
import { BertTokenizer, type Encoding } from '../tokenizer';
import { runFillMask } from './fillMask';
import type { ModelRunner } from './modelRunner';
import { runMultipleChoice } from './multipleChoice';
import { runQuestionAnswering } from './questionAnswering';
import { runNextSentence, runTextClassification } from './textClassification';
import { runTokenClassification, type Entity } from './tokenClassification';

/*
 * The pipelines on the fixtures' tiny NEZHA checkpoints (random weights, tfjs cpu), checked against
 * a reference written here independently: the model run directly on the tokenizer's encoding, one
 * unpadded row at a time, and the logits decoded by hand (argmax → BIO → spans; masked softmax →
 * best start/end). Edge cases (entities at the text's ends, across a window border, after emoji and
 * CJK extension characters, a QA answer past the first window) are made by a ModelRunner decorator
 * that adds strong logits at chosen tokens on top of the real model's output.
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

const models: NezhaTaskModel[] = [];
function load(className: string, folder: string): NezhaTaskModel {
  const { model } = fixtures.load(className, folder);
  models.push(model);
  return model;
}

type OutputName = 'logits' | 'startLogits' | 'endLogits';

/** The model on one encoding, no batching, no padding: output name → flat values. */
function direct(model: NezhaTaskModel, encodings: Encoding | Encoding[]): Record<OutputName, number[]> {
  const rows = Array.isArray(encodings) ? encodings : [encodings];
  const shape = Array.isArray(encodings)
    ? [1, rows.length, rows[0].inputIds.length]
    : [1, rows[0].inputIds.length];
  return tf.tidy(() => {
    const out = model.forward({
      inputIds: tf.tensor(
        rows.flatMap((r) => r.inputIds),
        shape,
        'int32',
      ),
      attentionMask: tf.tensor(
        rows.flatMap((r) => r.attentionMask),
        shape,
        'int32',
      ),
      tokenTypeIds: tf.tensor(
        rows.flatMap((r) => r.tokenTypeIds),
        shape,
        'int32',
      ),
    });
    const read = (t: tf.Tensor | undefined) => (t ? Array.from(t.dataSync()) : []);
    return { logits: read(out.logits), startLogits: read(out.startLogits), endLogits: read(out.endLogits) };
  });
}

/**
 * Adds `strength` to the logit of a chosen class at every position whose input id is in `boost`
 * (token classification: class per token; QA: 0 = start logit, 1 = end logit).
 */
function boosted(
  runner: ModelRunner,
  output: OutputName | 'startEnd',
  boost: ReadonlyMap<number, number>,
  strength = 30,
): ModelRunner {
  return {
    async run(batch) {
      const out = await runner.run(batch);
      for (let p = 0; p < batch.inputIds.length; p++) {
        const cls = boost.get(batch.inputIds[p]);
        if (cls === undefined) continue;
        if (output === 'startEnd') {
          const target = cls === 0 ? out.startLogits! : out.endLogits!;
          target.data[p] += strength;
        } else {
          const logits = out[output]!;
          const K = logits.data.length / batch.inputIds.length;
          logits.data[p * K + cls] += strength;
        }
      }
      return out;
    },
  };
}

/** The same boost on a directly computed row (reference side). */
function boostRow(
  ids: readonly number[],
  values: number[],
  K: number,
  boost: ReadonlyMap<number, number>,
): number[] {
  const out = values.slice();
  ids.forEach((id, p) => {
    const cls = boost.get(id);
    if (cls !== undefined) out[p * K + cls] += 30;
  });
  return out;
}

function softmaxOf(values: readonly number[]): number[] {
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

const codePointIndex = (text: string, utf16: number) => Array.from(text.slice(0, utf16)).length;

// --- token classification -------------------------------------------------------------------

const nerFolder = 'token-classification';
const id2label = ['B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG', 'O'];
const label = (name: string) => id2label.indexOf(name);

/** Reference NER: argmax per token, BIO grouping (HF 'simple'), spans through the encoding's offsets. */
function referenceEntities(
  tokenizer: BertTokenizer,
  model: NezhaTaskModel,
  text: string,
  boost: Map<number, number>,
  windowed?: { maxLength: number; stride: number },
) {
  const enc = tokenizer.encode(text);
  const K = id2label.length;
  const logits = windowed
    ? windowMergedLogits(tokenizer, model, text, windowed.maxLength, windowed.stride)
    : boostRow(enc.inputIds, direct(model, enc).logits, K, boost);
  const entities: Omit<Entity, 'text'>[] = [];
  let open: { type: string; first: number; last: number; scores: number[] } | null = null;
  const close = () => {
    if (!open) return;
    const start = enc.offsets[open.first]![0];
    const end = enc.offsets[open.last]![1];
    entities.push({
      type: open.type,
      score: open.scores.reduce((a, b) => a + b, 0) / open.scores.length,
      start: codePointIndex(text, start),
      end: codePointIndex(text, end),
      startUtf16: start,
      endUtf16: end,
    });
    open = null;
  };
  for (let t = 1; t < enc.inputIds.length - 1; t++) {
    const probs = softmaxOf(logits.slice(t * K, (t + 1) * K));
    const best = probs.indexOf(Math.max(...probs));
    const name = id2label[best];
    if (name === 'O') {
      close();
      continue;
    }
    const [bi, type] = name.split('-');
    if (open && open.type === type && bi === 'I') {
      open.last = t;
      open.scores.push(probs[best]);
    } else {
      close();
      open = { type, first: t, last: t, scores: [probs[best]] };
    }
  }
  close();
  return entities.map((e) => ({ ...e, text: text.slice(e.startUtf16, e.endUtf16) }));
}

/**
 * Per-token logits of a long text from its windows, as the pipeline documents it: each token takes
 * its row from the window where it sits farthest from a window edge (the earlier window on a tie).
 * Laid out like one encoding of the whole text ([CLS] row, tokens, [SEP] row).
 */
function windowMergedLogits(
  tokenizer: BertTokenizer,
  model: NezhaTaskModel,
  text: string,
  maxLength: number,
  stride: number,
): number[] {
  const K = id2label.length;
  const numTokens = tokenizer.tokenize(text).length;
  const rows: number[][] = [];
  const best: number[] = new Array<number>(numTokens).fill(-1);
  for (const w of tokenizer.encodeBatchWindows([text], { maxLength, stride })) {
    const logits = direct(model, w).logits;
    const positions = w.sequenceIds.flatMap((s, p) => (s === 0 ? [p] : []));
    positions.forEach((p, j) => {
      const token = w.windowTokenStart + j;
      const distance = Math.min(j, positions.length - 1 - j);
      if (distance > best[token]) {
        best[token] = distance;
        rows[token] = logits.slice(p * K, (p + 1) * K);
      }
    });
  }
  const zeros = new Array<number>(K).fill(0);
  return [zeros, ...rows, zeros].flat();
}

function spansOf(entities: readonly Entity[]) {
  return entities.map(({ type, text, start, end, startUtf16, endUtf16 }) => ({
    type,
    text,
    start,
    end,
    startUtf16,
    endUtf16,
  }));
}

/** Boosts: each character of each entity gets B-/I-TYPE; `others` get O. */
function nerBoost(tokenizer: BertTokenizer, entities: [string, string][], others = ''): Map<number, number> {
  const boost = new Map<number, number>();
  const id = (ch: string) => {
    const [tokenId] = tokenizer.convertTokensToIds(tokenizer.tokenize(ch));
    expect(tokenId, `${ch} must be in the vocabulary`).not.toBe(tokenizer.unkId);
    expect(boost.has(tokenId), `${ch} must be boosted once`).toBe(false);
    return tokenId;
  };
  for (const [surface, type] of entities) {
    Array.from(surface).forEach((ch, k) => boost.set(id(ch), label(`${k === 0 ? 'B' : 'I'}-${type}`)));
  }
  for (const ch of others) boost.set(id(ch), label('O'));
  return boost;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  for (const m of models) m.dispose();
});

describe('token classification on the tiny checkpoint, against a hand decoder', () => {
  it('unboosted: the pipeline decodes exactly what the model says (several texts, batched)', async () => {
    const tokenizer = tokenizerFor(nerFolder);
    const model = load('NezhaForTokenClassification', nerFolder);
    const texts = [
      '中共中央致中国致公党十一大的贺词',
      '相比之下，青岛海牛队和广州松日队的雨中之战虽然也是0∶0，但乏善可陈。',
      '彭小军认为，国内银行现在走的是台湾的发卡模式',
    ];
    const actual = await runTokenClassification(tokenizer, tfjsModelRunner(model), texts, {
      id2label,
      aggregation: 'simple',
      maxBatchSize: 2,
    });
    let total = 0;
    texts.forEach((text, i) => {
      const expected = referenceEntities(tokenizer, model, text, new Map());
      expect(spansOf(actual[i])).toEqual(spansOf(expected as Entity[]));
      actual[i].forEach((e, k) => expect(e.score).toBeCloseTo(expected[k].score, 4));
      total += expected.length;
    });
    // The random model does predict entities, so the comparison above is not vacuous.
    expect(total).toBeGreaterThan(0);
  });

  it('entities at the very start and the very end of the text', async () => {
    const tokenizer = tokenizerFor(nerFolder);
    const model = load('NezhaForTokenClassification', nerFolder);
    const text = '王小明昨天从杭州出发前往深圳市';
    const boost = nerBoost(
      tokenizer,
      [
        ['王小明', 'PER'],
        ['深圳市', 'LOC'],
      ],
      '昨往',
    );
    const [actual] = await runTokenClassification(
      tokenizer,
      boosted(tfjsModelRunner(model), 'logits', boost),
      [text],
      {
        id2label,
      },
    );
    const expected = referenceEntities(tokenizer, model, text, boost);
    expect(spansOf(actual)).toEqual(spansOf(expected as Entity[]));
    expect(spansOf(actual)).toContainEqual({
      type: 'PER',
      text: '王小明',
      start: 0,
      end: 3,
      startUtf16: 0,
      endUtf16: 3,
    });
    expect(spansOf(actual)).toContainEqual({
      type: 'LOC',
      text: '深圳市',
      start: 12,
      end: 15,
      startUtf16: 12,
      endUtf16: 15,
    });
  });

  it('emoji and CJK extension characters (U+20000, U+2A700) before an entity keep code-point offsets right', async () => {
    const tokenizer = tokenizerFor(nerFolder);
    const model = load('NezhaForTokenClassification', nerFolder);
    const text = '😀我\u{20000}在\u{2A700}北京👍🏽和上海';
    const boost = nerBoost(
      tokenizer,
      [
        ['北京', 'LOC'],
        ['上海', 'LOC'],
      ],
      '在和',
    );
    const [actual] = await runTokenClassification(
      tokenizer,
      boosted(tfjsModelRunner(model), 'logits', boost),
      [text],
      {
        id2label,
      },
    );
    expect(spansOf(actual)).toEqual(spansOf(referenceEntities(tokenizer, model, text, boost) as Entity[]));
    const cps = Array.from(text);
    const beijing = actual.find((e) => e.text === '北京')!;
    expect(beijing).toMatchObject({ type: 'LOC', start: 5, end: 7, startUtf16: 8, endUtf16: 10 });
    const shanghai = actual.find((e) => e.text === '上海')!;
    expect(shanghai).toMatchObject({ type: 'LOC', start: 10, end: 12 });
    for (const e of actual) {
      expect(cps.slice(e.start, e.end).join('')).toBe(e.text);
      expect(text.slice(e.startUtf16, e.endUtf16)).toBe(e.text);
    }
  });

  it('unboosted, windowed (max length 16, stride 4): tokens decoded from the window where they sit most centrally', async () => {
    const tokenizer = tokenizerFor(nerFolder);
    const model = load('NezhaForTokenClassification', nerFolder);
    const text =
      '相比之下，青岛海牛队和广州松日队的雨中之战虽然也是0∶0，但乏善可陈。彭小军认为，国内银行现在走的是台湾的发卡模式';
    const [actual] = await runTokenClassification(tokenizer, tfjsModelRunner(model), [text], {
      id2label,
      maxLength: 16,
      stride: 4,
    });
    const expected = referenceEntities(tokenizer, model, text, new Map(), { maxLength: 16, stride: 4 });
    expect(expected.length).toBeGreaterThan(0);
    expect(spansOf(actual)).toEqual(spansOf(expected as Entity[]));
    actual.forEach((e, k) => expect(e.score).toBeCloseTo(expected[k].score, 4));
    // Different from decoding the whole text at once: the windows' context is what is being tested.
    const unwindowed = referenceEntities(tokenizer, model, text, new Map());
    expect(spansOf(unwindowed as Entity[])).not.toEqual(spansOf(actual));
  });

  it('an entity across a window border (max length 16, stride 4) comes out once, whole, as without windows', async () => {
    const tokenizer = tokenizerFor(nerFolder);
    const model = load('NezhaForTokenClassification', nerFolder);
    // 16 tokens = [CLS] + 14 + [SEP]; windows start at tokens 0, 10, 20, ... Tokens 11–15 (the ORG)
    // cross the end of window 0 (tokens 0–13); tokens 22–24 (the PER) cross window 1's end (10–23).
    const filler = '一二三四五六七八九十百';
    const before = '😀' + filler.slice(0, 10);
    const text = `${before}国家统计局在去年底的时张伟明宣布了`;
    const tokens = tokenizer.tokenize(text);
    expect(tokens.slice(11, 16).join('')).toBe('国家统计局');
    expect(tokens.slice(22, 25).join('')).toBe('张伟明');
    const boost = nerBoost(
      tokenizer,
      [
        ['国家统计局', 'ORG'],
        ['张伟明', 'PER'],
      ],
      '一二三四五六七八九十在去年底的时宣布了',
    );
    boost.set(tokenizer.unkId, label('O')); // the emoji
    const runner = boosted(tfjsModelRunner(model), 'logits', boost);
    const [windowed] = await runTokenClassification(tokenizer, runner, [text], {
      id2label,
      maxLength: 16,
      stride: 4,
    });
    const [whole] = await runTokenClassification(tokenizer, runner, [text], { id2label });
    const windows = tokenizer.encodeBatchWindows([text], { maxLength: 16, stride: 4 });
    expect(windows.length).toBeGreaterThan(2);
    expect(spansOf(windowed)).toEqual([
      { type: 'ORG', text: '国家统计局', start: 11, end: 16, startUtf16: 12, endUtf16: 17 },
      { type: 'PER', text: '张伟明', start: 22, end: 25, startUtf16: 23, endUtf16: 26 },
    ]);
    expect(spansOf(whole)).toEqual(spansOf(windowed));
    expect(spansOf(whole)).toEqual(spansOf(referenceEntities(tokenizer, model, text, boost) as Entity[]));
  });
});

// --- question answering ---------------------------------------------------------------------

const qaFolder = 'question-answering';

/** Reference QA: per window, softmax over [CLS] + context, best p_start·p_end with e − s < maxLen. */
function referenceAnswer(
  tokenizer: BertTokenizer,
  model: NezhaTaskModel,
  question: string,
  context: string,
  maxLength: number,
  stride: number,
  boost: Map<number, number>,
  maxAnswerLength = 15,
) {
  const windows = tokenizer.encodeWindows(question, context, {
    maxLength,
    stride,
    truncation: 'only_second',
  });
  let best = { score: -1, startUtf16: 0, endUtf16: 0, window: -1 };
  windows.forEach((enc, w) => {
    const out = direct(model, enc);
    const starts = out.startLogits.slice();
    const ends = out.endLogits.slice();
    enc.inputIds.forEach((id, p) => {
      if (boost.get(id) === 0) starts[p] += 30;
      if (boost.get(id) === 1) ends[p] += 30;
    });
    const allowed = enc.sequenceIds.map((s, p) => s === 1 || p === 0);
    const norm = (values: number[]) => {
      const kept = values.map((v, p) => (allowed[p] ? v : -Infinity));
      return softmaxOf(kept);
    };
    const pStart = norm(starts);
    const pEnd = norm(ends);
    for (let s = 0; s < enc.inputIds.length; s++) {
      if (enc.sequenceIds[s] !== 1) continue;
      for (let e = s; e < Math.min(enc.inputIds.length, s + maxAnswerLength); e++) {
        if (enc.sequenceIds[e] !== 1) continue;
        const score = pStart[s] * pEnd[e];
        if (score > best.score)
          best = { score, startUtf16: enc.offsets[s]![0], endUtf16: enc.offsets[e]![1], window: w };
      }
    }
  });
  return { ...best, answer: context.slice(best.startUtf16, best.endUtf16), windows };
}

describe('question answering on the tiny checkpoint, against a hand decoder', () => {
  it('unboosted: the best answer and its score are the hand-decoded ones (doc-stride windows)', async () => {
    const tokenizer = tokenizerFor(qaFolder);
    const model = load('NezhaForQuestionAnswering', qaFolder);
    const examples = [
      {
        question: '中共中央致什么？',
        context:
          '中共中央致中国致公党十一大的贺词，各位代表、各位同志：在中国致公党第十一次全国代表大会隆重召开之际，中国共产党中央委员会谨向大会表示热烈的祝贺。',
      },
      {
        question: '谁认为？',
        context: '彭小军认为，国内银行现在走的是台湾的发卡模式，先通过跑马圈地再在圈的地里面选择客户。',
      },
    ];
    const answers = await runQuestionAnswering(tokenizer, tfjsModelRunner(model), examples, {
      maxLength: 32,
      docStride: 8,
      alignToWords: false,
    });
    examples.forEach(({ question, context }, i) => {
      const expected = referenceAnswer(tokenizer, model, question, context, 32, 8, new Map());
      expect(expected.windows.length).toBeGreaterThan(1);
      expect(answers[i][0]).toMatchObject({
        answer: expected.answer,
        startUtf16: expected.startUtf16,
        endUtf16: expected.endUtf16,
      });
      expect(answers[i][0].score).toBeCloseTo(expected.score, 5);
    });
  });

  it('an answer beyond the first window, after emoji and CJK extension characters, with its exact offsets', async () => {
    const tokenizer = tokenizerFor(qaFolder);
    const model = load('NezhaForQuestionAnswering', qaFolder);
    const question = '谁来了？';
    const context =
      '😀\u{20000}今天上午大家都在会议室里等待消息，过了很久之后终于听说\u{2A700}甲乙丙来了，大家都很高兴。';
    const [startId] = tokenizer.convertTokensToIds(['甲']);
    const [endId] = tokenizer.convertTokensToIds(['丙']);
    const boost = new Map([
      [startId, 0],
      [endId, 1],
    ]);
    const [answers] = await runQuestionAnswering(
      tokenizer,
      boosted(tfjsModelRunner(model), 'startEnd', boost),
      [{ question, context }],
      {
        maxLength: 24,
        docStride: 4,
        topK: 1,
      },
    );
    const expected = referenceAnswer(tokenizer, model, question, context, 24, 4, boost);
    expect(expected.window).toBeGreaterThan(0);
    const firstWindowEnd = Math.max(
      ...expected.windows[0].offsets
        .filter((_, k) => expected.windows[0].sequenceIds[k] === 1)
        .map((s) => s![1]),
    );
    expect(answers[0].startUtf16).toBeGreaterThanOrEqual(firstWindowEnd);
    const startUtf16 = context.indexOf('甲乙丙');
    expect(answers[0]).toMatchObject({
      answer: '甲乙丙',
      startUtf16,
      endUtf16: startUtf16 + 3,
      start: codePointIndex(context, startUtf16),
      end: codePointIndex(context, startUtf16) + 3,
    });
    expect(answers[0].start).toBe(startUtf16 - 3); // 😀, U+20000 and U+2A700 are two code units each
    expect(answers[0].answer).toBe(expected.answer);
    expect(answers[0].score).toBeCloseTo(expected.score, 5);
  });
});

// --- sequence-level heads -------------------------------------------------------------------

describe('sequence-level pipelines on the tiny checkpoints, against direct logits', () => {
  it('text classification: softmax of the direct logits, ranked', async () => {
    const folder = 'sequence-classification';
    const tokenizer = tokenizerFor(folder);
    const model = load('NezhaForSequenceClassification', folder);
    const inputs: [string, string | null][] = [
      ['这家酒店的服务很好，下次还来。', null],
      ['房间太小了', '而且隔音很差'],
    ];
    const labels = ['negative', 'neutral', 'positive'];
    const actual = await runTextClassification(tokenizer, tfjsModelRunner(model), inputs, {
      id2label: labels,
    });
    inputs.forEach(([a, b], i) => {
      const probs = softmaxOf(direct(model, tokenizer.encode(a, b)).logits);
      expect(actual[i].length).toBe(3);
      for (const s of actual[i]) {
        expect(s.label).toBe(labels[s.index]);
        expect(s.score).toBeCloseTo(probs[s.index], 5);
      }
      expect(actual[i][0].index).toBe(probs.indexOf(Math.max(...probs)));
    });
  });

  it('fill-mask (pretraining checkpoint as a masked LM): top-k ids and probabilities', async () => {
    const folder = 'pretraining';
    const tokenizer = tokenizerFor(folder);
    const model = load('NezhaForMaskedLM', folder);
    const text = '今天[MASK]气很好。';
    const [result] = await runFillMask(tokenizer, tfjsModelRunner(model), [text], { topK: 5 });
    const enc = tokenizer.encode(text);
    const at = enc.inputIds.indexOf(tokenizer.maskId);
    const vocabSize = tokenizer.vocab.size;
    const logits = direct(model, enc).logits.slice(at * vocabSize, (at + 1) * vocabSize);
    const probs = softmaxOf(logits);
    const ranked = probs.map((p, id) => [p, id] as const).sort((x, y) => y[0] - x[0]);
    expect(result.masks.length).toBe(1);
    expect(result.masks[0].spanUtf16).toEqual([2, 8]);
    const candidates = result.masks[0].candidates;
    expect(candidates.map((c) => c.tokenId)).toEqual(ranked.slice(0, 5).map(([, id]) => id));
    candidates.forEach((c, k) => expect(c.score).toBeCloseTo(ranked[k][0], 6));
  });

  it('next sentence (pretraining checkpoint): P(is next) = softmax(direct logits)[0]', async () => {
    const folder = 'pretraining';
    const tokenizer = tokenizerFor(folder);
    const model = load('NezhaForNextSentencePrediction', folder);
    const pairs: [string, string][] = [
      ['今天天气很好。', '我们去公园散步吧。'],
      ['中共中央致中国致公党十一大的贺词', '股市今天大涨'],
    ];
    const actual = await runNextSentence(tokenizer, tfjsModelRunner(model), pairs);
    pairs.forEach(([a, b], i) => {
      const probs = softmaxOf(direct(model, tokenizer.encode(a, b)).logits);
      expect(actual[i].isNextProbability).toBeCloseTo(probs[0], 5);
    });
  });

  it('multiple choice: softmax over the choices of the direct [1, choices, length] logits', async () => {
    const folder = 'multiple-choice';
    const tokenizer = tokenizerFor(folder);
    const model = load('NezhaForMultipleChoice', folder);
    const examples = [
      {
        context: '男：你今天怎么来的？女：我坐地铁来的。问：女的怎么来的？',
        choices: ['地铁', '公交车', '走路'],
      },
      { context: '明天会下雨吗？', choices: ['会', '不会'] },
    ];
    const actual = await runMultipleChoice(tokenizer, tfjsModelRunner(model), examples);
    examples.forEach(({ context, choices }, i) => {
      // Each choice on its own (no padding between choices), one logit each.
      const logits = choices.map((c) => direct(model, [tokenizer.encode(context, c)]).logits[0]);
      const probs = softmaxOf(logits);
      actual[i].scores.forEach((s, k) => expect(s).toBeCloseTo(probs[k], 5));
      expect(actual[i].best).toBe(probs.indexOf(Math.max(...probs)));
    });
  });
});
