/**
 * Single-label classification metrics (sentence and pair classification: ChnSentiCorp, LCQMC, XNLI, OCNLI,
 * and multiple choice such as C3 as "which option"), with scikit-learn's semantics:
 * `accuracy_score`, `precision_recall_fscore_support(..., zero_division=0)`, `classification_report`
 * and `confusion_matrix` (rows = true label, columns = predicted label).
 *
 * Labels are the sorted union of true and predicted labels (sklearn's `unique_labels`: numbers sort
 * numerically, strings by code point) unless `labels` is given; then only those labels are scored, in that
 * order, and examples with other labels are ignored by the per-class counts and the confusion matrix.
 */

export type ClassLabel = string | number;
export type ClassificationAverage = 'micro' | 'macro' | 'weighted';

export class ClassificationInputError extends Error {
  override name = 'ClassificationInputError';
}

export interface ClassificationOptions {
  labels?: readonly ClassLabel[];
  beta?: number;
  /** Value for 0/0 ratios (sklearn `zero_division`); 0 by default. */
  zeroDivision?: 0 | 1;
}

function compareLabels(a: ClassLabel, b: ClassLabel): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = Array.from(String(a));
  const y = Array.from(String(b));
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function checkPaired(yTrue: readonly ClassLabel[], yPred: readonly ClassLabel[]): void {
  if (yTrue.length !== yPred.length) {
    throw new ClassificationInputError(
      `Found ${yTrue.length} gold labels but ${yPred.length} predictions; they must pair up one to one (same examples, same order).`,
    );
  }
}

/** sklearn `unique_labels(y_true, y_pred)`: sorted union; mixing strings and numbers is an error. */
export function uniqueLabels(yTrue: readonly ClassLabel[], yPred: readonly ClassLabel[]): ClassLabel[] {
  const all = new Set<ClassLabel>([...yTrue, ...yPred]);
  const kinds = new Set([...all].map((l) => typeof l));
  if (kinds.size > 1) {
    throw new ClassificationInputError(
      'Mix of label input types (string and number): map labels to one type first (e.g. the label names from config.id2label).',
    );
  }
  return [...all].sort(compareLabels);
}

/** sklearn `accuracy_score`. NaN for no examples. */
export function accuracy(yTrue: readonly ClassLabel[], yPred: readonly ClassLabel[]): number {
  checkPaired(yTrue, yPred);
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return correct / yTrue.length;
}

/** Per-class true positives, predicted counts and true counts (sklearn's multilabel_confusion_matrix sums). */
export interface ClassCounts {
  labels: ClassLabel[];
  tp: Float64Array;
  pred: Float64Array;
  gold: Float64Array;
}

function labelIndex(labels: readonly ClassLabel[]): Map<ClassLabel, number> {
  const index = new Map<ClassLabel, number>();
  labels.forEach((l, i) => {
    if (index.has(l))
      throw new ClassificationInputError(
        `The label list repeats ${JSON.stringify(l)}; each label must appear once.`,
      );
    index.set(l, i);
  });
  return index;
}

export function classCounts(
  yTrue: readonly ClassLabel[],
  yPred: readonly ClassLabel[],
  labels?: readonly ClassLabel[],
): ClassCounts {
  checkPaired(yTrue, yPred);
  const used = labels ? [...labels] : uniqueLabels(yTrue, yPred);
  const index = labelIndex(used);
  const tp = new Float64Array(used.length);
  const pred = new Float64Array(used.length);
  const gold = new Float64Array(used.length);
  for (let i = 0; i < yTrue.length; i++) {
    const t = index.get(yTrue[i]);
    const p = index.get(yPred[i]);
    if (p !== undefined) pred[p]++;
    if (t !== undefined) gold[t]++;
    if (t !== undefined && t === p) tp[t]++;
  }
  return { labels: used, tp, pred, gold };
}

export interface ClassScores {
  labels: ClassLabel[];
  precision: number[];
  recall: number[];
  fscore: number[];
  support: number[];
}
export interface AveragedClassScores {
  precision: number;
  recall: number;
  fscore: number;
  support: number;
}

