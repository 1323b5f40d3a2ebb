/**
 * Result shapes the benchmark runner stores and the comparison view reads. Plain JSON: no class instances,
 * no typed arrays, no NaN (evaluators refuse empty inputs and leave out metrics that are undefined).
 */

export type MetricTask = 'ner' | 'sentence-classification' | 'pair-classification' | 'cmrc2018' | 'c3';

/** 'fraction': in [0, 1]. 'percent': × 100 (CMRC 2018 reports EM/F1 this way, as its official script does). */
export type MetricUnit = 'fraction' | 'percent';

/** Metric names used by the evaluators in ./evaluate. */
export type MetricName =
  | 'micro-f1'
  | 'micro-precision'
  | 'micro-recall'
  | 'macro-f1'
  | 'weighted-f1'
  | 'accuracy'
  | 'exact-match'
  | 'f1'
  /** CLUENER2020's official score.py: macro average of per-label F1 over entity-string sets. */
  | 'cluener-f1';

export interface PerClassScore {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Gold examples (classification) or gold entities (NER) of this class. */
  support: number;
  /** Predicted examples / entities of this class. */
  predicted: number;
}

export interface ConfusionCounts {
  /** Row and column labels, in order. */
  labels: string[];
  /** counts[i][j] = examples with gold label labels[i] predicted as labels[j]. */
  counts: number[][];
}

export interface MetricResult {
  task: MetricTask;
  metric: MetricName;
  /** Point estimate on all n examples. */
  value: number;
  /** Percentile-bootstrap interval [lo, hi] at `ciLevel`, from resampling the n examples. */
  ci: [number, number];
  ciLevel: number;
  resamples: number;
  seed: number;
  /** Number of examples resampled: sentences for NER, questions for CMRC/C3, items for classification. */
  n: number;
  unit: MetricUnit;
  perClass?: PerClassScore[];
  confusion?: ConfusionCounts;
  /** Things a person should know about this number (zero divisions, unanswered questions, scheme used). */
  notes?: string[];
}

export type PairedTest =
  'mcnemar-exact-binomial' | 'mcnemar-chi-square-continuity-corrected' | 'paired-bootstrap';

/** Two checkpoints compared on the same n examples. */
export interface PairedComparison {
  task: MetricTask;
  metric: MetricName;
  unit: MetricUnit;
  n: number;
  a: number;
  b: number;
  /** a − b and its percentile paired-bootstrap interval. */
  delta: number;
  deltaCi: [number, number];
  ciLevel: number;
  test: PairedTest;
  /** Two-sided p-value of the test named in `test`. */
  pValue: number;
  /** χ² (McNemar chi-square) or min(b, c) (McNemar exact); absent for the bootstrap. */
  statistic?: number;
  /** McNemar only: examples only A got right, and only B got right. */
  discordant?: { aOnly: number; bOnly: number };
  resamples: number;
  seed: number;
}
