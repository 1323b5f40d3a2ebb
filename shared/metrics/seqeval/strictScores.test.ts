// Strict-mode scores, ported from seqeval 1.2.2 tests/test_v1.py with their expected values.
import { describe, expect, it } from 'vitest';
import {
  nerCounts,
  seqevalClassificationReport,
  seqevalF1,
  seqevalPrecision,
  seqevalPrecisionRecallFscoreSupport,
  seqevalRecall,
  seqevalStrictEntities,
  SeqevalInputError,
} from '.';

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
