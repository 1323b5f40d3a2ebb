/**
 * Precision / recall / F from summed counts with seqeval 1.2.2's arithmetic and zero-division rule
 * (`seqeval/metrics/v1.py` `_precision_recall_fscore_support`): an undefined ratio (0/0) becomes 0
 * (`zeroDivision: 'warn'`, the default, also records a warning where seqeval raises an UndefinedMetricWarning) or 1
 * (`zeroDivision: 1`). Warnings come back in the result instead of being printed. Also the public score
 * functions of `seqeval/metrics/sequence_labeling.py` (`f1_score`, `classification_report`, `accuracy_score`,
 * `performance_measure`) on top of ./counts.
 */
import { nerCounts, sumNerCounts, type NerCounts, type NerOptions } from './counts';
import { checkConsistentLength } from './input';

export type ZeroDivision = 'warn' | 0 | 1;
export type SeqevalAverage = 'micro' | 'macro' | 'weighted';

export interface PrfOptions {
  beta?: number;
  zeroDivision?: ZeroDivision;
  /** Which metrics warn on zero division (seqeval's `warn_for`). */
  warnFor?: readonly ('precision' | 'recall' | 'f-score')[];
}

export interface PerTypeScores {
  labels: string[];
  precision: number[];
  recall: number[];
  fscore: number[];
  support: number[];
  warnings: string[];
}

export interface AverageScores {
  precision: number;
  recall: number;
  fscore: number;
  support: number;
  warnings: string[];
}

function warnPrf(
  average: SeqevalAverage | null,
  modifier: string,
  msgStart: string,
  resultSize: number,
  warnings: string[],
): void {
  const where = resultSize === 1 ? 'due to' : 'in labels with';
  warnings.push(
    `${msgStart} ill-defined and being set to 0.0 ${where} no ${modifier} samples. Use \`zero_division\` parameter to control this behavior.`,
  );
  void average;
}

function prfDivide(
  numerator: Float64Array,
  denominator: Float64Array,
  metric: 'precision' | 'recall',
  modifier: string,
  average: SeqevalAverage | null,
  warnFor: readonly string[],
  zeroDivision: ZeroDivision,
  warnings: string[],
): Float64Array {
  const result = new Float64Array(numerator.length);
  let anyZero = false;
  for (let i = 0; i < numerator.length; i++) {
    if (denominator[i] === 0) {
      anyZero = true;
      result[i] = zeroDivision === 1 ? 1 : 0;
    } else {
      result[i] = numerator[i] / denominator[i];
    }
  }
  if (!anyZero || zeroDivision !== 'warn' || !warnFor.includes(metric)) return result;
  const title = metric === 'precision' ? 'Precision' : 'Recall';
  const msgStart = warnFor.includes('f-score') ? `${title} and F-score are` : `${title} is`;
  warnPrf(average, modifier, msgStart, result.length, warnings);
  return result;
}

const mean = (xs: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length; // NaN for no labels, as numpy's average of an empty array
};
const weightedMean = (xs: ArrayLike<number>, w: ArrayLike<number>): number => {
  let s = 0;
  let ws = 0;
  for (let i = 0; i < xs.length; i++) {
    s += xs[i] * w[i];
    ws += w[i];
  }
  return s / ws;
};

/**
 * seqeval's `_precision_recall_fscore_support` on summed counts. `average: null` gives per-type arrays.
 * Exposed so that resampled counts go through the very same arithmetic as the point estimate.
 */
