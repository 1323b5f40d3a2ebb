import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  compareAccuracy,
  compareCmrc2018,
  compareMacroF1,
  compareNer,
  evaluateClassification,
  evaluateCmrc2018,
  evaluateMultipleChoice,
  evaluateNer,
  evaluateNerSpans,
  nerCounts,
  seqevalClassificationReport,
  seqevalF1,
  type CmrcDataset,
  type MetricResult,
} from './index';

/** People's Daily dev (2318 sentences, char<space>tag, BIO), committed under fixtures/datasets. */
function readPeoplesDaily(): string[][] {
  const text = readFileSync(
    new URL('../../fixtures/datasets/peoples_daily_ner/example.dev', import.meta.url),
    'utf8',
  );
  const sentences: string[][] = [];
  let current: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (current.length) sentences.push(current);
      current = [];
    } else {
      current.push(line.split(' ')[1]);
    }
  }
  if (current.length) sentences.push(current);
  return sentences;
}

/** A deterministic "model": drops every 5th entity, types every 7th as LOC, and starts every 11th with I-. */
function corrupt(gold: string[][]): string[][] {
  let entity = 0;
  return gold.map((sentence) => {
    const out = [...sentence];
    let mode = 0;
    for (let i = 0; i < out.length; i++) {
      if (out[i].startsWith('B-')) {
        entity++;
        mode = entity % 5 === 0 ? 1 : entity % 7 === 0 ? 2 : entity % 11 === 0 ? 3 : 0;
      } else if (!out[i].startsWith('I-')) {
        mode = 0;
      }
      if (mode === 1) out[i] = 'O';
      else if (mode === 2) out[i] = out[i][0] + '-LOC';
      else if (mode === 3 && out[i].startsWith('B-')) out[i] = 'I-' + out[i].slice(2);
    }
    return out;
  });
}

const byName = (metrics: MetricResult[], name: string): MetricResult =>
  metrics.find((m) => m.metric === name)!;

