import { describe, expect, it } from 'vitest';
import {
  bootstrapCi,
  meanStatistic,
  microF1Statistic,
  pairedBootstrap,
  quantileSorted,
  singleColumn,
  type ExampleStats,
} from './bootstrap';
import { mulberry32 } from './random';
import { binomialHalfCdf, chiSquare1Sf, mcnemar, mcnemarFromCounts } from './significance';

describe('mulberry32', () => {
  it('produces the reference sequence (checked against an independent Python transcription)', () => {
    const rng = mulberry32(0);
    expect([1, 2, 3, 4, 5].map(() => rng.nextUint32())).toEqual([
      1144304738, 1416247, 958946056, 627933444, 2007157716,
    ]);
    const other = mulberry32(20240521);
    expect(other.nextUint32()).toBe(438655742);
    expect(mulberry32(0).next()).toBeCloseTo(0.26642920868471265, 15);
  });

  it('draws integers in range', () => {
    const rng = mulberry32(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = rng.nextInt(10);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(10);
      seen.add(v);
    }
    expect(seen.size).toBe(10);
  });
});

describe('quantileSorted', () => {
  it('interpolates linearly like numpy.percentile', () => {
    // numpy.percentile([1, 2, 3, 4], [2.5, 50, 97.5]) = [1.075, 2.5, 3.925]
    expect(quantileSorted([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBeCloseTo(2.5, 12);
    expect(quantileSorted([1, 2, 3, 4], 0.975)).toBeCloseTo(3.925, 12);
  });
});

/** n sentences, each with the same [tp, pred, gold] pattern cycling so that the overall F1 is fixed. */
function nerLikeStats(n: number): ExampleStats {
  // Per block of 4 sentences: (2,2,2), (1,2,2), (0,1,1), (1,1,2) -> tp 4, pred 6, gold 7 -> F1 = 8/13.
  const pattern = [
    [2, 2, 2],
    [1, 2, 2],
    [0, 1, 1],
    [1, 1, 2],
  ];
  const values = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) values.set(pattern[i % 4], i * 3);
  return { values, columns: 3 };
}

describe('bootstrapCi', () => {
  it('is reproducible for a seed and changes with the seed', () => {
    const stats = nerLikeStats(200);
    const a = bootstrapCi(stats, microF1Statistic, { seed: 1 });
    const b = bootstrapCi(stats, microF1Statistic, { seed: 1 });
    const c = bootstrapCi(stats, microF1Statistic, { seed: 2 });
    expect(a).toEqual(b);
    expect(c.ci).not.toEqual(a.ci);
    expect(a.value).toBeCloseTo(8 / 13, 12);
    expect(a.ci[0]).toBeLessThan(a.value);
    expect(a.ci[1]).toBeGreaterThan(a.value);
    expect(a.resamples).toBe(1000);
  });

  it('shows a much wider interval for 68 sentences than for 2000 with the same F1', () => {
    const small = bootstrapCi(nerLikeStats(68), microF1Statistic);
    const large = bootstrapCi(nerLikeStats(2000), microF1Statistic);
    expect(small.value).toBeCloseTo(large.value, 2);
    const widthSmall = small.ci[1] - small.ci[0];
    const widthLarge = large.ci[1] - large.ci[0];
    // The width shrinks like 1/sqrt(n): sqrt(2000 / 68) ≈ 5.4.
    expect(widthSmall / widthLarge).toBeGreaterThan(3.5);
    expect(widthSmall / widthLarge).toBeLessThan(8);
    expect(widthSmall).toBeGreaterThan(0.1); // ±5 points or more: not false precision
  });

  it('agrees with the normal approximation for accuracy', () => {
    // 400 examples, 320 correct: SE = sqrt(.8 * .2 / 400) = 0.02, so the 95% interval is about ±0.0392.
    const correct = Array.from({ length: 400 }, (_, i) => (i % 5 === 0 ? 0 : 1));
    const r = bootstrapCi(singleColumn(correct), meanStatistic, { resamples: 4000, seed: 11 });
    expect(r.value).toBe(0.8);
    expect(r.ci[1] - r.ci[0]).toBeGreaterThan(0.0784 * 0.85);
    expect(r.ci[1] - r.ci[0]).toBeLessThan(0.0784 * 1.15);
  });

  it('recomputes micro-F1 from resampled counts instead of averaging sentence F1s', () => {
    // One big sentence (tp 0 of 10 gold) and nine perfect one-entity sentences: micro-F1 = 9/19 · 2 ... not 0.9.
    const rows = [[0, 0, 10], ...Array.from({ length: 9 }, () => [1, 1, 1])];
    const stats: ExampleStats = { values: Float64Array.from(rows.flat()), columns: 3 };
    const r = bootstrapCi(stats, microF1Statistic, { resamples: 50 });
    const p = 9 / 9;
    const rec = 9 / 19;
    expect(r.value).toBeCloseTo((2 * p * rec) / (p + rec), 12);
  });

  it('rejects bad options and malformed matrices', () => {
    expect(() => bootstrapCi(singleColumn([1]), meanStatistic, { resamples: 0 })).toThrow(/resamples/);
    expect(() => bootstrapCi(singleColumn([1]), meanStatistic, { confidence: 1 })).toThrow(/confidence/);
    expect(() => bootstrapCi({ values: new Float64Array(5), columns: 3 }, meanStatistic)).toThrow(/5 values/);
  });

  it('runs 1000 resamples of 5000 sentences well under a second', () => {
    const stats = nerLikeStats(5000);
    bootstrapCi(nerLikeStats(100), microF1Statistic); // warm up the JIT
    // CPU time, not wall time: other processes on a shared machine must not make this flaky.
    const before = process.cpuUsage();
    bootstrapCi(stats, microF1Statistic);
    const used = process.cpuUsage(before);
    expect((used.user + used.system) / 1000).toBeLessThan(500);
  });
});

describe('pairedBootstrap', () => {
  it('gives delta 0 and p = 1 for identical systems', () => {
    const stats = nerLikeStats(100);
    const r = pairedBootstrap(stats, stats, microF1Statistic);
    expect(r.delta).toBe(0);
    expect(r.pValue).toBe(1);
    expect(r.deltaCi).toEqual([0, 0]);
  });

  it('finds a clear improvement significant and a tiny one not, symmetric in A and B', () => {
    const n = 300;
    const base = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 0 : 1)); // 75%
    const better = base.map((v, i) => (i % 8 === 0 ? 1 : v)); // fixes half of the errors: 87.5%
    const slightly = base.map((v, i) => (i === 0 ? 1 : v)); // one more right
    const clear = pairedBootstrap(singleColumn(better), singleColumn(base), meanStatistic);
    expect(clear.delta).toBeCloseTo(38 / 300, 12); // errors at i % 4 == 0, fixed where i % 8 == 0
    expect(clear.pValue).toBeLessThan(0.01);
    expect(clear.deltaCi[0]).toBeGreaterThan(0);
    const tiny = pairedBootstrap(singleColumn(slightly), singleColumn(base), meanStatistic);
    expect(tiny.pValue).toBeGreaterThan(0.05);
    const swapped = pairedBootstrap(singleColumn(base), singleColumn(slightly), meanStatistic);
    expect(swapped.pValue).toBeCloseTo(tiny.pValue, 12);
    expect(swapped.delta).toBeCloseTo(-tiny.delta, 12);
  });

  it('refuses systems scored on different examples', () => {
    expect(() => pairedBootstrap(singleColumn([1, 0]), singleColumn([1]), meanStatistic)).toThrow(
      /same examples/,
    );
  });
});

