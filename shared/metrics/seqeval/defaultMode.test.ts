// Default mode (seqeval 1.2.2 tests/test_metrics.py, sequence_labeling.get_entities and its scores), plus
// conlleval.pl goldens (../testdata/conlleval-random.json).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  nerCounts,
  seqevalAccuracy,
  seqevalClassificationReport,
  seqevalEntities,
  seqevalF1,
  seqevalPerformanceMeasure,
  seqevalPrecision,
  seqevalPrecisionRecallFscoreSupport,
  seqevalRecall,
  SeqevalInputError,
} from '.';

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
    readFileSync(new URL('../testdata/conlleval-random.json', import.meta.url), 'utf8'),
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