describe("evaluateNer on People's Daily dev", () => {
  const gold = readPeoplesDaily();
  const pred = corrupt(gold);

  it("has the README counts and gives seqeval's numbers with an interval around them, quickly", () => {
    expect(gold.length).toBe(2318);
    const before = process.cpuUsage();
    const result = evaluateNer(gold, pred);
    const used = process.cpuUsage(before);
    const ms = (used.user + used.system) / 1000; // CPU time: robust to a busy shared machine
    const micro = byName(result.metrics, 'micro-f1');
    expect(micro.value).toBeCloseTo(seqevalF1(gold, pred), 12);
    expect(micro.value).toBeGreaterThan(0.7);
    expect(micro.value).toBeLessThan(0.95);
    expect(micro.ci[0]).toBeLessThan(micro.value);
    expect(micro.ci[1]).toBeGreaterThan(micro.value);
    expect(micro).toMatchObject({ task: 'ner', n: 2318, resamples: 1000, ciLevel: 0.95, unit: 'fraction' });
    const report = seqevalClassificationReport(gold, pred);
    expect(byName(result.metrics, 'macro-f1').value).toBeCloseTo(report['macro avg']['f1-score'], 12);
    expect(byName(result.metrics, 'weighted-f1').value).toBeCloseTo(report['weighted avg']['f1-score'], 12);
    expect(byName(result.metrics, 'micro-precision').value).toBeCloseTo(report['micro avg'].precision, 12);
    expect(byName(result.metrics, 'micro-recall').value).toBeCloseTo(report['micro avg'].recall, 12);
    expect(micro.perClass!.map((c) => [c.label, c.support])).toEqual([
      ['LOC', 1951],
      ['ORG', 984],
      ['PER', 884],
    ]);
    // Chunking 110k tags, counting, and 1000 resamples of 2318 sentences for five statistics.
    expect(ms).toBeLessThan(1500);
    expect(JSON.parse(JSON.stringify(result.metrics))).toEqual(result.metrics);
  });

  it('counts I- starts in default mode but not in strict IOB2 mode', () => {
    const lenient = evaluateNer(gold, pred);
    const strict = evaluateNer(gold, pred, { mode: 'strict', scheme: 'IOB2' });
    expect(byName(strict.metrics, 'micro-f1').notes).toContain('strict mode, scheme IOB2');
    // Predicted chunks that start with I- (every 11th entity) are correct in default mode and absent in strict.
    let iStarts = 0;
    for (const sentence of pred) {
      sentence.forEach((tag, i) => {
        // An I- tag opens a chunk when nothing of its type is open: first token, after O, or after another type.
        if (tag.startsWith('I-') && (i === 0 || sentence[i - 1].slice(2) !== tag.slice(2))) iStarts++;
      });
    }
    expect(iStarts).toBeGreaterThan(100);
    const predicted = (r: typeof lenient): number =>
      r.metrics[0].perClass!.reduce((a, c) => a + c.predicted, 0);
    expect(predicted(lenient) - predicted(strict)).toBe(iStarts);
    expect(byName(strict.metrics, 'micro-recall').value).toBeLessThan(
      byName(lenient.metrics, 'micro-recall').value,
    );
    expect(byName(strict.metrics, 'micro-f1').value).toBeCloseTo(
      seqevalF1(gold, pred, { mode: 'strict', scheme: 'IOB2' }),
      12,
    );
  });

  it('handles a test set without any entity (macro-F1 undefined, left out)', () => {
    const r = evaluateNer([['O', 'O'], ['O']], [['O', 'O'], ['O']]);
    expect(r.metrics.map((m) => [m.metric, m.value])).toEqual([
      ['micro-f1', 0],
      ['micro-precision', 0],
      ['micro-recall', 0],
    ]);
    expect(r.metrics[0].notes!.join(' ')).toMatch(/ill-defined/);
  });

  it('shows a visibly wider interval for 68 sentences than for 2040 with the same F1', () => {
    // The NEZHA paper's People's Daily test set had 68 sentences; 30 copies of the same 68 have exactly its F1.
    const smallGold = gold.slice(0, 68);
    const smallPred = pred.slice(0, 68);
    const small = byName(evaluateNer(smallGold, smallPred).metrics, 'micro-f1');
    const bigGold = Array.from({ length: 30 }, () => smallGold).flat();
    const bigPred = Array.from({ length: 30 }, () => smallPred).flat();
    const big = byName(evaluateNer(bigGold, bigPred).metrics, 'micro-f1');
    expect(big.value).toBeCloseTo(small.value, 12);
    const ratio = (small.ci[1] - small.ci[0]) / (big.ci[1] - big.ci[0]);
    expect(ratio).toBeGreaterThan(3.5); // ~ sqrt(30) = 5.5
    expect(small.ci[1] - small.ci[0]).toBeGreaterThan(0.05);
  });

  it('compares two checkpoints with a paired bootstrap over sentences', () => {
    const better = gold.map((s, i) => (i % 2 === 0 ? s : pred[i])); // half the sentences perfect
    const r = compareNer(nerCounts(gold, better), nerCounts(gold, pred));
    expect(r.test).toBe('paired-bootstrap');
    expect(r.delta).toBeGreaterThan(0);
    expect(r.pValue).toBeLessThan(0.01);
    expect(r.deltaCi[0]).toBeGreaterThan(0);
    const same = compareNer(nerCounts(gold, pred), nerCounts(gold, pred));
    expect([same.delta, same.pValue]).toEqual([0, 1]);
    expect(() => compareNer(nerCounts(gold.slice(1), pred.slice(1)), nerCounts(gold, pred))).toThrow(
      /same test set/,
    );
  });

  it('scores span lists like the equivalent tags', () => {
    const spans = (tags: string[][]): [string, number, number][][] =>
      tags.map((sentence) => {
        const out: [string, number, number][] = [];
        sentence.forEach((tag, i) => {
          if (tag.startsWith('B-')) {
            let end = i + 1;
            while (end < sentence.length && sentence[end] === 'I-' + tag.slice(2)) end++;
            out.push([tag.slice(2), i, end]);
          }
        });
        return out;
      });
    const sub = 300;
    const g = gold.slice(0, sub);
    const p = pred.slice(0, sub).map((s) => s.map((t) => (t.startsWith('I-') ? t : t))); // strict BIO below
    const fromSpans = byName(evaluateNerSpans(spans(g), spans(p)).metrics, 'micro-f1');
    const fromTags = byName(evaluateNer(g, p, { mode: 'strict', scheme: 'IOB2' }).metrics, 'micro-f1');
    expect(fromSpans.value).toBeCloseTo(fromTags.value, 12);
    expect(fromSpans.ci).toEqual(fromTags.ci);
  });

  it('refuses an empty test set', () => {
    expect(() => evaluateNer([], [])).toThrow(/no examples/);
  });
});

