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
import { DEFAULT_SEED } from './random';

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
  | {
      rows: number;
      columns: number;
      addRow: (example: number, sums: Float64Array) => void;
      csr?: SparseRowStorage;
    };

/** Compressed sparse rows: row r's non-zeros are cols/vals[offsets[r] .. offsets[r + 1]). */
export interface SparseRowStorage {
  offsets: Int32Array;
  cols: Int32Array;
  vals: Float64Array;
}

/**
 * Sparse rows from a dense per-example matrix: only non-zero entries are visited when resampling, so wide
 * per-type rows (3 columns per entity type) cost no more than the entities they hold.
 */
export function sparseRows(values: ArrayLike<number>, columns: number): ExampleStats {
  if (!Number.isInteger(columns) || columns < 1 || values.length % columns !== 0) {
    throw new RangeError(`sparseRows: ${values.length} values do not form rows of ${columns} columns.`);
  }
  const rows = values.length / columns;
  const offsets = new Int32Array(rows + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const v = values[r * columns + c];
      if (v !== 0) {
        cols.push(c);
        vals.push(v);
      }
    }
    offsets[r + 1] = cols.length;
  }
  const csr: SparseRowStorage = { offsets, cols: Int32Array.from(cols), vals: Float64Array.from(vals) };
  return {
    rows,
    columns,
    csr,
    addRow: (example, sums) => {
      for (let i = csr.offsets[example]; i < csr.offsets[example + 1]; i++) sums[csr.cols[i]] += csr.vals[i];
    },
  };
}

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

/**
 * Draws `resamples` bootstrap index sets (mulberry32 seeded with `seed`, the same stream as `mulberry32(seed)`)
 * and evaluates every statistic of every set on each; out[set][statistic][resample].
 */
function resampleStatistics(
  sets: { stats: ExampleStats; statistics: readonly SumStatistic[] }[],
  n: number,
  resamples: number,
  seed: number,
): Float64Array[][] {
  const out = sets.map((s) => s.statistics.map(() => new Float64Array(resamples)));
  const sums = sets.map((s) => new Float64Array(s.stats.columns));
  const index = new Int32Array(n);
  let state = seed >>> 0;
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) {
      // mulberry32, inlined: this loop runs n × resamples times.
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      index[i] = Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
    }
    for (let s = 0; s < sets.length; s++) {
      const stats = sets[s].stats;
      const acc = sums[s];
      acc.fill(0);
      if ('addRow' in stats && stats.csr) {
        const { offsets, cols, vals } = stats.csr;
        for (let i = 0; i < n; i++) {
          const row = index[i];
          for (let j = offsets[row]; j < offsets[row + 1]; j++) acc[cols[j]] += vals[j];
        }
      } else if ('addRow' in stats) {
        for (let i = 0; i < n; i++) stats.addRow(index[i], acc);
      } else {
        const { values, columns: k } = stats;
        if (k === 1) {
          let total = 0;
          for (let i = 0; i < n; i++) total += values[index[i]];
          acc[0] = total;
        } else if (k === 3) {
          let x = 0;
          let y = 0;
          let z = 0;
          for (let i = 0; i < n; i++) {
            const base = index[i] * 3;
            x += values[base];
            y += values[base + 1];
            z += values[base + 2];
          }
          acc[0] = x;
          acc[1] = y;
          acc[2] = z;
        } else {
          for (let i = 0; i < n; i++) {
            const base = index[i] * k;
            for (let j = 0; j < k; j++) acc[j] += values[base + j];
          }
        }
      }
      const statistics = sets[s].statistics;
      for (let m = 0; m < statistics.length; m++) out[s][m][b] = statistics[m](acc, n);
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
  return bootstrapCis(stats, [statistic], options)[0];
}

/**
 * Several statistics of the same examples from ONE set of resamples (e.g. micro P, R, F1 and macro-F1 from
 * per-type counts). Each result is identical to `bootstrapCi` with the same seed; this only saves time.
 */
export function bootstrapCis(
  stats: ExampleStats,
  statistics: readonly SumStatistic[],
  options: BootstrapOptions = {},
): BootstrapResult[] {
  const { resamples, seed, confidence } = checkOptions(options);
  const n = checkStats(stats, 'bootstrapCi');
  const totals = columnSums(stats);
  const values = statistics.map((statistic) => statistic(totals, n));
  if (n === 0) {
    return values.map((value) => ({
      value,
      ci: [NaN, NaN],
      confidence,
      resamples,
      seed,
      n,
      undefinedResamples: resamples,
    }));
  }
  const [dists] = resampleStatistics([{ stats, statistics }], n, resamples, seed);
  return values.map((value, m) => {
    const { ci, undefinedCount } = percentileInterval(dists[m], confidence);
    return { value, ci, confidence, resamples, seed, n, undefinedResamples: undefinedCount };
  });
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
  const [[distA], [distB]] = resampleStatistics(
    [
      { stats: statsA, statistics: [statistic] },
      { stats: statsB, statistics: [statistic] },
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
