import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BertTokenizer, Vocab } from '../tokenizer';
import type { ModelBatch, ModelRunner } from './modelRunner';
import type { PreEntity } from './tokenClassification';
import { aggregate, decodeEntities, runTokenClassification } from './tokenClassification';

const vocabText = readFileSync(
  new URL('../../fixtures/vocab/bert-base-chinese-vocab.txt', import.meta.url),
  'utf8',
);
const tokenizer = new BertTokenizer(Vocab.fromText(vocabText));

// HF tests/pipelines/test_pipelines_token_classification.py, test_aggregation_strategy(_example2).
const CONLL = ['O', 'B-MISC', 'I-MISC', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC'];
const round = (x: number) => Math.round(x * 1000) / 1000;
const simplify = <T extends { score: number }>(list: T[]) =>
  list.map((e) => ({ ...e, score: round(e.score) }));

describe('aggregate (HF TokenClassificationPipeline semantics)', () => {
  const example: PreEntity[] = [
    {
      scores: [0, 0, 0, 0, 0.9968166351318359, 0, 0, 0],
      index: 1,
      isSubword: false,
      word: 'En',
      start: 0,
      end: 2,
    },
    {
      scores: [0, 0, 0, 0, 0.9957635998725891, 0, 0, 0],
      index: 2,
      isSubword: true,
      word: '##zo',
      start: 2,
      end: 4,
    },
    {
      scores: [0, 0, 0, 0, 0, 0.9986497163772583, 0, 0],
      index: 7,
      isSubword: false,
      word: 'UN',
      start: 11,
      end: 13,
    },
  ];

  it('HF example 1: none / simple / first / max / average', () => {
    expect(simplify(aggregate(example, 'none', CONLL))).toEqual([
      { entity: 'I-PER', score: 0.997, index: 1, word: 'En', start: 0, end: 2 },
      { entity: 'I-PER', score: 0.996, index: 2, word: '##zo', start: 2, end: 4 },
      { entity: 'B-ORG', score: 0.999, index: 7, word: 'UN', start: 11, end: 13 },
    ]);
    const grouped = (score: number) => [
      { entityGroup: 'PER', score, word: 'Enzo', start: 0, end: 4 },
      { entityGroup: 'ORG', score: 0.999, word: 'UN', start: 11, end: 13 },
    ];
    expect(simplify(aggregate(example, 'simple', CONLL))).toEqual(grouped(0.996));
    expect(simplify(aggregate(example, 'first', CONLL))).toEqual(grouped(0.997));
    expect(simplify(aggregate(example, 'max', CONLL))).toEqual(grouped(0.997));
    expect(simplify(aggregate(example, 'average', CONLL))).toEqual(grouped(0.996));
  });

  it('HF example 2: first, max and average disagree on one word', () => {
    const example2: PreEntity[] = [
      {
        scores: [0, 0.55, 0, 0.45, 0, 0, 0, 0, 0, 0],
        isSubword: false,
        index: 1,
        word: 'Ra',
        start: 0,
        end: 2,
      },
      {
        scores: [0, 0, 0, 0.2, 0, 0, 0, 0.8, 0, 0],
        isSubword: true,
        word: '##ma',
        start: 2,
        end: 4,
        index: 2,
      },
      {
        scores: [0, 0, 0, 0.4, 0, 0, 0.6, 0, 0, 0],
        isSubword: true,
        word: '##zotti',
        start: 11,
        end: 13,
        index: 3,
      },
    ];
    expect(aggregate(example2, 'none', CONLL)).toEqual([
      { entity: 'B-MISC', score: 0.55, start: 0, end: 2, word: 'Ra', index: 1 },
      { entity: 'B-LOC', score: 0.8, start: 2, end: 4, word: '##ma', index: 2 },
      { entity: 'I-ORG', score: 0.6, start: 11, end: 13, word: '##zotti', index: 3 },
    ]);
    expect(aggregate(example2, 'first', CONLL)).toEqual([
      { entityGroup: 'MISC', score: 0.55, word: 'Ramazotti', start: 0, end: 13 },
    ]);
    expect(aggregate(example2, 'max', CONLL)).toEqual([
      { entityGroup: 'LOC', score: 0.8, word: 'Ramazotti', start: 0, end: 13 },
    ]);
    expect(simplify(aggregate(example2, 'average', CONLL))).toEqual([
      { entityGroup: 'PER', score: 0.35, word: 'Ramazotti', start: 0, end: 13 },
    ]);
  });

  const oneHot = (labels: string[], id2label: string[]): PreEntity[] =>
    labels.map((label, k) => ({
      scores: id2label.map((l) => (l === label ? 0.9 : 0.1 / (id2label.length - 1))),
      index: k,
      isSubword: false,
      word: String.fromCharCode(0x4e00 + k),
      start: k,
      end: k + 1,
    }));

  it('BIO: B- starts a new entity, I- of another type too, O separates', () => {
    const id2label = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];
    const groups = aggregate(
      oneHot(['B-PER', 'I-PER', 'B-PER', 'I-LOC', 'O', 'I-LOC', 'I-LOC'], id2label),
      'simple',
      id2label,
    );
    expect(groups.map((g) => [g.entityGroup, g.start, g.end])).toEqual([
      ['PER', 0, 2],
      ['PER', 2, 3],
      ['LOC', 3, 4],
      ['O', 4, 5],
      ['LOC', 5, 7],
    ]);
  });

  it('BIOES: E- closes and S- is a single-token entity', () => {
    const id2label = ['O', 'B-PER', 'I-PER', 'E-PER', 'S-PER', 'S-LOC'];
    const groups = aggregate(
      oneHot(['B-PER', 'I-PER', 'E-PER', 'I-PER', 'S-PER', 'S-PER', 'S-LOC', 'B-PER', 'E-PER'], id2label),
      'simple',
      id2label,
    );
    expect(groups.map((g) => [g.entityGroup, g.start, g.end])).toEqual([
      ['PER', 0, 3],
      ['PER', 3, 4],
      ['PER', 4, 5],
      ['PER', 5, 6],
      ['LOC', 6, 7],
      ['PER', 7, 9],
    ]);
  });

  it('IO: runs of one type are one entity', () => {
    const id2label = ['O', 'I-PER', 'I-LOC'];
    const groups = aggregate(oneHot(['I-PER', 'I-PER', 'I-LOC', 'O', 'I-PER'], id2label), 'simple', id2label);
    expect(groups.map((g) => [g.entityGroup, g.start, g.end])).toEqual([
      ['PER', 0, 2],
      ['LOC', 2, 3],
      ['O', 3, 4],
      ['PER', 4, 5],
    ]);
  });
});