describe('evaluateClassification', () => {
  const yTrue = ['pos', 'neg', 'pos', 'pos', 'neg', 'neg', 'pos', 'neg', 'pos', 'pos'];
  const yPred = ['pos', 'neg', 'neg', 'pos', 'neg', 'pos', 'pos', 'neg', 'pos', 'neg'];

  it('reports accuracy with a confusion matrix and macro-F1 with per-class rows', () => {
    const [acc, macro] = evaluateClassification('sentence-classification', yTrue, yPred);
    expect(acc.value).toBe(0.7);
    expect(acc.confusion).toEqual({
      labels: ['neg', 'pos'],
      counts: [
        [3, 1],
        [2, 4],
      ],
    });
    // neg: p 3/5 r 3/4 f 2/3; pos: p 4/5 r 4/6 f 8/11.
    expect(macro.value).toBeCloseTo((2 / 3 + 8 / 11) / 2, 12);
    expect(macro.perClass!.map((c) => [c.label, c.support, c.predicted])).toEqual([
      ['neg', 4, 5],
      ['pos', 6, 5],
    ]);
    expect(acc.ci[0]).toBeLessThan(0.7);
    expect(acc.ci[1]).toBeGreaterThan(0.7);
  });

  it('compares accuracy with McNemar and says which test it used', () => {
    const n = 200;
    const truth = Array.from({ length: n }, (_, i) => i % 3);
    const a = truth.map((t, i) => (i % 10 === 0 ? (t + 1) % 3 : t)); // 90%
    const b = truth.map((t, i) => (i % 4 === 0 ? (t + 1) % 3 : t)); // 75%
    const r = compareAccuracy(
      'pair-classification',
      a.map((p, i) => p === truth[i]),
      b.map((p, i) => p === truth[i]),
    );
    // Discordant: A right & B wrong where i%4==0 and i%10!=0 (40), B right & A wrong where i%10==0 and i%4!=0 (10).
    expect(r.discordant).toEqual({ aOnly: 40, bOnly: 10 });
    expect(r.test).toBe('mcnemar-chi-square-continuity-corrected');
    expect(r.statistic).toBeCloseTo(29 ** 2 / 50, 12);
    expect(r.delta).toBeCloseTo(0.15, 12);
    expect(r.pValue).toBeLessThan(0.001);
    const few = compareAccuracy('c3', [1, 1, 1, 0], [0, 1, 1, 1]);
    expect(few.test).toBe('mcnemar-exact-binomial');
    expect(few.pValue).toBe(1);
  });
});

describe('compareMacroF1', () => {
  it('runs a paired bootstrap on macro-F1 and agrees with evaluateClassification on each side', () => {
    const n = 240;
    const truth = Array.from({ length: n }, (_, i) => ['entailment', 'neutral', 'contradiction'][i % 3]);
    const a = truth.map((t, i) => (i % 12 === 0 ? 'neutral' : t));
    const b = truth.map((t, i) => (i % 3 === 0 && i % 2 === 0 ? 'neutral' : t));
    const r = compareMacroF1('pair-classification', truth, a, b);
    expect(r.test).toBe('paired-bootstrap');
    expect(r.a).toBeCloseTo(evaluateClassification('pair-classification', truth, a)[1].value, 12);
    expect(r.b).toBeCloseTo(evaluateClassification('pair-classification', truth, b)[1].value, 12);
    expect(r.delta).toBeGreaterThan(0);
    expect(r.pValue).toBeLessThan(0.01);
    expect(() => compareMacroF1('pair-classification', truth, a, b.slice(1))).toThrow(/same items/);
  });
});

describe('evaluateMultipleChoice (C3)', () => {
  it('scores option indices and rejects impossible ones', () => {
    const r = evaluateMultipleChoice([0, 1, 2, 3], [0, 1, 0, 3], { optionCounts: [4, 4, 3, 4] });
    expect(r).toMatchObject({ task: 'c3', metric: 'accuracy', value: 0.75, n: 4 });
    expect(() => evaluateMultipleChoice([0, 1], [0, 3], { optionCounts: [2, 2] })).toThrow(
      /question 1 has predicted option index 3/,
    );
    expect(() => evaluateMultipleChoice([0], [0, 1])).toThrow(/pair up/);
  });
});

describe('evaluateCmrc2018', () => {
  const dataset = JSON.parse(
    readFileSync(
      new URL('../../fixtures/datasets/cmrc2018/cmrc2018_dev_excerpt.json', import.meta.url),
      'utf8',
    ),
  ) as CmrcDataset;
  const qas = dataset.data.flatMap((a) => a.paragraphs.flatMap((p) => p.qas));

  it('reports EM and F1 in percent with intervals, and compares two runs', () => {
    const perfect = Object.fromEntries(qas.map((q) => [q.id, q.answers[0].text]));
    const half = Object.fromEntries(qas.map((q, i) => [q.id, i % 2 === 0 ? q.answers[0].text : '无关']));
    const a = evaluateCmrc2018(dataset, perfect);
    expect(a.metrics.map((m) => [m.metric, m.value, m.unit])).toEqual([
      ['exact-match', 100, 'percent'],
      ['f1', 100, 'percent'],
    ]);
    expect(a.metrics[0].ci).toEqual([100, 100]);
    const b = evaluateCmrc2018(dataset, half);
    expect(b.metrics[0].value).toBeCloseTo((100 * 9) / 17, 10);
    const cmp = compareCmrc2018(a.evaluation, b.evaluation, 'exact-match');
    expect(cmp.delta).toBeCloseTo((100 * 8) / 17, 10);
    expect(cmp.pValue).toBeLessThan(0.05);
    const missing = evaluateCmrc2018(dataset, { [qas[0].id]: qas[0].answers[0].text });
    expect(missing.metrics[0].notes).toEqual(['16 of 17 questions had no prediction and score 0.']);
  });
});