export function prfFromCounts(
  labels: string[],
  tpSum: Float64Array,
  predSum: Float64Array,
  trueSum: Float64Array,
  average: null,
  options?: PrfOptions,
): PerTypeScores;
export function prfFromCounts(
  labels: string[],
  tpSum: Float64Array,
  predSum: Float64Array,
  trueSum: Float64Array,
  average: SeqevalAverage,
  options?: PrfOptions,
): AverageScores;
export function prfFromCounts(
  labels: string[],
  tpSum: Float64Array,
  predSum: Float64Array,
  trueSum: Float64Array,
  average: SeqevalAverage | null,
  options: PrfOptions = {},
): PerTypeScores | AverageScores {
  const beta = options.beta ?? 1;
  const zeroDivision = options.zeroDivision ?? 'warn';
  const warnFor = options.warnFor ?? ['precision', 'recall', 'f-score'];
  if (!(beta >= 0)) throw new RangeError(`beta should be >=0 in the F-beta score (got ${beta}).`);
  if (average !== null && average !== 'micro' && average !== 'macro' && average !== 'weighted') {
    throw new RangeError(
      `average has to be one of null, 'micro', 'macro', 'weighted' (got ${JSON.stringify(average)}).`,
    );
  }
  const warnings: string[] = [];
  let tp = tpSum;
  let pred = predSum;
  let gold = trueSum;
  if (average === 'micro') {
    const total = (xs: Float64Array): Float64Array => Float64Array.of(xs.reduce((a, b) => a + b, 0));
    tp = total(tpSum);
    pred = total(predSum);
    gold = total(trueSum);
  }
  const beta2 = beta * beta;
  const precision = prfDivide(tp, pred, 'precision', 'predicted', average, warnFor, zeroDivision, warnings);
  const recall = prfDivide(tp, gold, 'recall', 'true', average, warnFor, zeroDivision, warnings);

  if (zeroDivision === 'warn' && warnFor.length === 1 && warnFor[0] === 'f-score') {
    let both = false;
    for (let i = 0; i < gold.length; i++) if (gold[i] === 0 && pred[i] === 0) both = true;
    if (both) warnPrf(average, 'true nor predicted', 'F-score is', gold.length, warnings);
  }

  const fscore = new Float64Array(tp.length);
  for (let i = 0; i < tp.length; i++) {
    if (beta === Infinity) {
      fscore[i] = recall[i];
    } else {
      let denom = beta2 * precision[i] + recall[i];
      if (denom === 0) denom = 1;
      fscore[i] = ((1 + beta2) * precision[i] * recall[i]) / denom;
    }
  }
  const trueTotal = trueSum.reduce((a, b) => a + b, 0);

  if (average === null) {
    return {
      labels: [...labels],
      precision: [...precision],
      recall: [...recall],
      fscore: [...fscore],
      support: [...trueSum],
      warnings,
    };
  }
  if (average === 'weighted') {
    if (trueTotal === 0) {
      const z = zeroDivision === 1 ? 1 : 0;
      const predTotal = predSum.reduce((a, b) => a + b, 0);
      return {
        precision: predTotal === 0 ? z : 0,
        recall: z,
        fscore: predTotal === 0 ? z : 0,
        support: 0,
        warnings,
      };
    }
    return {
      precision: weightedMean(precision, gold),
      recall: weightedMean(recall, gold),
      fscore: weightedMean(fscore, gold),
      support: trueTotal,
      warnings,
    };
  }
  return {
    precision: mean(precision),
    recall: mean(recall),
    fscore: mean(fscore),
    support: trueTotal,
    warnings,
  };
}

export interface SeqevalScoreOptions extends NerOptions, PrfOptions {}

/** seqeval `precision_recall_fscore_support(y_true, y_pred, average=None | 'micro' | 'macro' | 'weighted', ...)`. */
export function seqevalPrecisionRecallFscoreSupport(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  average: null,
  options?: SeqevalScoreOptions,
): PerTypeScores;
export function seqevalPrecisionRecallFscoreSupport(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  average: SeqevalAverage,
  options?: SeqevalScoreOptions,
): AverageScores;
export function seqevalPrecisionRecallFscoreSupport(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  average: SeqevalAverage | null,
  options: SeqevalScoreOptions = {},
): PerTypeScores | AverageScores {
  const counts = nerCounts(yTrue, yPred, options);
  const { tp, pred, gold } = sumNerCounts(counts);
  const result =
    average === null
      ? prfFromCounts(counts.types, tp, pred, gold, null, options)
      : prfFromCounts(counts.types, tp, pred, gold, average, options);
  result.warnings.unshift(...counts.warnings);
  return result;
}

type SeqevalScoreArgs = [
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  options?: SeqevalScoreOptions & { average?: SeqevalAverage },
];

