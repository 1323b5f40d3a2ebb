// Test cases ported from chakki-works/seqeval 1.2.2 (tests/test_metrics.py, tests/test_scheme.py, tests/test_v1.py),
// with their expected values, plus conlleval.pl goldens (testdata/conlleval-random.json).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  nerCounts,
  nerCountsFromSpans,
  seqevalAccuracy,
  seqevalAutoDetectScheme,
  seqevalClassificationReport,
  seqevalEntities,
  seqevalF1,
  seqevalPerformanceMeasure,
  seqevalPrecision,
  seqevalPrecisionRecallFscoreSupport,
  seqevalRecall,
  seqevalSchemeTransition,
  seqevalStrictEntities,
  SeqevalInputError,
  type SeqevalScheme,
} from './seqeval';

const MISC_TRUE = [
  ['O', 'O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'O'],
  ['B-PER', 'I-PER', 'O'],
];
const MISC_PRED = [
  ['O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'I-MISC', 'O'],
  ['B-PER', 'I-PER', 'O'],
];

describe('seqevalEntities (default mode = get_entities)', () => {
  it('finds chunks with inclusive ends (test_get_entities)', () => {
    expect(seqevalEntities(['O', 'O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'O', 'B-PER', 'I-PER'])).toEqual([
      ['MISC', 3, 5],
      ['PER', 7, 8],
    ]);
  });

  it('reads suffix-style tags (test_get_entities_with_suffix_style)', () => {
    expect(
      seqevalEntities(['O', 'O', 'O', 'MISC-B', 'MISC-I', 'MISC-I', 'O', 'PER-B', 'PER-I'], { suffix: true }),
    ).toEqual([
      ['MISC', 3, 5],
      ['PER', 7, 8],
    ]);
  });

  it('warns about tags that are not NE tags (test_get_entities_with_non_NE_input)', () => {
    const seq = ['O', 'O', 'O', 'MISC', 'MISC', 'MISC', 'O', 'PER', 'PER'];
    const warnings: string[] = [];
    seqevalEntities(seq, { warnings });
    expect(warnings).toEqual(['MISC seems not to be NE tag.', 'PER seems not to be NE tag.']);
    const suffixWarnings: string[] = [];
    seqevalEntities(seq, { suffix: true, warnings: suffixWarnings });
    expect(suffixWarnings.length).toBeGreaterThan(0);
  });

  it('handles bare B/I tags and flattens sentences with an O between them (test_get_entities_with_only_IOB)', () => {
    expect(
      seqevalEntities([
        ['O', 'O', 'O', 'B', 'I', 'I', 'O'],
        ['B', 'I', 'O'],
      ]),
    ).toEqual([
      ['_', 3, 5],
      ['_', 8, 9],
    ]);
  });

  it('treats an I- after O as a chunk start and a type change as a new chunk (conlleval rules)', () => {
    expect(seqevalEntities(['O', 'I-PER', 'I-PER', 'I-LOC', 'B-LOC', 'E-LOC', 'S-ORG', 'I-ORG'])).toEqual([
      ['PER', 1, 2],
      ['LOC', 3, 3],
      ['LOC', 4, 5],
      ['ORG', 6, 6],
      ['ORG', 7, 7],
    ]);
  });

  it('keeps the part after the first hyphen as the type (B-ORG-COMPANY)', () => {
    expect(seqevalEntities(['B-ORG-COMPANY', 'I-ORG-COMPANY', 'I-組織'])).toEqual([
      ['ORG-COMPANY', 0, 1],
      ['組織', 2, 2],
    ]);
  });

  it('rejects an empty tag with its position', () => {
    expect(() => seqevalEntities(['O', ''])).toThrow(/position 1/);
  });
});

describe('default-mode scores (test_metrics.py)', () => {
  it('gives the README numbers: F1 0.5, accuracy 0.8', () => {
    expect(seqevalF1(MISC_TRUE, MISC_PRED)).toBeCloseTo(0.5, 12);
    expect(seqevalPrecision(MISC_TRUE, MISC_PRED)).toBeCloseTo(0.5, 12);
    expect(seqevalRecall(MISC_TRUE, MISC_PRED)).toBeCloseTo(0.5, 12);
    expect(seqevalAccuracy(MISC_TRUE, MISC_PRED)).toBeCloseTo(0.8, 12);
  });

  it('averages like the f1_score docstring (micro 2/3, macro 0.75, weighted 2/3, per type [0.5, 1])', () => {
    const t = [
      ['O', 'O', 'B-MISC', 'I-MISC', 'B-MISC', 'O', 'O'],
      ['B-PER', 'I-PER', 'O'],
    ];
    const p = [
      ['O', 'O', 'B-MISC', 'I-MISC', 'B-MISC', 'I-MISC', 'O'],
      ['B-PER', 'I-PER', 'O'],
    ];
    expect(seqevalF1(t, p)).toBeCloseTo(2 / 3, 12);
    expect(seqevalF1(t, p, { average: 'macro' })).toBeCloseTo(0.75, 12);
    expect(seqevalF1(t, p, { average: 'weighted' })).toBeCloseTo(2 / 3, 12);
    expect(seqevalPrecisionRecallFscoreSupport(t, p, null).fscore).toEqual([0.5, 1]);
  });

  it('reports per type, micro, macro and weighted (classification_report docstring)', () => {
    const report = seqevalClassificationReport(MISC_TRUE, MISC_PRED);
    expect(Object.keys(report.perType)).toEqual(['MISC', 'PER']);
    expect(report.perType.MISC).toEqual({ precision: 0, recall: 0, 'f1-score': 0, support: 1 });
    expect(report.perType.PER).toEqual({ precision: 1, recall: 1, 'f1-score': 1, support: 1 });
    for (const avg of ['micro avg', 'macro avg', 'weighted avg'] as const) {
      expect(report[avg]).toEqual({ precision: 0.5, recall: 0.5, 'f1-score': 0.5, support: 2 });
    }
  });

  it('computes performance_measure (test_performance_measure)', () => {
    const yTrue = [
      ['O', 'O', 'O', 'B-MISC', 'I-MISC', 'O', 'B-ORG'],
      ['B-PER', 'I-PER', 'O', 'B-PER'],
    ];
    const yPred = [
      ['O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'O', 'O'],
      ['B-PER', 'I-PER', 'O', 'B-MISC'],
    ];
    expect(seqevalPerformanceMeasure(yTrue, yPred)).toEqual({ FN: 1, FP: 3, TN: 4, TP: 3 });
  });

  const golden = JSON.parse(
    readFileSync(new URL('./testdata/conlleval-random.json', import.meta.url), 'utf8'),
  ) as {
    cases: {
      prefixes: string;
      yTrue: string[];
      yPred: string[];
      conlleval: {
        goldChunks: number;
        guessedChunks: number;
        correctChunks: number;
        perType: Record<string, { correct: number; guessed: number; gold: number }>;
      };
    }[];
  };
  const split = (sentences: string[]): string[][] => sentences.map((s) => s.split(' '));

  it.each(golden.cases.map((c, i) => [i, c.prefixes, c] as const))(
    'matches conlleval.pl on random case %i (%s)',
    (_i, _p, c) => {
      const yTrue = split(c.yTrue);
      const yPred = split(c.yPred);
      const counts = nerCounts(yTrue, yPred);
      let tp = 0;
      let pred = 0;
      let gold = 0;
      const T = counts.types.length;
      const perType: Record<string, { correct: number; guessed: number; gold: number }> = {};
      counts.types.forEach((type, t) => {
        const row = { correct: 0, guessed: 0, gold: 0 };
        for (let s = 0; s < counts.sentences; s++) {
          row.correct += counts.counts[(s * T + t) * 3];
          row.guessed += counts.counts[(s * T + t) * 3 + 1];
          row.gold += counts.counts[(s * T + t) * 3 + 2];
        }
        perType[type] = row;
        tp += row.correct;
        pred += row.guessed;
        gold += row.gold;
      });
      expect({ tp, pred, gold }).toEqual({
        tp: c.conlleval.correctChunks,
        pred: c.conlleval.guessedChunks,
        gold: c.conlleval.goldChunks,
      });
      expect(perType).toEqual(c.conlleval.perType);
      const p = tp / pred;
      const r = tp / gold;
      expect(seqevalF1(yTrue, yPred)).toBeCloseTo((2 * p * r) / (p + r), 12);
    },
  );

  it('gives the same scores for suffix-style tags (test_metrics_for_inv_data)', () => {
    const c = golden.cases[0];
    const yTrue = split(c.yTrue);
    const yPred = split(c.yPred);
    const invert = (tag: string): string => (tag === 'O' ? 'O' : `${tag.slice(2)}-${tag[0]}`);
    const invTrue = yTrue.map((s) => s.map(invert));
    const invPred = yPred.map((s) => s.map(invert));
    expect(seqevalF1(invTrue, invPred, { suffix: true })).toBeCloseTo(seqevalF1(yTrue, yPred), 12);
    expect(seqevalPrecision(invTrue, invPred, { suffix: true })).toBeCloseTo(
      seqevalPrecision(yTrue, yPred),
      12,
    );
    expect(seqevalRecall(invTrue, invPred, { suffix: true })).toBeCloseTo(seqevalRecall(yTrue, yPred), 12);
    expect(seqevalAccuracy(invTrue, invPred)).toBeCloseTo(seqevalAccuracy(yTrue, yPred), 12);
  });

  it('rejects sentences whose gold and predicted lengths differ, naming the sentence', () => {
    expect(() => seqevalF1([['O'], ['B-PER']], [['O'], ['B-PER', 'O']])).toThrow(
      /Sentence 1 has 1 gold tags but 2 predicted/,
    );
    expect(() => seqevalF1([['O']], [])).toThrow(SeqevalInputError);
  });
});

type Row = [string, string, [boolean, boolean, boolean]];
const T = true;
const F = false;
const TRANSITIONS: Record<string, Row[]> = {
  IOB1: [
    ['O', 'O', [F, F, F]],
    ['O', 'I-PER', [T, F, F]],
    ['O', 'B-PER', [F, F, F]],
    ['I-PER', 'O', [F, F, T]],
    ['I-PER', 'I-PER', [F, T, F]],
    ['I-PER', 'I-ORG', [T, F, T]],
    ['I-PER', 'B-PER', [T, F, T]],
    ['I-PER', 'B-ORG', [F, F, T]],
    ['B-PER', 'O', [F, F, T]],
    ['B-PER', 'I-PER', [T, T, F]],
    ['B-PER', 'I-ORG', [T, F, T]],
    ['B-PER', 'B-PER', [T, F, T]],
    ['B-PER', 'B-ORG', [F, F, F]],
  ],
  IOB2: [
    ['O', 'O', [F, F, F]],
    ['O', 'I-PER', [F, F, F]],
    ['O', 'B-PER', [T, F, F]],
    ['I-PER', 'O', [F, F, T]],
    ['I-PER', 'I-PER', [F, T, F]],
    ['I-PER', 'I-ORG', [F, F, T]],
    ['I-PER', 'B-PER', [T, F, T]],
    ['I-PER', 'B-ORG', [T, F, T]],
    ['B-PER', 'O', [F, F, T]],
    ['B-PER', 'I-PER', [F, T, F]],
    ['B-PER', 'I-ORG', [F, F, T]],
    ['B-PER', 'B-PER', [T, F, T]],
    ['B-PER', 'B-ORG', [T, F, T]],
  ],
  IOE1: [
    ['O', 'O', [F, F, F]],
    ['O', 'I-PER', [T, F, F]],
    ['O', 'E-PER', [F, F, F]],
    ['I-PER', 'O', [F, F, T]],
    ['I-PER', 'I-PER', [F, T, F]],
    ['I-PER', 'I-ORG', [T, F, T]],
    ['I-PER', 'E-PER', [F, T, F]],
    ['I-PER', 'E-ORG', [F, F, T]],
    ['E-PER', 'O', [F, F, F]],
    ['E-PER', 'I-PER', [T, F, T]],
    ['E-PER', 'I-ORG', [T, F, F]],
    ['E-PER', 'E-PER', [T, F, T]],
    ['E-PER', 'E-ORG', [F, F, F]],
  ],
  IOE2: [
    ['O', 'O', [F, F, F]],
    ['O', 'I-PER', [T, F, F]],
    ['O', 'E-PER', [T, F, F]],
    ['I-PER', 'O', [F, F, F]],
    ['I-PER', 'I-PER', [F, T, F]],
    ['I-PER', 'I-ORG', [T, F, F]],
    ['I-PER', 'E-PER', [F, T, F]],
    ['I-PER', 'E-ORG', [T, F, F]],
    ['E-PER', 'O', [F, F, T]],
    ['E-PER', 'I-PER', [T, F, T]],
    ['E-PER', 'I-ORG', [T, F, T]],
    ['E-PER', 'E-PER', [T, F, T]],
    ['E-PER', 'E-ORG', [T, F, T]],
  ],
  IOBES: [
    ['O', 'O', [F, F, F]],
    ['O', 'I-PER', [F, F, F]],
    ['O', 'B-PER', [T, F, F]],
    ['O', 'E-PER', [F, F, F]],
    ['O', 'S-PER', [T, F, F]],
    ['I-PER', 'O', [F, F, F]],
    ['I-PER', 'I-PER', [F, T, F]],
    ['I-PER', 'I-ORG', [F, F, F]],
    ['I-PER', 'B-PER', [T, F, F]],
    ['I-PER', 'E-PER', [F, T, F]],
    ['I-PER', 'E-ORG', [F, F, F]],
    ['I-PER', 'S-PER', [T, F, F]],
    ['B-PER', 'O', [F, F, F]],
    ['B-PER', 'I-PER', [F, T, F]],
    ['B-PER', 'I-ORG', [F, F, F]],
    ['B-PER', 'E-PER', [F, T, F]],
    ['B-PER', 'E-ORG', [F, F, F]],
    ['B-PER', 'S-PER', [T, F, F]],
    ['E-PER', 'O', [F, F, T]],
    ['E-PER', 'I-PER', [F, F, T]],
    ['E-PER', 'B-PER', [T, F, T]],
    ['E-PER', 'E-PER', [F, F, T]],
    ['E-PER', 'S-PER', [T, F, T]],
    ['S-PER', 'O', [F, F, T]],
    ['S-PER', 'I-PER', [F, F, T]],
    ['S-PER', 'B-PER', [T, F, T]],
    ['S-PER', 'E-PER', [F, F, T]],
    ['S-PER', 'S-PER', [T, F, T]],
  ],
};

describe('strict-mode schemes (test_scheme.py)', () => {
  for (const [scheme, rows] of Object.entries(TRANSITIONS)) {
    it.each(rows)(`${scheme}: %s -> %s is [start, inside, end] = %j`, (prev, tag, expected) => {
      const t = seqevalSchemeTransition(scheme as SeqevalScheme, prev, tag);
      expect([t.isStart, t.isInside, t.isEnd]).toEqual(expected);
    });
  }

  type TokenCase = [string[], [string, number, number][]];
  const TOKENS: Record<string, TokenCase[]> = {
    IOB1: [
      [[], []],
      [['B-PER'], []],
      [['I-PER'], [['PER', 0, 1]]],
      [['O'], []],
      [['O', 'I-PER'], [['PER', 1, 2]]],
      [['O', 'B-PER'], []],
      [['I-PER', 'O'], [['PER', 0, 1]]],
      [['I-PER', 'I-PER'], [['PER', 0, 2]]],
      [
        ['I-PER', 'I-ORG'],
        [
          ['PER', 0, 1],
          ['ORG', 1, 2],
        ],
      ],
      [
        ['I-PER', 'B-PER'],
        [
          ['PER', 0, 1],
          ['PER', 1, 2],
        ],
      ],
      [['I-PER', 'B-ORG'], [['PER', 0, 1]]],
      [['B-PER', 'O'], []],
      [['B-PER', 'I-PER'], [['PER', 1, 2]]],
      [['B-PER', 'I-ORG'], [['ORG', 1, 2]]],
      [['B-PER', 'B-PER'], [['PER', 1, 2]]],
      [['B-PER', 'B-ORG'], []],
      // test_iob1_tokens_without_tag
      [['B'], []],
      [['I'], [['_', 0, 1]]],
      [['O', 'O'], []],
      [['I', 'I'], [['_', 0, 2]]],
      [
        ['I', 'B'],
        [
          ['_', 0, 1],
          ['_', 1, 2],
        ],
      ],
      [['B', 'B'], [['_', 1, 2]]],
    ],
    IOB2: [
      [[], []],
      [['B-PER'], [['PER', 0, 1]]],
      [['I-PER'], []],
      [['O'], []],
      [['O', 'I-PER'], []],
      [['O', 'B-PER'], [['PER', 1, 2]]],
      [['I-PER', 'O'], []],
      [['I-PER', 'I-PER'], []],
      [['I-PER', 'I-ORG'], []],
      [['I-PER', 'B-PER'], [['PER', 1, 2]]],
      [['I-PER', 'B-ORG'], [['ORG', 1, 2]]],
      [['B-PER', 'O'], [['PER', 0, 1]]],
      [['B-PER', 'I-PER'], [['PER', 0, 2]]],
      [['B-PER', 'I-ORG'], [['PER', 0, 1]]],
      [
        ['B-PER', 'B-PER'],
        [
          ['PER', 0, 1],
          ['PER', 1, 2],
        ],
      ],
      [
        ['B-PER', 'B-ORG'],
        [
          ['PER', 0, 1],
          ['ORG', 1, 2],
        ],
      ],
      // test_iob2_tokens_without_tag
      [['B'], [['_', 0, 1]]],
      [['I'], []],
      [['I', 'B'], [['_', 1, 2]]],
      [['B', 'I'], [['_', 0, 2]]],
      [
        ['B', 'B'],
        [
          ['_', 0, 1],
          ['_', 1, 2],
        ],
      ],
    ],
    IOE1: [
      [[], []],
      [['E-PER'], []],
      [['I-PER'], [['PER', 0, 1]]],
      [['O'], []],
      [['O', 'I-PER'], [['PER', 1, 2]]],
      [['O', 'E-PER'], []],
      [['I-PER', 'O'], [['PER', 0, 1]]],
      [['I-PER', 'I-PER'], [['PER', 0, 2]]],
      [
        ['I-PER', 'I-ORG'],
        [
          ['PER', 0, 1],
          ['ORG', 1, 2],
        ],
      ],
      [['I-PER', 'E-ORG'], [['PER', 0, 1]]],
      [['E-PER', 'O'], []],
      [['E-PER', 'I-PER'], [['PER', 1, 2]]],
      [['E-PER', 'I-ORG'], [['ORG', 1, 2]]],
      [['E-PER', 'E-PER'], []],
      [['E-PER', 'E-ORG'], []],
      [['E', 'I'], [['_', 1, 2]]],
    ],
    IOE2: [
      [[], []],
      [['E-PER'], [['PER', 0, 1]]],
      [['I-PER'], []],
      [['O'], []],
      [['O', 'I-PER'], []],
      [['O', 'E-PER'], [['PER', 1, 2]]],
      [['I-PER', 'O'], []],
      [['I-PER', 'I-PER'], []],
      [['I-PER', 'I-ORG'], []],
      [['I-PER', 'E-PER'], [['PER', 0, 2]]],
      [['I-PER', 'E-ORG'], [['ORG', 1, 2]]],
      [['E-PER', 'O'], [['PER', 0, 1]]],
      [['E-PER', 'I-PER'], [['PER', 0, 1]]],
      [['E-PER', 'I-ORG'], [['PER', 0, 1]]],
      [
        ['E-PER', 'E-PER'],
        [
          ['PER', 0, 1],
          ['PER', 1, 2],
        ],
      ],
      [
        ['E-PER', 'E-ORG'],
        [
          ['PER', 0, 1],
          ['ORG', 1, 2],
        ],
      ],
      [['I', 'E'], [['_', 0, 2]]],
    ],
    IOBES: [
      [['O'], []],
      [['I-PER'], []],
      [['B-PER'], []],
      [['E-PER'], []],
      [['S-PER'], [['PER', 0, 1]]],
      [['O', 'O'], []],
      [['O', 'I-PER'], []],
      [['O', 'B-PER'], []],
      [['O', 'E-PER'], []],
      [['O', 'S-PER'], [['PER', 1, 2]]],
      [['I-PER', 'O'], []],
      [['I-PER', 'I-PER'], []],
      [['I-PER', 'I-ORG'], []],
      [['I-PER', 'B-PER'], []],
      [['I-PER', 'E-PER'], []],
      [['I-PER', 'E-ORG'], []],
      [['I-PER', 'S-PER'], [['PER', 1, 2]]],
      [['B-PER', 'O'], []],
      [['B-PER', 'I-PER'], []],
      [['B-PER', 'I-ORG'], []],
      [['B-PER', 'B-PER'], []],
      [['B-PER', 'E-PER'], [['PER', 0, 2]]],
      [['B-PER', 'E-ORG'], []],
      [['B-PER', 'S-PER'], [['PER', 1, 2]]],
      [['E-PER', 'O'], []],
      [['E-PER', 'I-PER'], []],
      [['E-PER', 'B-PER'], []],
      [['E-PER', 'E-PER'], []],
      [['E-PER', 'S-PER'], [['PER', 1, 2]]],
      [['S-PER', 'O'], [['PER', 0, 1]]],
      [['S-PER', 'I-PER'], [['PER', 0, 1]]],
      [['S-PER', 'B-PER'], [['PER', 0, 1]]],
      [['S-PER', 'E-PER'], [['PER', 0, 1]]],
      [
        ['S-PER', 'S-PER'],
        [
          ['PER', 0, 1],
          ['PER', 1, 2],
        ],
      ],
      [['B', 'E'], [['_', 0, 2]]],
      [['S', 'I'], [['_', 0, 1]]],
    ],
  };
  for (const [scheme, cases] of Object.entries(TOKENS)) {
    it.each(cases)(`${scheme} tokens %j -> %j`, (tokens, expected) => {
      const entities = seqevalStrictEntities(tokens, scheme as SeqevalScheme).map((e) => [
        e.type,
        e.start,
        e.end,
      ]);
      expect(entities).toEqual(expected);
    });
  }

  it('reads tags: I-ORG-COMPANY -> ORG-COMPANY, suffix ORG-COMPANY-I, I-組織 (test_token_tag)', () => {
    expect(seqevalStrictEntities(['B-ORG-COMPANY', 'I-ORG-COMPANY'], 'IOB2')).toEqual([
      { sentence: 0, type: 'ORG-COMPANY', start: 0, end: 2 },
    ]);
    expect(seqevalStrictEntities(['ORG-COMPANY-B', 'ORG-COMPANY-I'], 'IOB2', { suffix: true })[0].type).toBe(
      'ORG-COMPANY',
    );
    expect(seqevalStrictEntities(['B-組織'], 'IOB2')[0].type).toBe('組織');
  });

  it.each([
    ['E', 'IOB1'],
    ['S', 'IOB1'],
    ['E', 'IOB2'],
    ['S', 'IOB2'],
    ['B', 'IOE1'],
    ['S', 'IOE1'],
    ['B', 'IOE2'],
    ['S', 'IOE2'],
  ] as const)('rejects prefix %s in %s (test_invalid_prefix)', (token, scheme) => {
    expect(() => seqevalStrictEntities([token], scheme)).toThrow(/allowed prefixes/);
  });

  it('rejects IOBES tokens under IOB2 and unknown prefixes, saying where', () => {
    expect(() => seqevalStrictEntities(['B-PER', 'E-PER', 'S-PER'], 'IOB2', { sentenceIndex: 7 })).toThrow(
      /sentence 7, token 1/,
    );
    expect(() => seqevalStrictEntities(['T'], 'IOB2')).toThrow(/prefix "T"/);
  });

  it.each([
    [[['B', 'I', 'O']], 'IOB2'],
    [[['B', 'I']], 'IOB2'],
    [[['B', 'O']], 'IOB2'],
    [[['B']], 'IOB2'],
    [[['I', 'O', 'E']], 'IOE2'],
    [[['I', 'E']], 'IOE2'],
    [[['E', 'O']], 'IOE2'],
    [[['E']], 'IOE2'],
    [[['I', 'O', 'B', 'E', 'S']], 'IOBES'],
    [[['I', 'B', 'E', 'S']], 'IOBES'],
    [[['I', 'O', 'B', 'E']], 'IOBES'],
    [[['O', 'B', 'E', 'S']], 'IOBES'],
    [[['I', 'B', 'E']], 'IOBES'],
    [[['B', 'E', 'S']], 'IOBES'],
    [[['O', 'B', 'E']], 'IOBES'],
    [[['B', 'E']], 'IOBES'],
    [[['S']], 'IOBES'],
  ])('auto-detects %j as %s', (sequences, expected) => {
    expect(seqevalAutoDetectScheme(sequences)).toBe(expected);
  });

  it.each([[[['I', 'O']]], [[['H']]]])('cannot auto-detect %j', (sequences) => {
    expect(() => seqevalAutoDetectScheme(sequences)).toThrow(SeqevalInputError);
  });
});

describe('strict-mode scores (test_v1.py)', () => {
  const yTrue = [['B-A', 'B-B', 'O', 'B-A']];
  const yPred = [['O', 'B-B', 'B-C', 'B-A']];
  const strict = { mode: 'strict', scheme: 'IOB2' } as const;

  it.each([
    [[[]], [[]], []],
    [[['B-PER']], [['O']], ['PER']],
    [[['O']], [['B-PER']], ['PER']],
    [[['B-PER']], [['B-PER']], ['PER']],
    [[['B-PER', 'O']], [['O', 'O']], ['PER']],
    [[['B-PER', 'I-PER']], [['O', 'O']], ['PER']],
    [[['B-PER']], [['B-ORG']], ['ORG', 'PER']],
  ])('unique labels of %j and %j are %j', (t, p, expected) => {
    expect(nerCounts(t, p, strict).types).toEqual(expected);
  });

  it('rejects a negative beta and an unknown average', () => {
    expect(() => seqevalPrecisionRecallFscoreSupport([[]], [[]], 'micro', { ...strict, beta: -0.1 })).toThrow(
      /beta/,
    );
    expect(() => seqevalPrecisionRecallFscoreSupport([[]], [[]], 'mega' as never, strict)).toThrow(/average/);
  });

  it.each([null, 'macro', 'weighted'] as const)('warns on zero division with average %s', (average) => {
    const r =
      average === null
        ? seqevalPrecisionRecallFscoreSupport([['B-PER']], [['B-Test']], null, strict)
        : seqevalPrecisionRecallFscoreSupport([['B-PER']], [['B-Test']], average, strict);
    expect(r.warnings.join('\n')).toMatch(/ill-defined and being set to 0.0/);
  });

  it('warns for F-score when neither gold nor predictions have entities (test_fscore_warning)', () => {
    const r = seqevalPrecisionRecallFscoreSupport([[]], [[]], 'micro', { ...strict, warnFor: ['f-score'] });
    expect(r.warnings).toEqual([
      'F-score is ill-defined and being set to 0.0 due to no true nor predicted samples. Use `zero_division` parameter to control this behavior.',
    ]);
    expect(r.fscore).toBe(0);
  });

  it('uses 1 instead of 0 with zeroDivision 1 and does not warn', () => {
    const r = seqevalPrecisionRecallFscoreSupport([['O']], [['O']], 'micro', { ...strict, zeroDivision: 1 });
    expect([r.precision, r.recall, r.fscore, r.warnings]).toEqual([1, 1, 1, []]);
  });

  it('rejects mismatched lengths (test_length)', () => {
    expect(() => seqevalPrecisionRecallFscoreSupport([['B-PER']], [['B-PER', 'O']], null, strict)).toThrow(
      SeqevalInputError,
    );
  });

  it('returns zeros for weighted average with no gold entities (test_weighted_true_sum_zero)', () => {
    const r = seqevalPrecisionRecallFscoreSupport([['O']], [['O']], 'weighted', strict);
    expect([r.precision, r.recall, r.fscore, r.support]).toEqual([0, 0, 0, 0]);
  });

  it('scores per type (test_scores)', () => {
    const r = seqevalPrecisionRecallFscoreSupport(yTrue, yPred, null, strict);
    expect(r.labels).toEqual(['A', 'B', 'C']);
    expect(r.precision.map((x) => +x.toFixed(2))).toEqual([1, 1, 0]);
    expect(r.recall.map((x) => +x.toFixed(2))).toEqual([0.5, 1, 0]);
    expect(r.fscore.map((x) => +x.toFixed(2))).toEqual([0.67, 1, 0]);
    expect(r.support).toEqual([2, 1, 0]);
  });

  it.each([
    ['micro', [0.67, 0.67, 0.67, 3]],
    ['macro', [0.67, 0.5, 0.56, 3]],
    ['weighted', [1.0, 0.67, 0.78, 3]],
  ] as const)('averages %s (test_average_scores)', (average, expected) => {
    const r = seqevalPrecisionRecallFscoreSupport(yTrue, yPred, average, strict);
    expect([r.precision, r.recall, r.fscore].map((x) => +x.toFixed(2))).toEqual(expected.slice(0, 3));
    expect(r.support).toBe(expected[3]);
  });

  it.each([
    ['micro', [0.67, 0.67, 0.67, 3]],
    ['macro', [0.67, 0.5, 0.5, 3]],
    ['weighted', [1.0, 0.67, 0.67, 3]],
  ] as const)('averages %s with beta = Infinity (test_average_scores_beta_inf)', (average, expected) => {
    const r = seqevalPrecisionRecallFscoreSupport(yTrue, yPred, average, { ...strict, beta: Infinity });
    expect([r.precision, r.recall, r.fscore].map((x) => +x.toFixed(2))).toEqual(expected.slice(0, 3));
  });

  it('builds the output_dict report (test_output_dict)', () => {
    const report = seqevalClassificationReport(yTrue, yPred, { mode: 'strict' });
    expect(report.perType).toEqual({
      A: { 'f1-score': 0.6666666666666666, precision: 1.0, recall: 0.5, support: 2 },
      B: { 'f1-score': 1.0, precision: 1.0, recall: 1.0, support: 1 },
      C: { 'f1-score': 0.0, precision: 0.0, recall: 0.0, support: 0 },
    });
    expect(report['macro avg']).toEqual({
      'f1-score': 0.5555555555555555,
      precision: 0.6666666666666666,
      recall: 0.5,
      support: 3,
    });
    expect(report['micro avg']).toEqual({
      'f1-score': 0.6666666666666666,
      precision: 0.6666666666666666,
      recall: 0.6666666666666666,
      support: 3,
    });
    expect(report['weighted avg']).toEqual({
      'f1-score': 0.7777777777777777,
      precision: 1.0,
      recall: 0.6666666666666666,
      support: 3,
    });
  });

  it('differs from default mode exactly where chunks are ill-formed', () => {
    // I-PER after O is a chunk in default mode but not in strict IOB2.
    const t = [['B-PER', 'I-PER', 'O', 'B-LOC']];
    const p = [['O', 'I-PER', 'O', 'B-LOC']];
    expect(seqevalPrecision(t, p)).toBe(0.5); // default: PER(1,1) and LOC predicted, LOC correct
    expect(seqevalPrecision(t, p, strict)).toBe(1); // strict: only LOC is predicted
    expect(seqevalRecall(t, p, strict)).toBe(0.5);
  });

  it('accepts IOBES and BILOU in strict mode', () => {
    const iobes = seqevalF1([['B-PER', 'E-PER', 'S-LOC', 'O']], [['B-PER', 'I-PER', 'S-LOC', 'O']], {
      mode: 'strict',
      scheme: 'IOBES',
    });
    expect(iobes).toBeCloseTo(2 / 3, 12); // predicted B I (no E) is not a chunk: p = 1/1, r = 1/2
    const bilou = seqevalStrictEntities(['B-PER', 'L-PER', 'U-LOC'], 'BILOU');
    expect(bilou.map((e) => [e.type, e.start, e.end])).toEqual([
      ['PER', 0, 2],
      ['LOC', 2, 3],
    ]);
  });
});

describe('span-list input', () => {
  it('matches entities by exact type and span within each sentence', () => {
    const counts = nerCountsFromSpans(
      [
        [
          ['PER', 0, 2],
          ['LOC', 5, 7],
        ],
        [['ORG', 1, 4]],
      ],
      [
        [
          ['PER', 0, 2],
          ['LOC', 5, 6],
        ],
        [
          ['ORG', 1, 4],
          ['PER', 0, 1],
        ],
      ],
    );
    expect(counts.types).toEqual(['LOC', 'ORG', 'PER']);
    // sentence 0: LOC tp0 pred1 gold1, ORG 0 0 0, PER 1 1 1; sentence 1: LOC 0, ORG 1 1 1, PER 0 1 0
    expect([...counts.counts]).toEqual([0, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 1, 0]);
    expect(() => nerCountsFromSpans([[['PER', 3, 3]]], [[]])).toThrow(/gold sentence 0, span 0/);
  });
});

describe('agreement with seqeval itself on random tag sequences (testdata/seqeval-python.json)', () => {
  const doc = JSON.parse(
    readFileSync(new URL('./testdata/seqeval-python.json', import.meta.url), 'utf8'),
  ) as {
    cases: {
      mode: string;
      yTrue: string[][];
      yPred: string[][];
      types: string[];
      tp: number[];
      pred: number[];
      gold: number[];
      micro: (number | null)[];
      macro: (number | null)[];
      weighted: (number | null)[];
    }[];
  };
  it.each(doc.cases.map((c, i) => [i, c.mode, c] as const))('case %i (%s)', (_i, mode, c) => {
    const options = mode === 'default' ? {} : { mode: 'strict' as const, scheme: mode as SeqevalScheme };
    const counts = nerCounts(c.yTrue, c.yPred, options);
    expect(counts.types).toEqual(c.types);
    const T = counts.types.length;
    const sum = (k: number): number[] =>
      counts.types.map((_, t) => {
        let total = 0;
        for (let s = 0; s < counts.sentences; s++) total += counts.counts[(s * T + t) * 3 + k];
        return total;
      });
    expect([sum(0), sum(1), sum(2)]).toEqual([c.tp, c.pred, c.gold]);
    for (const average of ['micro', 'macro', 'weighted'] as const) {
      const r = seqevalPrecisionRecallFscoreSupport(c.yTrue, c.yPred, average, options);
      const expected = c[average];
      [r.precision, r.recall, r.fscore].forEach((value, k) => {
        if (expected[k] === null) expect(value).toBeNaN();
        else expect(value).toBeCloseTo(expected[k]!, 12);
      });
      expect(r.support).toBe(expected[3]);
    }
  });
});
