import { describe, expect, it } from 'vitest';
import type { NerExample } from '../datasets/types';
import { headlineMetric, scorePredictions } from './score';
import type { BenchmarkData, NerPrediction } from './types';

// 张三 appears twice in the first sentence; the model finds only its first mention. Span-exact scoring counts two
// gold PER-like entities there, CLUENER's score.py one entity string.
const records: NerExample[] = [
  {
    text: '张三和张三去北京',
    spans: [
      { start: 0, end: 2, label: 'name' },
      { start: 3, end: 5, label: 'name' },
      { start: 6, end: 8, label: 'address' },
    ],
  },
  {
    text: '李四在北大',
    spans: [
      { start: 0, end: 2, label: 'name' },
      { start: 3, end: 5, label: 'organization' },
    ],
  },
];
const predictions: NerPrediction[] = [
  {
    task: 'ner',
    index: 0,
    id: '0',
    gold: records[0].spans,
    prediction: [
      { start: 0, end: 2, label: 'name' },
      { start: 6, end: 8, label: 'address' },
    ],
  },
  {
    task: 'ner',
    index: 1,
    id: '1',
    gold: records[1].spans,
    prediction: [{ start: 0, end: 2, label: 'name' }],
  },
];
const data: BenchmarkData = { task: 'ner', records };

describe('scorePredictions: NER on a CLUENER dataset', () => {
  it('adds the official CLUENER2020 score after the span-exact metrics; micro-F1 stays the headline', () => {
    const metrics = scorePredictions('ner', predictions, { dataset: { format: 'cluener', data }, seed: 3 });
    expect(metrics.map((m) => m.metric)).toEqual([
      'micro-f1',
      'micro-precision',
      'micro-recall',
      'macro-f1',
      'weighted-f1',
      'cluener-f1',
    ]);
    expect(headlineMetric('ner', metrics)?.metric).toBe('micro-f1');
    // Span-exact: 3 of 5 gold entities found, all 3 predictions right: F1 = 2·1·0.6 / 1.6 = 0.75.
    expect(metrics[0].value).toBeCloseTo(0.75, 15);
    // score.py: address 1/1, name {张三}, {李四} both found (F1 1), organization missed (F1 0): (1 + 1 + 0) / 3.
    const cluener = metrics[5];
    expect(cluener.value).toBeCloseTo(2 / 3, 15);
    expect(cluener.perClass?.map((c) => [c.label, c.f1])).toEqual([
      ['address', 1],
      ['name', 1],
      ['organization', 0],
    ]);
    expect(cluener.notes?.some((n) => /organization: no predicted entity/.test(n))).toBe(true);
    // The same bootstrap settings as the other metrics.
    expect([cluener.resamples, cluener.seed, cluener.ciLevel, cluener.n]).toEqual([
      metrics[0].resamples,
      3,
      metrics[0].ciLevel,
      2,
    ]);
  });

  it('reports no CLUENER score for other formats or without the dataset', () => {
    const names = (options: Parameters<typeof scorePredictions>[2]) =>
      scorePredictions('ner', predictions, options).map((m) => m.metric);
    expect(names({})).not.toContain('cluener-f1');
    expect(names({ dataset: { format: 'jsonl-spans', data } })).not.toContain('cluener-f1');
  });

  it('refuses a dataset the predictions do not fit, naming the example', () => {
    expect(() =>
      scorePredictions('ner', predictions, {
        dataset: { format: 'cluener', data: { task: 'ner', records: [records[0]] } },
      }),
    ).toThrow(/prediction 1 \(id "1"\) has no record/);
    const short = { task: 'ner' as const, records: [records[0], { text: '李四', spans: [] }] };
    expect(() =>
      scorePredictions('ner', predictions, { dataset: { format: 'cluener', data: short } }),
    ).toThrow(/example 1 \(id "1"\): gold span \[3, 5\) does not fit its text of 2 characters/);
  });
});