describe('McNemar', () => {
  it('computes the chi-square survival function (reference: Python math.erfc(sqrt(x/2)))', () => {
    const cases: [number, number][] = [
      [0, 1],
      [0.001, 0.9747728793699604],
      [0.1, 0.7518296340458492],
      [0.5, 0.4795001221869535],
      [1, 0.31731050786291404],
      [1.5, 0.22067136191984682],
      [3.841458820694124, 0.05],
      [10, 0.0015654022580025488],
      [25, 5.733031437583873e-7],
      [60, 9.485737571073843e-15],
    ];
    for (const [x, p] of cases) expect(chiSquare1Sf(x) / p).toBeCloseTo(1, 10);
  });

  it('uses the exact binomial test for few discordant pairs (reference: Python math.comb)', () => {
    const r = mcnemarFromCounts(10, 2, 100);
    expect(r.test).toBe('exact-binomial');
    expect(r.pValue).toBeCloseTo(0.03857421875, 15);
    expect(mcnemarFromCounts(3, 3, 50).pValue).toBe(1);
    expect(mcnemarFromCounts(0, 7, 50).pValue).toBeCloseTo(0.015625, 15);
    expect(mcnemarFromCounts(12, 11, 50).pValue).toBe(1);
    expect(mcnemarFromCounts(1, 23, 50).pValue).toBeCloseTo(50 / 2 ** 24, 18); // 2 · (1 + 24) / 2^24;
    expect(mcnemarFromCounts(0, 0, 50)).toMatchObject({ test: 'exact-binomial', pValue: 1 });
    expect(binomialHalfCdf(2, 12)).toBeCloseTo(79 / 4096, 15);
  });

  it('uses chi-square with continuity correction from 25 discordant pairs on', () => {
    const r = mcnemarFromCounts(30, 12, 500);
    expect(r.test).toBe('chi-square-continuity-corrected');
    expect(r.statistic).toBeCloseTo(289 / 42, 12);
    expect(r.pValue).toBeCloseTo(0.008711912962379598, 12);
  });

  it('counts discordant pairs from per-example correctness', () => {
    const a = [1, 1, 1, 0, 0, 1, 1];
    const b = [1, 0, 0, 1, 0, 1, 0];
    const r = mcnemar(a, b);
    expect([r.aOnly, r.bOnly, r.n]).toEqual([3, 1, 7]);
    expect(r.pValue).toBeCloseTo((2 * 5) / 16, 15);
    expect(() => mcnemar([1], [1, 0])).toThrow(/same examples/);
  });
});
