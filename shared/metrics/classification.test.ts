// Expected values are the examples in scikit-learn's docstrings (precision_recall_fscore_support, f1_score,
// classification_report, confusion_matrix), written as exact fractions.
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  classificationReport,
  confusionMatrix,
  macroF1,
  precisionRecallFscoreSupport,
  uniqueLabels,
  ClassificationInputError,
} from './classification';

describe('precisionRecallFscoreSupport (sklearn semantics, zero_division=0)', () => {
  const yTrue = ['cat', 'dog', 'pig', 'cat', 'dog', 'pig'];
  const yPred = ['cat', 'pig', 'dog', 'cat', 'cat', 'dog'];

  it('averages macro, micro and weighted like the sklearn docstring', () => {
    const macro = precisionRecallFscoreSupport(yTrue, yPred, 'macro');
    expect(macro.precision).toBeCloseTo(2 / 9, 12);
    expect(macro.recall).toBeCloseTo(1 / 3, 12);
    expect(macro.fscore).toBeCloseTo(0.8 / 3, 12);
    const micro = precisionRecallFscoreSupport(yTrue, yPred, 'micro');
    expect([micro.precision, micro.recall, micro.fscore].map((x) => +x.toFixed(12))).toEqual(
      [1 / 3, 1 / 3, 1 / 3].map((x) => +x.toFixed(12)),
    );
    const weighted = precisionRecallFscoreSupport(yTrue, yPred, 'weighted');
    expect(weighted.precision).toBeCloseTo(2 / 9, 12);
    expect(weighted.fscore).toBeCloseTo(0.8 / 3, 12);
  });

  it('scores per class in the order of the given labels', () => {
    const r = precisionRecallFscoreSupport(yTrue, yPred, null, { labels: ['pig', 'dog', 'cat'] });
    expect(r.labels).toEqual(['pig', 'dog', 'cat']);
    expect(r.precision[2]).toBeCloseTo(2 / 3, 12);
    expect(r.precision.slice(0, 2)).toEqual([0, 0]);
    expect(r.recall).toEqual([0, 0, 1]);
    expect(r.fscore[2]).toBeCloseTo(0.8, 12);
    expect(r.support).toEqual([2, 2, 2]);
  });

  it('computes f1_score docstring values', () => {
    const t = [0, 1, 2, 0, 1, 2];
    const p = [0, 2, 1, 0, 0, 1];
    expect(macroF1(t, p)).toBeCloseTo(0.8 / 3, 12);
    expect(precisionRecallFscoreSupport(t, p, 'micro').fscore).toBeCloseTo(1 / 3, 12);
    expect(precisionRecallFscoreSupport(t, p, null).fscore.map((x) => +x.toFixed(12))).toEqual([0.8, 0, 0]);
  });

  it('uses zero_division for classes never predicted or never present', () => {
    const r = precisionRecallFscoreSupport([1, 1, 1], [1, 1, 0], null, { labels: [1, 2, 3] });
    expect(r.precision).toEqual([1, 0, 0]);
    expect(r.support).toEqual([3, 0, 0]);
    const one = precisionRecallFscoreSupport([1, 1, 1], [1, 1, 0], null, {
      labels: [1, 2, 3],
      zeroDivision: 1,
    });
    expect(one.precision).toEqual([1, 1, 1]);
    expect(one.fscore).toEqual([0.8, 1, 1]);
  });
});

describe('classificationReport', () => {
  it('matches the sklearn docstring report', () => {
    const r = classificationReport([0, 1, 2, 2, 2], [0, 0, 2, 2, 1]);
    const round = (x: number): number => +x.toFixed(2);
    expect(
      r.perClass.map((c) => [c.label, round(c.precision), round(c.recall), round(c.f1), c.support]),
    ).toEqual([
      [0, 0.5, 1, 0.67, 1],
      [1, 0, 0, 0, 1],
      [2, 1, 0.67, 0.8, 3],
    ]);
    expect(r.accuracy).toBe(0.6);
    expect([r.macro.precision, r.macro.recall, r.macro.fscore].map(round)).toEqual([0.5, 0.56, 0.49]);
    expect([r.weighted.precision, r.weighted.recall, r.weighted.fscore].map(round)).toEqual([0.7, 0.6, 0.61]);
  });

  it('matches the docstring report with labels=[1, 2, 3]', () => {
    const r = classificationReport([1, 1, 1], [1, 1, 0], { labels: [1, 2, 3] });
    const round = (x: number): number => +x.toFixed(2);
    expect([r.micro.precision, r.micro.recall, r.micro.fscore].map(round)).toEqual([1, 0.67, 0.8]);
    expect([r.macro.precision, r.macro.recall, r.macro.fscore].map(round)).toEqual([0.33, 0.22, 0.27]);
    expect([r.weighted.precision, r.weighted.recall, r.weighted.fscore].map(round)).toEqual([1, 0.67, 0.8]);
  });
});

describe('confusionMatrix', () => {
  it('puts true labels in rows and predictions in columns (sklearn docstring)', () => {
    expect(confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2])).toEqual({
      labels: [0, 1, 2],
      counts: [
        [2, 0, 0],
        [0, 0, 1],
        [1, 0, 2],
      ],
    });
    const m = confusionMatrix(
      ['cat', 'ant', 'cat', 'cat', 'ant', 'bird'],
      ['ant', 'ant', 'cat', 'cat', 'ant', 'cat'],
      ['ant', 'bird', 'cat'],
    );
    expect(m.counts).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
  });
});

describe('input checks', () => {
  it('sorts labels like sklearn and rejects mixed types, mismatched lengths and repeated labels', () => {
    expect(uniqueLabels([10, 2], [1])).toEqual([1, 2, 10]);
    expect(uniqueLabels(['b', 'a'], ['c'])).toEqual(['a', 'b', 'c']);
    expect(() => uniqueLabels([1], ['1'])).toThrow(/Mix of label input types/);
    expect(() => accuracy([1, 2], [1])).toThrow(ClassificationInputError);
    expect(() => confusionMatrix([1], [1], [1, 1])).toThrow(/repeats 1/);
    expect(accuracy(['a', 'b', 'b', 'a'], ['a', 'b', 'a', 'a'])).toBe(0.75);
  });
});