/** One of precision / recall / F-score, micro by default, warning only for that score (as seqeval does). */
function seqevalSingleScore(
  score: 'precision' | 'recall' | 'fscore',
  [yTrue, yPred, options = {}]: SeqevalScoreArgs,
): number {
  const warnFor = score === 'fscore' ? 'f-score' : score;
  return seqevalPrecisionRecallFscoreSupport(yTrue, yPred, options.average ?? 'micro', {
    ...options,
    warnFor: [warnFor],
  })[score];
}

/** seqeval `f1_score` (micro by default). */
export function seqevalF1(...args: SeqevalScoreArgs): number {
  return seqevalSingleScore('fscore', args);
}
/** seqeval `precision_score` (micro by default). */
export function seqevalPrecision(...args: SeqevalScoreArgs): number {
  return seqevalSingleScore('precision', args);
}
/** seqeval `recall_score` (micro by default). */
export function seqevalRecall(...args: SeqevalScoreArgs): number {
  return seqevalSingleScore('recall', args);
}

/** seqeval `accuracy_score`: token-level accuracy over all tags. */
export function seqevalAccuracy(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
): number {
  checkConsistentLength(yTrue, yPred);
  let correct = 0;
  let total = 0;
  yTrue.forEach((sentence, s) =>
    sentence.forEach((tag, i) => {
      total++;
      if (tag === yPred[s][i]) correct++;
    }),
  );
  return correct / total;
}

/** seqeval `performance_measure`: token-level TP/FP/FN/TN, with seqeval's (non-standard) definitions. */
export function seqevalPerformanceMeasure(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
): { TP: number; FP: number; FN: number; TN: number } {
  const t = yTrue.flat();
  const p = yPred.flat();
  const out = { TP: 0, FP: 0, FN: 0, TN: 0 };
  const n = Math.min(t.length, p.length);
  for (let i = 0; i < n; i++) {
    if (t[i] === p[i] && (t[i] !== 'O' || p[i] !== 'O')) out.TP++;
    if (t[i] !== p[i] && p[i] !== 'O') out.FP++;
    if (t[i] !== 'O' && p[i] === 'O') out.FN++;
    if (t[i] === 'O' && p[i] === 'O') out.TN++;
  }
  return out;
}

export interface ReportRow {
  precision: number;
  recall: number;
  'f1-score': number;
  support: number;
}

/** seqeval `classification_report(..., output_dict=True)`: one row per type plus micro, macro and weighted averages. */
export interface SeqevalReport {
  perType: Record<string, ReportRow>;
  'micro avg': ReportRow;
  'macro avg': ReportRow;
  'weighted avg': ReportRow;
  warnings: string[];
}

/** Report rows from counts (per type, then the three averages), shared by the report and the benchmark runner. */
export function seqevalReportFromCounts(counts: NerCounts, options: PrfOptions = {}): SeqevalReport {
  const { tp, pred, gold } = sumNerCounts(counts);
  const per = prfFromCounts(counts.types, tp, pred, gold, null, options);
  const perType: Record<string, ReportRow> = {};
  per.labels.forEach((label, i) => {
    perType[label] = {
      precision: per.precision[i],
      recall: per.recall[i],
      'f1-score': per.fscore[i],
      support: per.support[i],
    };
  });
  const warnings = [...counts.warnings, ...per.warnings];
  const row = (average: SeqevalAverage): ReportRow => {
    const a = prfFromCounts(counts.types, tp, pred, gold, average, options);
    warnings.push(...a.warnings);
    return { precision: a.precision, recall: a.recall, 'f1-score': a.fscore, support: a.support };
  };
  return {
    perType,
    'micro avg': row('micro'),
    'macro avg': row('macro'),
    'weighted avg': row('weighted'),
    warnings,
  };
}

/** seqeval `classification_report(y_true, y_pred, mode=..., scheme=..., output_dict=True)`. */
export function seqevalClassificationReport(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  options: SeqevalScoreOptions = {},
): SeqevalReport {
  return seqevalReportFromCounts(nerCounts(yTrue, yPred, options), options);
}