const NER_LABELS = ['B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG', 'O'];

/**
 * A context-free stand-in for a NER model: each token's logits depend only on its id, so a text
 * decoded through many small windows must give exactly what one big window gives.
 */
function charRunner(labelsByChar: Record<string, string>, calls: ModelBatch[] = []): ModelRunner {
  const labelById = new Map<number, number>();
  for (const [ch, label] of Object.entries(labelsByChar))
    labelById.set(tokenizer.vocab.id(ch)!, NER_LABELS.indexOf(label));
  return {
    run(batch) {
      calls.push(batch);
      const k = NER_LABELS.length;
      const data = new Float32Array(batch.batchSize * batch.sequenceLength * k);
      for (let t = 0; t < batch.batchSize * batch.sequenceLength; t++) {
        const label = labelById.get(batch.inputIds[t]) ?? k - 1;
        for (let c = 0; c < k; c++) data[t * k + c] = c === label ? 4 : 0;
      }
      return { logits: { data, shape: [batch.batchSize, batch.sequenceLength, k] } };
    },
  };
}

describe('decodeEntities and runTokenClassification', () => {
  const runner = charRunner({ 北: 'B-LOC', 京: 'I-LOC', 张: 'B-PER', 三: 'I-PER', 华: 'B-ORG', 为: 'I-ORG' });

  it('gives code-point and UTF-16 spans of the original text (astral characters before the entity)', async () => {
    const text = '𠀀😀张三去了北京';
    const [entities] = await runTokenClassification(tokenizer, runner, [text], { id2label: NER_LABELS });
    expect(entities.map((e) => [e.type, e.text, e.start, e.end, e.startUtf16, e.endUtf16])).toEqual([
      ['PER', '张三', 2, 4, 4, 6],
      ['LOC', '北京', 6, 8, 8, 10],
    ]);
    expect(entities[0].score).toBeCloseTo(Math.exp(4) / (Math.exp(4) + 6), 6);
  });

  it('splits a long sentence into windows and merges them without duplicate or cut entities', async () => {
    const text = Array.from({ length: 40 }, (_, i) => `第${i}段张三在北京的华为工作，`).join('');
    const calls: ModelBatch[] = [];
    const progress: number[] = [];
    const windowed = await runTokenClassification(
      tokenizer,
      charRunner({ 北: 'B-LOC', 京: 'I-LOC', 张: 'B-PER', 三: 'I-PER', 华: 'B-ORG', 为: 'I-ORG' }, calls),
      [text],
      {
        id2label: NER_LABELS,
        maxLength: 16,
        stride: 5,
        maxBatchSize: 8,
        onProgress: (p) => progress.push(p.done),
      },
    );
    const whole = await runTokenClassification(tokenizer, runner, [text], {
      id2label: NER_LABELS,
      maxLength: 1024,
    });
    expect(calls.length).toBeGreaterThan(5);
    expect(calls.every((b) => b.batchSize <= 8 && b.sequenceLength <= 16)).toBe(true);
    expect(progress[progress.length - 1]).toBe(calls.reduce((a, b) => a + b.batchSize, 0));
    expect(windowed[0]).toEqual(whole[0]);
    expect(windowed[0].filter((e) => e.type === 'ORG')).toHaveLength(40);
    for (const e of windowed[0]) expect(['张三', '北京', '华为']).toContain(e.text);
  });

  it('takes each token from the window where it has the most context (edge predictions are unreliable)', async () => {
    // A model that is wrong ("O") for the two tokens nearest each window edge, right elsewhere.
    const right = charRunner({
      北: 'B-LOC',
      京: 'I-LOC',
      张: 'B-PER',
      三: 'I-PER',
      华: 'B-ORG',
      为: 'I-ORG',
    });
    const edgeBlind: ModelRunner = {
      async run(batch) {
        const out = await right.run(batch);
        const k = NER_LABELS.length;
        const data = out.logits!.data;
        for (let b = 0; b < batch.batchSize; b++) {
          let length = 0;
          for (let t = 0; t < batch.sequenceLength; t++)
            length += batch.attentionMask[b * batch.sequenceLength + t];
          const textTokens = length - 2;
          for (let j = 0; j < textTokens; j++) {
            if (Math.min(j, textTokens - 1 - j) >= 2) continue;
            const row = (b * batch.sequenceLength + 1 + j) * k;
            for (let c = 0; c < k; c++) data[row + c] = c === k - 1 ? 4 : 0;
          }
        }
        return out;
      },
    };
    const text =
      '。。' + Array.from({ length: 12 }, (_, i) => `第${i}段张三在北京的华为工作，`).join('') + '。。';
    const [windowed] = await runTokenClassification(tokenizer, edgeBlind, [text], {
      id2label: NER_LABELS,
      maxLength: 16,
      stride: 5,
    });
    const [whole] = await runTokenClassification(tokenizer, right, [text], {
      id2label: NER_LABELS,
      maxLength: 1024,
    });
    expect(whole).toHaveLength(36);
    expect(windowed).toEqual(whole);
  });

  it("strategy 'none' keeps one entry per non-O token with its full label", () => {
    const tokenized = tokenizer.tokenizeWithOffsets('去北京');
    const probs = [
      [0, 0, 0, 0, 0, 0, 1],
      [0, 0, 0.9, 0.1, 0, 0, 0],
      [0, 0, 0.2, 0.8, 0, 0, 0],
    ];
    expect(
      decodeEntities(tokenized, probs, NER_LABELS, { aggregation: 'none' }).map((e) => [
        e.type,
        e.text,
        e.score,
      ]),
    ).toEqual([
      ['B-LOC', '北', 0.9],
      ['I-LOC', '京', 0.8],
    ]);
  });

  it('says when the model and id2label disagree', async () => {
    await expect(
      runTokenClassification(tokenizer, runner, ['北京'], { id2label: ['O', 'B-LOC'] }),
    ).rejects.toThrow(/7 classes per token but id2label has 2/);
  });
});
