import { describe, expect, it } from 'vitest';
import type { ExamplePrediction } from '../../../../shared/benchmark/types';
import { mcnemar } from '../../../../shared/metrics';
import {
  compareColumn,
  compareRuns,
  disagreementIndices,
  errorIndices,
  isCorrect,
  nerTypeConfusion,
} from './analysis';
import { spanPieces } from './ExampleView';

const span = (start: number, end: number, label: string) => ({ start, end, label });

function ner(
  index: number,
  gold: ReturnType<typeof span>[],
  prediction: ReturnType<typeof span>[],
): ExamplePrediction {
  return { task: 'ner', index, id: String(index), gold, prediction };
}

function cls(index: number, gold: string, prediction: string): ExamplePrediction {
  return { task: 'classification', index, id: String(index), gold, prediction, score: 0.9 };
}

describe('errors and disagreements', () => {
  it('counts an NER example right only when every entity matches exactly, in any order', () => {
    const gold = [span(0, 2, 'PER'), span(3, 5, 'LOC')];
    expect(isCorrect(ner(0, gold, [span(3, 5, 'LOC'), span(0, 2, 'PER')]))).toBe(true);
    expect(isCorrect(ner(0, gold, [span(0, 2, 'PER')]))).toBe(false);
    expect(isCorrect(ner(0, gold, [span(0, 2, 'PER'), span(3, 5, 'ORG')]))).toBe(false);
    expect(isCorrect(ner(0, gold, [...gold, span(6, 7, 'ORG')]))).toBe(false);
  });

  it('QA is right on an exact match after CMRC 2018 normalisation (punctuation dropped)', () => {
    const qa = (prediction: string): ExamplePrediction => ({
      task: 'qa',
      index: 0,
      id: 'q',
      gold: ['北京', '北京市'],
      prediction,
      start: 0,
      end: 2,
      score: 1,
    });
    expect(isCorrect(qa('北京。'))).toBe(true);
    expect(isCorrect(qa('北'))).toBe(false);
  });

  it('lists wrong examples and disagreements by dataset position', () => {
    const a = [cls(0, 'pos', 'pos'), cls(1, 'neg', 'pos'), cls(2, 'neg', 'neg')];
    const b = [cls(0, 'pos', 'neg'), cls(1, 'neg', 'pos'), cls(2, 'neg', 'neg')];
    expect(errorIndices(a)).toEqual([1]);
    expect(errorIndices(b)).toEqual([0, 1]);
    expect(disagreementIndices(a, b)).toEqual([0]);
    expect(() => disagreementIndices(a, b.slice(1))).toThrow(/different examples/);
  });
});

describe('nerTypeConfusion', () => {
  it('puts same-boundary entities by gold × predicted type, misses in column ∅ and spurious ones in row ∅', () => {
    const confusion = nerTypeConfusion([
      ner(
        0,
        [span(0, 2, 'PER'), span(3, 5, 'LOC')],
        [span(0, 2, 'PER'), span(3, 5, 'ORG'), span(7, 8, 'LOC')],
      ),
      ner(1, [span(0, 3, 'ORG')], []),
    ]);
    expect(confusion.labels).toEqual(['LOC', 'ORG', 'PER', '∅']);
    const at = (gold: string, pred: string) =>
      confusion.counts[confusion.labels.indexOf(gold)][confusion.labels.indexOf(pred)];
    expect(at('PER', 'PER')).toBe(1);
    expect(at('LOC', 'ORG')).toBe(1);
    expect(at('ORG', '∅')).toBe(1);
    expect(at('∅', 'LOC')).toBe(1);
    expect(confusion.counts.flat().reduce((x, y) => x + y, 0)).toBe(4);
  });
});

describe('compareColumn', () => {
  // 30 items: A right on all, B wrong on the first 12 → McNemar exact, 12 discordant pairs all one way.
  const gold = Array.from({ length: 30 }, (_, i) => (i % 2 ? 'pos' : 'neg'));
  const flip = (label: string) => (label === 'pos' ? 'neg' : 'pos');
  const runA = gold.map((g, i) => cls(i, g, g));
  const runB = gold.map((g, i) => cls(i, g, i < 12 ? flip(g) : g));
  const runC = gold.map((g, i) => cls(i, g, i === 0 ? flip(g) : g));

  it('marks the best run and tests every other run against it with McNemar for accuracy', () => {
    const column = compareColumn('classification', [
      { key: 'B', value: 18 / 30, predictions: runB },
      { key: 'A', value: 1, predictions: runA },
      { key: 'C', value: 29 / 30, predictions: runC },
    ]);
    expect(column.best).toBe('A');
    expect([...column.versusBest.keys()].sort()).toEqual(['B', 'C']);
    const b = column.versusBest.get('B')!;
    const reference = mcnemar(
      runA.map((p) => p.gold === p.prediction),
      runB.map((p) => p.gold === p.prediction),
    );
    expect(b.test).toBe('mcnemar-exact-binomial');
    expect(b.pValue).toBeCloseTo(reference.pValue, 12);
    // Two-sided exact binomial with 12 discordant pairs all for A: 2 × 0.5^12.
    expect(b.pValue).toBeCloseTo(2 / 4096, 12);
    expect(b.delta).toBeCloseTo(12 / 30, 12);
    expect(column.versusBest.get('C')!.pValue).toBe(1);
  });

  it('compares NER runs by micro-F1 with the paired bootstrap', () => {
    const gold = Array.from({ length: 20 }, () => [span(0, 2, 'PER')]);
    const a = gold.map((g, i) => ner(i, g, g));
    const b = gold.map((g, i) => ner(i, g, i < 10 ? [] : g));
    const result = compareRuns('ner', a, b, { resamples: 200, seed: 3 });
    expect(result.test).toBe('paired-bootstrap');
    expect(result.a).toBe(1);
    expect(result.b).toBeCloseTo(2 / 3, 12); // P = 1, R = 0.5
    expect(result.pValue).toBeLessThan(0.05);
  });

  it('has no best and no tests for an empty column', () => {
    expect(compareColumn('ner', [])).toEqual({ best: null, versusBest: new Map() });
  });
});

describe('spanPieces', () => {
  it('cuts text at code-point offsets, so a character outside the BMP stays whole', () => {
    const pieces = spanPieces('𠀋张三在北京', [span(1, 3, 'PER'), span(4, 6, 'LOC')]);
    expect(pieces.map((p) => [p.text, p.span?.label ?? null])).toEqual([
      ['𠀋', null],
      ['张三', 'PER'],
      ['在', null],
      ['北京', 'LOC'],
    ]);
  });
});
