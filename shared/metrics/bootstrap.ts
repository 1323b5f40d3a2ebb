/**
 * Bootstrap over EXAMPLES (sentences for NER, questions for MRC, items for classification).
 *
 * Every headline metric here is a function of column sums of a per-example statistics matrix (n rows × k
 * columns): accuracy = sum(correct) / n, micro-F1 = f(sum tp, sum predicted, sum gold), mean EM = sum(em) / n,
 * macro-F1 = f(per-class tp/pred/gold sums). So one resample is n random row indices, k sums per row and one call
 * of the statistic; no strings are touched. Micro-F1 of a resample is recomputed from its summed counts
 * (never an average of per-sentence F1s).
 *
 * Confidence intervals use the percentile method: the (1-level)/2 and (1+level)/2 quantiles of the resampled
 * statistic, with numpy's default linear interpolation between order statistics.
 */
import { DEFAULT_SEED, mulberry32 } from './random';

export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_CONFIDENCE = 0.95;

export interface BootstrapOptions {
  /** Number of bootstrap resamples (default 1000). */
  resamples?: number;
  /** PRNG seed (default DEFAULT_SEED); the same seed gives the same interval. */
  seed?: number;
  /** Confidence level of the interval (default 0.95). */
  confidence?: number;
}

/**
 * Per-example statistics. Dense: row-major `values[i * columns + j]` is statistic j of example i.
 * Sparse: `addRow(i, sums)` adds example i's row into `sums` (for wide rows that are mostly zero, such as
 * per-class counts of a single-label example).
 */
export type ExampleStats =
  | { values: Float64Array; columns: number }
  | { rows: number; columns: number; addRow: (example: number, sums: Float64Array) => void };

/** Maps column sums over a (re)sample of `n` examples to the metric. Must not keep `sums`: it is reused. */
export type SumStatistic = (sums: Float64Array, n: number) => number;

export interface BootstrapResult {
  value: number;
  ci: [number, number];
  confidence: number;
  resamples: number;
  seed: number;
  n: number;
  /** Resamples whose statistic was NaN (e.g. no class present); they are left out of the quantiles. */
  undefinedResamples: number;
}

function checkOptions(options: BootstrapOptions): Required<BootstrapOptions> {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? DEFAULT_SEED;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(`bootstrap: resamples must be a positive integer (got ${resamples}).`);
  }
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`bootstrap: confidence must be in (0, 1) (got ${confidence}).`);
  return { resamples, seed, confidence };
}

function checkStats(stats: ExampleStats, what: string): number {
  if ('addRow' in stats) {
    if (
      !Number.isInteger(stats.rows) ||
      stats.rows < 0 ||
      !Number.isInteger(stats.columns) ||
      stats.columns < 1
    ) {
      throw new RangeError(
        `${what}: sparse statistics need integer rows >= 0 and columns >= 1 (got ${stats.rows} x ${stats.columns}).`,
      );
    }
    return stats.rows;
  }
  if (!Number.isInteger(stats.columns) || stats.columns < 1 || stats.values.length % stats.columns !== 0) {
    throw new RangeError(
      `${what}: ${stats.values.length} values do not form rows of ${stats.columns} columns.`,
    );
  }
  return stats.values.length / stats.columns;
}

/** Column sums over all rows. */
export function columnSums(stats: ExampleStats): Float64Array {
  const k = stats.columns;
  const sums = new Float64Array(k);
  if ('addRow' in stats) {
    for (let i = 0; i < stats.rows; i++) stats.addRow(i, sums);
    return sums;
  }
  for (let i = 0; i < stats.values.length; i++) sums[i % k] += stats.values[i];
  return sums;
}

/** numpy.percentile(..., method='linear') on an ascending array; q in [0, 1]. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function percentileInterval(
  values: Float64Array,
  confidence: number,
): { ci: [number, number]; undefinedCount: number } {
  const finite = values.filter((v) => !Number.isNaN(v)).sort();
  const alpha = 1 - confidence;
  return {
    ci: [quantileSorted(finite, alpha / 2), quantileSorted(finite, 1 - alpha / 2)],
    undefinedCount: values.length - finite.length,
  };
}

/** Draws `resamples` bootstrap index sets and returns the statistic on each (one pass, reused buffers). */
function resampleStatistic(
  sets: { stats: ExampleStats; statistic: SumStatistic }[],
  n: number,
  resamples: number,
  seed: number,
): Float64Array[] {
  const rng = mulberry32(seed);
  const out = sets.map(() => new Float64Array(resamples));
  const sums = sets.map((s) => new Float64Array(s.stats.columns));
  const index = new Int32Array(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) index[i] = rng.nextInt(n);
    for (let s = 0; s < sets.length; s++) {
      const stats = sets[s].stats;
      const acc = sums[s];
      acc.fill(0);
      if ('addRow' in stats) {
        for (let i = 0; i < n; i++) stats.addRow(index[i], acc);
        out[s][b] = sets[s].statistic(acc, n);
        continue;
      }
      const { values, columns: k } = stats;
      if (k === 1) {
        let total = 0;
        for (let i = 0; i < n; i++) total += values[index[i]];
        acc[0] = total;
      } else {
        for (let i = 0; i < n; i++) {
          const base = index[i] * k;
          for (let j = 0; j < k; j++) acc[j] += values[base + j];
        }
      }
      out[s][b] = sets[s].statistic(acc, n);
    }
  }
  return out;
}

