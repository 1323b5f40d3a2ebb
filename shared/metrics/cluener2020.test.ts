// The official CLUENER2020 scorer (CLUEbenchmark/CLUENER2020 score.py). The expected numbers of the first test are
// what score.py's get_f1_score_label prints for the same three sentences as CLUENER JSON, averaged as get_f1_score
// does over the three labels: TP FP FN = 1 1 0 / 2 1 0 / 1 0 1, F1 = 0.6667 / 0.8 / 0.6667, average 0.71111.
import { describe, expect, it } from 'vitest';
import {
  CLUENER2020_LABELS,
  cluenerCounts,
  cluenerScore,
  evaluateCluener,
  parseMetricResult,
  type CluenerSentence,
} from './index';

const gold: CluenerSentence[] = [
  [
    ['name', '张三'],
    ['name', '张三'],
    ['address', '北京'],
  ],
  [
    ['name', '李四'],
    ['organization', '北大'],
  ],
  [['organization', '清华']],
];
const pred: CluenerSentence[] = [
  [
    ['name', '张三'],
    ['address', '北京'],
  ],
  [
    ['name', '李四'],
    ['name', '王五'],
  ],
  [
    ['organization', '清华'],
    ['address', '上海'],
  ],
];

describe('CLUENER2020 score.py', () => {
  it('scores per label on entity-string sets and averages the label F1s (macro)', () => {
    const score = cluenerScore(gold, pred);
    expect(score.perLabel.map(({ label, tp, fp, fn }) => [label, tp, fp, fn])).toEqual([
      ['address', 1, 1, 0],
      ['name', 2, 1, 0],
      ['organization', 1, 0, 1],
    ]);
    const [address, name, organization] = score.perLabel;
    expect([address.precision, address.recall, address.f1]).toEqual([0.5, 1, 2 / 3]);
    expect([name.precision, name.recall, name.f1]).toEqual([2 / 3, 1, 0.8]);
    expect([organization.precision, organization.recall, organization.f1]).toEqual([1, 0.5, 2 / 3]);
    expect(score.macroF1).toBeCloseTo(0.7111111111111111, 15);
    expect(score.warnings).toEqual([]);
  });

  it('counts a string repeated in a sentence once, and matches it wherever it was found', () => {
    const score = cluenerScore(
      [
        [
          ['name', '张三'],
          ['name', '张三'],
          ['name', '张三'],
        ],
      ],
      [[['name', '张三']]],
    );
    expect(score.perLabel[0]).toMatchObject({ tp: 1, fp: 0, fn: 0, f1: 1 });
  });

  it('gives 0 where score.py would stop with ZeroDivisionError, and says which label', () => {
    const score = cluenerScore(
      [
        [
          ['name', '张三'],
          ['game', '星际'],
        ],
        [['book', '红楼梦']],
      ],
      [
        [
          ['name', '张三'],
          ['game', '魔兽'],
        ],
        [],
      ],
    );
    expect(score.perLabel.map((l) => [l.label, l.f1])).toEqual([
      ['book', 0],
      ['game', 0],
      ['name', 1],
    ]);
    expect(score.macroF1).toBeCloseTo(1 / 3, 15);
    expect(score.warnings).toHaveLength(2);
    expect(score.warnings[0]).toMatch(/label book: no predicted entity .*ZeroDivisionError/);
    expect(score.warnings[1]).toMatch(/label game: no correct entity/);
  });

  it("averages over score.py's fixed list when given it, and ignores predicted labels outside the list", () => {
    const fixed = cluenerScore(
      [[['name', '张三']]],
      [
        [
          ['name', '张三'],
          ['person', '李四'],
        ],
      ],
      {
        labels: CLUENER2020_LABELS,
      },
    );
    expect(fixed.perLabel.map((l) => l.label)).toEqual([...CLUENER2020_LABELS]);
    expect(fixed.macroF1).toBeCloseTo(1 / 10, 15);
    expect(fixed.warnings[0]).toMatch(/predicted entities of person are not scored/);
    const byGold = cluenerScore(
      [[['name', '张三']]],
      [
        [
          ['name', '张三'],
          ['person', '李四'],
        ],
      ],
    );
    expect(byGold.macroF1).toBe(1);
  });

  it('refuses unpaired sentences', () => {
    expect(() => cluenerCounts(gold, pred.slice(1))).toThrow(/3 gold sentences but 2 predicted/);
  });
});

describe('evaluateCluener', () => {
  it('is the score.py average with a sentence-bootstrap interval around it and per-label rows', () => {
    const [metric] = evaluateCluener(gold, pred, { resamples: 200, seed: 7 });
    expect(metric.metric).toBe('cluener-f1');
    expect(metric.value).toBeCloseTo(0.7111111111111111, 15);
    expect(metric.n).toBe(3);
    expect(metric.ci[0]).toBeLessThanOrEqual(metric.value);
    expect(metric.ci[1]).toBeGreaterThanOrEqual(metric.value);
    expect(metric.perClass?.map((c) => [c.label, c.support, c.predicted])).toEqual([
      ['address', 1, 2],
      ['name', 2, 3],
      ['organization', 2, 1],
    ]);
    expect(parseMetricResult(JSON.parse(JSON.stringify(metric)))).toEqual(metric);
    expect(evaluateCluener(gold, pred, { resamples: 200, seed: 7 })).toEqual([metric]);
  });

  it('recomputes the average from resampled sums: copies of one sentence give a zero-width interval', () => {
    const one: CluenerSentence = [
      ['name', '张三'],
      ['address', '北京'],
    ];
    const guess: CluenerSentence = [
      ['name', '张三'],
      ['address', '上海'],
    ];
    const [metric] = evaluateCluener(
      Array.from({ length: 30 }, () => one),
      Array.from({ length: 30 }, () => guess),
      { resamples: 100 },
    );
    expect(metric.value).toBe(0.5);
    expect(metric.ci).toEqual([0.5, 0.5]);
  });

  it('has nothing to report without gold entities', () => {
    expect(evaluateCluener([[]], [[['name', '张三']]])).toEqual([]);
  });
});
