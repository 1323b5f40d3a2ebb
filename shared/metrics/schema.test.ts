import { describe, expect, it } from 'vitest';
import { compareAccuracy, evaluateClassification } from './evaluate';
import { metricResultSchema, pairedComparisonSchema, parseMetricResult } from './schema';

describe('stored result schemas', () => {
  it('accepts what the evaluators produce after a JSON round trip', () => {
    const metrics = evaluateClassification('pair-classification', [0, 1, 1, 0, 1], [0, 1, 0, 0, 1], {
      resamples: 50,
    });
    for (const m of metrics) expect(parseMetricResult(JSON.parse(JSON.stringify(m)))).toEqual(m);
    const cmp = compareAccuracy('pair-classification', [1, 1, 0, 1], [1, 0, 0, 1], { resamples: 50 });
    expect(pairedComparisonSchema.parse(JSON.parse(JSON.stringify(cmp)))).toEqual(cmp);
  });

  it('names the bad field', () => {
    const [m] = evaluateClassification('pair-classification', [0, 1], [0, 1], { resamples: 10 });
    expect(() => parseMetricResult({ ...m, ci: [0.1] }, 'results row 3')).toThrow(/results row 3: field ci/);
    expect(metricResultSchema.safeParse({ ...m, value: NaN }).success).toBe(false);
    expect(metricResultSchema.safeParse({ ...m, metric: 'bleu' }).success).toBe(false);
  });
});