/**
 * Percentile bootstrap confidence interval of a sum-decomposable metric.
 * With n = 0 examples the value and the interval are NaN.
 */
export function bootstrapCi(
  stats: ExampleStats,
  statistic: SumStatistic,
  options: BootstrapOptions = {},
): BootstrapResult {
  const { resamples, seed, confidence } = checkOptions(options);
  const n = checkStats(stats, 'bootstrapCi');
  const value = statistic(columnSums(stats), n);
  if (n === 0)
    return { value, ci: [NaN, NaN], confidence, resamples, seed, n, undefinedResamples: resamples };
  const [dist] = resampleStatistic([{ stats, statistic }], n, resamples, seed);
  const { ci, undefinedCount } = percentileInterval(dist, confidence);
  return { value, ci, confidence, resamples, seed, n, undefinedResamples: undefinedCount };
}

export interface PairedBootstrapResult {
  /** Metric of system A and of system B on all examples. */
  a: number;
  b: number;
  /** a - b on all examples. */
  delta: number;
  /** Percentile interval of a - b over the resamples. */
  deltaCi: [number, number];
  /**
   * Two-sided p-value: twice the share of resamples whose difference has the opposite sign of the observed
   * difference (or is zero), capped at 1; 1 when the observed difference is 0. Its resolution is 2 / resamples,
   * so 0 means "below 2 / resamples", not "impossible".
   */
  pValue: number;
  confidence: number;
  resamples: number;
  seed: number;
  n: number;
}

/**
 * Paired bootstrap between two systems scored on the SAME examples (row i of both matrices is example i):
 * each resample draws one index set and recomputes both metrics on it (Koehn 2004; Berg-Kirkpatrick et al. 2012).
 */
export function pairedBootstrap(
  statsA: ExampleStats,
  statsB: ExampleStats,
  statistic: SumStatistic,
  options: BootstrapOptions = {},
): PairedBootstrapResult {
  const { resamples, seed, confidence } = checkOptions(options);
  const n = checkStats(statsA, 'pairedBootstrap (system A)');
  const nB = checkStats(statsB, 'pairedBootstrap (system B)');
  if (n !== nB) {
    throw new RangeError(
      `pairedBootstrap: system A was scored on ${n} examples and system B on ${nB}; a paired test needs the same examples.`,
    );
  }
  const a = statistic(columnSums(statsA), n);
  const b = statistic(columnSums(statsB), n);
  const delta = a - b;
  if (n === 0) return { a, b, delta, deltaCi: [NaN, NaN], pValue: NaN, confidence, resamples, seed, n };
  const [distA, distB] = resampleStatistic(
    [
      { stats: statsA, statistic },
      { stats: statsB, statistic },
    ],
    n,
    resamples,
    seed,
  );
  const deltas = new Float64Array(resamples);
  let flips = 0;
  for (let r = 0; r < resamples; r++) {
    const d = distA[r] - distB[r];
    deltas[r] = d;
    if ((delta > 0 && !(d > 0)) || (delta < 0 && !(d < 0))) flips++;
  }
  const pValue = delta === 0 ? 1 : Math.min(1, (2 * flips) / resamples);
  const { ci } = percentileInterval(deltas, confidence);
  return { a, b, delta, deltaCi: ci, pValue, confidence, resamples, seed, n };
}

/** Statistics matrix with one column (e.g. 1/0 correct, or a per-example score). */
export function singleColumn(values: ArrayLike<number>): ExampleStats {
  return { values: Float64Array.from(values), columns: 1 };
}

/** Mean of a single column: accuracy from 1/0 correctness, mean EM/F1 from per-example scores. */
export const meanStatistic: SumStatistic = (sums, n) => sums[0] / n;

/** Micro-F1 from columns [tp, predicted, gold] (zero division gives 0, as seqeval and sklearn with zero_division=0). */
export const microF1Statistic: SumStatistic = (sums) => {
  const [tp, pred, gold] = sums;
  const p = pred > 0 ? tp / pred : 0;
  const r = gold > 0 ? tp / gold : 0;
  return p + r > 0 ? (2 * p * r) / (p + r) : 0;
};