/** sklearn `precision_recall_fscore_support` arithmetic on per-class counts. */
export function scoresFromClassCounts(
  counts: ClassCounts,
  average: null,
  options?: ClassificationOptions,
): ClassScores;
export function scoresFromClassCounts(
  counts: ClassCounts,
  average: ClassificationAverage,
  options?: ClassificationOptions,
): AveragedClassScores;
export function scoresFromClassCounts(
  counts: ClassCounts,
  average: ClassificationAverage | null,
  options: ClassificationOptions = {},
): ClassScores | AveragedClassScores {
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new RangeError(`beta should be >= 0 (got ${beta}).`);
  const z = options.zeroDivision ?? 0;
  const beta2 = beta * beta;
  let { tp, pred, gold } = counts;
  const sum = (xs: Float64Array): number => xs.reduce((a, b) => a + b, 0);
  if (average === 'micro') {
    tp = Float64Array.of(sum(tp));
    pred = Float64Array.of(sum(pred));
    gold = Float64Array.of(sum(gold));
  }
  const m = tp.length;
  const precision = new Array<number>(m);
  const recall = new Array<number>(m);
  const fscore = new Array<number>(m);
  for (let i = 0; i < m; i++) {
    precision[i] = pred[i] > 0 ? tp[i] / pred[i] : z;
    recall[i] = gold[i] > 0 ? tp[i] / gold[i] : z;
    // sklearn >= 1.3 computes F from counts: (1 + β²) tp / ((1 + β²) tp + β² fn + fp).
    const fn = gold[i] - tp[i];
    const fp = pred[i] - tp[i];
    const denom = (1 + beta2) * tp[i] + beta2 * fn + fp;
    fscore[i] = beta === Infinity ? recall[i] : denom > 0 ? ((1 + beta2) * tp[i]) / denom : z;
  }
  const goldTotal = sum(counts.gold);
  if (average === null)
    return { labels: counts.labels, precision, recall, fscore, support: [...counts.gold] };
  if (average === 'micro')
    return { precision: precision[0], recall: recall[0], fscore: fscore[0], support: goldTotal };
  const weights = average === 'weighted' ? [...counts.gold] : new Array<number>(m).fill(1);
  const wsum = weights.reduce((a, b) => a + b, 0);
  if (wsum === 0) return { precision: z, recall: z, fscore: z, support: goldTotal };
  const avg = (xs: number[]): number => xs.reduce((a, x, i) => a + x * weights[i], 0) / wsum;
  return { precision: avg(precision), recall: avg(recall), fscore: avg(fscore), support: goldTotal };
}

/** sklearn `precision_recall_fscore_support(y_true, y_pred, average=..., zero_division=0)`. */
export function precisionRecallFscoreSupport(
  yTrue: readonly ClassLabel[],
  yPred: readonly ClassLabel[],
  average: null,
  options?: ClassificationOptions,
): ClassScores;
export function precisionRecallFscoreSupport(
  yTrue: readonly ClassLabel[],
  yPred: readonly ClassLabel[],
  average: ClassificationAverage,
  options?: ClassificationOptions,
): AveragedClassScores;
export function precisionRecallFscoreSupport(
  yTrue: readonly ClassLabel[],
  yPred: readonly ClassLabel[],
  average: ClassificationAverage | null,
  options: ClassificationOptions = {},
): ClassScores | AveragedClassScores {
  const counts = classCounts(yTrue, yPred, options.labels);
  return average === null
    ? scoresFromClassCounts(counts, null, options)
    : scoresFromClassCounts(counts, average, options);
}

/** sklearn `f1_score(average='macro', zero_division=0)`. */
export function macroF1(
  yTrue: readonly ClassLabel[],
  yPred: readonly ClassLabel[],
  options: ClassificationOptions = {},
): number {
  return precisionRecallFscoreSupport(yTrue, yPred, 'macro', options).fscore;
}

export interface ConfusionMatrix {
  labels: ClassLabel[];
  /** counts[i][j] = examples with true label labels[i] predicted as labels[j]. */
  counts: number[][];
}

/** sklearn `confusion_matrix(y_true, y_pred, labels=...)`. */
export function confusionMatrix(
  yTrue: readonly ClassLabel[],
  yPred: readonly ClassLabel[],
  labels?: readonly ClassLabel[],
): ConfusionMatrix {
  checkPaired(yTrue, yPred);
  const used = labels ? [...labels] : uniqueLabels(yTrue, yPred);
  const index = labelIndex(used);
  const counts = used.map(() => new Array<number>(used.length).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = index.get(yTrue[i]);
    const p = index.get(yPred[i]);
    if (t !== undefined && p !== undefined) counts[t][p]++;
  }
  return { labels: used, counts };
}

export interface ClassificationReport {
  perClass: { label: ClassLabel; precision: number; recall: number; f1: number; support: number }[];
  accuracy: number;
  micro: AveragedClassScores;
  macro: AveragedClassScores;
  weighted: AveragedClassScores;
}

/** sklearn `classification_report(..., output_dict=True, zero_division=0)` as a typed object. */
export function classificationReport(
  yTrue: readonly ClassLabel[],
  yPred: readonly ClassLabel[],
  options: ClassificationOptions = {},
): ClassificationReport {
  const counts = classCounts(yTrue, yPred, options.labels);
  const per = scoresFromClassCounts(counts, null, options);
  return {
    perClass: per.labels.map((label, i) => ({
      label,
      precision: per.precision[i],
      recall: per.recall[i],
      f1: per.fscore[i],
      support: per.support[i],
    })),
    accuracy: accuracy(yTrue, yPred),
    micro: scoresFromClassCounts(counts, 'micro', options),
    macro: scoresFromClassCounts(counts, 'macro', options),
    weighted: scoresFromClassCounts(counts, 'weighted', options),
  };
}
