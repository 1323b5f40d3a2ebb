// Per-sentence counts from span lists, and agreement with seqeval itself on random tag sequences
// (../testdata/seqeval-python.json, produced by seqeval 1.2.2).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nerCounts, nerCountsFromSpans, seqevalPrecisionRecallFscoreSupport, type SeqevalScheme } from '.';

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
    readFileSync(new URL('../testdata/seqeval-python.json', import.meta.url), 'utf8'),
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
