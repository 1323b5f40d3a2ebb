/**
 * Benchmark-level evaluators: turn gold and predicted outputs of one checkpoint into `MetricResult`s with
 * percentile-bootstrap confidence intervals, and compare two checkpoints on the same examples.
 *
 * Every interval resamples EXAMPLES (sentences for NER, questions for CMRC 2018 and C3, items for
 * classification) and recomputes the metric from the resampled per-example counts, exactly as the point
 * estimate is computed (micro-F1 from summed tp/pred/gold, never an average of sentence F1s).
 */
import {
  bootstrapCi,
  bootstrapCis,
  columnSums,
  sparseRows,
  microF1Statistic,
  pairedBootstrap,
  singleColumn,
  type BootstrapOptions,
  type BootstrapResult,
  type ExampleStats,
  type SumStatistic,
} from './bootstrap';
import {
  classCounts,
  confusionMatrix,
  scoresFromClassCounts,
  uniqueLabels,
  type ClassLabel,
} from './classification';
import {
  cluenerCounts,
  cluenerMacroF1FromSums,
  cluenerScoreFromCounts,
  type CluenerCountOptions,
  type CluenerSentence,
} from './cluener2020';
import { cmrc2018Evaluate, type CmrcDataset, type CmrcEvaluation } from './cmrc2018';
import {
  nerCounts,
  nerCountsFromSpans,
  seqevalReportFromCounts,
  type NerCounts,
  type NerOptions,
  type SeqevalReport,
  type SpanSentence,
} from './seqeval';
import { mcnemar } from './significance';
import type {
  MetricName,
  MetricResult,
  MetricTask,
  MetricUnit,
  PairedComparison,
  PerClassScore,
} from './types';

export class EvaluationInputError extends Error {
  override name = 'EvaluationInputError';
}

function requireExamples(n: number, what: string): void {
  if (n === 0) {
    throw new EvaluationInputError(
      `${what}: there are no examples to score; a metric and its interval need at least one.`,
    );
  }
}

function toResult(
  task: MetricTask,
  metric: MetricName,
  unit: MetricUnit,
  boot: BootstrapResult,
  extra: Partial<Pick<MetricResult, 'perClass' | 'confusion' | 'notes'>> = {},
): MetricResult {
  const notes = [...(extra.notes ?? [])];
  if (boot.undefinedResamples > 0) {
    notes.push(
      `${boot.undefinedResamples} of ${boot.resamples} resamples had no class to average over and were left out of the interval.`,
    );
  }
  const result: MetricResult = {
    task,
    metric,
    value: boot.value,
    ci: boot.ci,
    ciLevel: boot.confidence,
    resamples: boot.resamples,
    seed: boot.seed,
    n: boot.n,
    unit,
  };
  if (extra.perClass) result.perClass = extra.perClass;
  if (extra.confusion) result.confusion = extra.confusion;
  if (notes.length) result.notes = [...new Set(notes)];
  return result;
}

/** F1 with the seqeval / sklearn(zero_division=0) convention from tp, predicted, gold. */
function f1Of(tp: number, pred: number, gold: number): number {
  return microF1Statistic(Float64Array.of(tp, pred, gold), 1);
}

/** Macro average of per-type F1 over the types that occur (gold or predicted) in the (re)sample, as seqeval does. */
function macroF1OverPresentTypes(types: number): SumStatistic {
  return (sums) => {
    let total = 0;
    let count = 0;
    for (let t = 0; t < types; t++) {
      const tp = sums[3 * t];
      const pred = sums[3 * t + 1];
      const gold = sums[3 * t + 2];
      if (pred + gold === 0) continue;
      total += f1Of(tp, pred, gold);
      count++;
    }
    return count > 0 ? total / count : NaN;
  };
}

function weightedF1(types: number): SumStatistic {
  return (sums) => {
    let total = 0;
    let weight = 0;
    for (let t = 0; t < types; t++) {
      const gold = sums[3 * t + 2];
      total += f1Of(sums[3 * t], sums[3 * t + 1], gold) * gold;
      weight += gold;
    }
    return weight > 0 ? total / weight : 0;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// NER
// ---------------------------------------------------------------------------------------------------------------

export interface NerEvaluation {
  /** micro-f1 (headline, with per-type rows), micro-precision, micro-recall, macro-f1, weighted-f1. */
  metrics: MetricResult[];
  report: SeqevalReport;
  counts: NerCounts;
}

/** Metrics with intervals from per-sentence NER counts (tags or spans). */
export function evaluateNerCounts(counts: NerCounts, options: BootstrapOptions = {}): NerEvaluation {
  requireExamples(counts.sentences, 'NER evaluation');
  const T = counts.types.length;
  const n = counts.sentences;
  const report = seqevalReportFromCounts(counts, { zeroDivision: 'warn' });
  const notes = [...report.warnings];
  if (counts.scheme) notes.unshift(`strict mode, scheme ${counts.scheme}`);
  const perClass: PerClassScore[] = counts.types.map((type, t) => {
    let predicted = 0;
    for (let s = 0; s < n; s++) predicted += counts.counts[(s * T + t) * 3 + 1];
    const row = report.perType[type];
    return {
      label: type,
      precision: row.precision,
      recall: row.recall,
      f1: row['f1-score'],
      support: row.support,
      predicted,
    };
  });

  // One set of resamples over sentences; every statistic is recomputed from the resampled per-type counts.
  const micro = (k: 0 | 1 | 2): ((sums: Float64Array) => number) => {
    return (sums) => {
      let total = 0;
      for (let t = 0; t < T; t++) total += sums[3 * t + k];
      return total;
    };
  };
  const [tpOf, predOf, goldOf] = [micro(0), micro(1), micro(2)];
  const statistics: SumStatistic[] = [
    (x) => f1Of(tpOf(x), predOf(x), goldOf(x)),
    (x) => (predOf(x) > 0 ? tpOf(x) / predOf(x) : 0),
    (x) => (goldOf(x) > 0 ? tpOf(x) / goldOf(x) : 0),
    macroF1OverPresentTypes(T),
    weightedF1(T),
  ];
  const [f1, precision, recall, macro, weighted] = bootstrapCis(
    T > 0 ? sparseRows(counts.counts, 3 * T) : { values: new Float64Array(n), columns: 1 },
    statistics,
    options,
  );
  const metrics: MetricResult[] = [
    toResult('ner', 'micro-f1', 'fraction', f1, { perClass, notes }),
    toResult('ner', 'micro-precision', 'fraction', precision),
    toResult('ner', 'micro-recall', 'fraction', recall),
  ];
  // With no entity type at all (no gold and no predicted entities) macro-F1 is undefined (seqeval gives NaN).
  if (T > 0) {
    metrics.push(toResult('ner', 'macro-f1', 'fraction', macro, { perClass }));
    metrics.push(toResult('ner', 'weighted-f1', 'fraction', weighted));
  }
  return { metrics, report, counts };
}

/** NER from tag sequences: seqeval default (conlleval) mode, or strict mode with a scheme. */
export function evaluateNer(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  options: NerOptions & BootstrapOptions = {},
): NerEvaluation {
  return evaluateNerCounts(nerCounts(yTrue, yPred, options), options);
}

/** NER from span lists ([type, start, endExclusive] per sentence), exact-match entities. */
export function evaluateNerSpans(
  gold: readonly SpanSentence[],
  pred: readonly SpanSentence[],
  options: BootstrapOptions = {},
): NerEvaluation {
  return evaluateNerCounts(nerCountsFromSpans(gold, pred), options);
}

/**
 * CLUENER2020's official score (./cluener2020, score.py): the macro average over labels of the per-label F1 of
 * entity-STRING sets, with a percentile-bootstrap interval over sentences (each resample recomputes the per-label
 * sums and the macro average over the same fixed labels). Per-label rows are in `perClass`. Empty when there is
 * no label to average over (no gold entity at all).
 */
export function evaluateCluener(
  gold: readonly CluenerSentence[],
  pred: readonly CluenerSentence[],
  options: CluenerCountOptions & BootstrapOptions = {},
): MetricResult[] {
  const counts = cluenerCounts(gold, pred, options);
  requireExamples(counts.sentences, 'CLUENER evaluation');
  const T = counts.types.length;
  if (T === 0) return [];
  const score = cluenerScoreFromCounts(counts);
  const perClass: PerClassScore[] = score.perLabel.map((l) => ({
    label: l.label,
    precision: l.precision,
    recall: l.recall,
    f1: l.f1,
    support: l.tp + l.fn,
    predicted: l.tp + l.fp,
  }));
  const boot = bootstrapCi(
    sparseRows(counts.counts, 3 * T),
    (sums) => cluenerMacroF1FromSums(sums, T),
    options,
  );
  return [
    toResult('ner', 'cluener-f1', 'fraction', boot, {
      perClass,
      notes: [...counts.warnings, ...score.warnings],
    }),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Classification and multiple choice
// ---------------------------------------------------------------------------------------------------------------

export interface ClassificationEvaluationOptions extends BootstrapOptions {
  /** Fix the label set and order (e.g. the checkpoint's id2label); by default the sorted union of gold and predicted. */
  labels?: readonly ClassLabel[];
}

/** Sparse per-class [tp, pred, gold] rows and the sklearn macro-F1 statistic over them. */
function macroF1Setup(
  yTrue: readonly ClassLabel[],
  yPred: readonly ClassLabel[],
  labels: readonly ClassLabel[],
  fixedLabels: boolean,
): { stats: ExampleStats; macro: SumStatistic } {
  const index = new Map(labels.map((l, i) => [l, i]));
  const C = labels.length;
  const trueIndex = Int32Array.from(yTrue, (l) => index.get(l) ?? -1);
  const predIndex = Int32Array.from(yPred, (l) => index.get(l) ?? -1);
  const perClassCounts: ExampleStats = {
    rows: yTrue.length,
    columns: 3 * C,
    addRow: (i, sums) => {
      const t = trueIndex[i];
      const p = predIndex[i];
      if (t >= 0 && t === p) sums[3 * t]++;
      if (p >= 0) sums[3 * p + 1]++;
      if (t >= 0) sums[3 * t + 2]++;
    },
  };
  // With an explicit label list every label counts (sklearn labels=...); otherwise only labels present in the resample.
  const macro: SumStatistic = (sums) => {
    let total = 0;
    let count = 0;
    for (let c = 0; c < C; c++) {
      const pred = sums[3 * c + 1];
      const gold = sums[3 * c + 2];
      if (!fixedLabels && pred + gold === 0) continue;
      total += pred + gold > 0 ? (2 * sums[3 * c]) / (pred + gold) : 0;
      count++;
    }
    return count > 0 ? total / count : NaN;
  };
  return { stats: perClassCounts, macro };
}

/** Accuracy (with confusion matrix and per-class rows) and macro-F1 (sklearn, zero_division=0). */
export function evaluateClassification(
  task: 'sentence-classification' | 'pair-classification',
  yTrue: readonly ClassLabel[],
  yPred: readonly ClassLabel[],
  options: ClassificationEvaluationOptions = {},
): MetricResult[] {
  const counts = classCounts(yTrue, yPred, options.labels);
  requireExamples(yTrue.length, `${task} evaluation`);
  const labels = options.labels ? [...options.labels] : uniqueLabels(yTrue, yPred);
  const per = scoresFromClassCounts(counts, null);
  const perClass: PerClassScore[] = labels.map((label, i) => ({
    label: String(label),
    precision: per.precision[i],
    recall: per.recall[i],
    f1: per.fscore[i],
    support: per.support[i],
    predicted: counts.pred[i],
  }));
  const matrix = confusionMatrix(yTrue, yPred, labels);
  const confusion = { labels: matrix.labels.map(String), counts: matrix.counts };

  const correct = singleColumn(Array.from(yTrue, (t, i) => (t === yPred[i] ? 1 : 0)));
  const accuracyResult = toResult(
    task,
    'accuracy',
    'fraction',
    bootstrapCi(correct, (s, n) => s[0] / n, options),
    {
      perClass,
      confusion,
    },
  );

  const { stats: perClassCounts, macro } = macroF1Setup(yTrue, yPred, labels, options.labels !== undefined);
  const macroResult = toResult(task, 'macro-f1', 'fraction', bootstrapCi(perClassCounts, macro, options), {
    perClass,
  });
  return [accuracyResult, macroResult];
}

/**
 * C3 (multiple choice): accuracy of the chosen option index. `optionCounts[i]`, when given, is the number of
 * options of question i, and indices outside it are rejected (a decoding bug, not a wrong answer).
 */
export function evaluateMultipleChoice(
  goldIndex: readonly number[],
  predIndex: readonly number[],
  options: BootstrapOptions & { optionCounts?: readonly number[] } = {},
): MetricResult {
  if (goldIndex.length !== predIndex.length) {
    throw new EvaluationInputError(
      `C3 evaluation: ${goldIndex.length} gold answers but ${predIndex.length} predictions; they must pair up.`,
    );
  }
  requireExamples(goldIndex.length, 'C3 evaluation');
  goldIndex.forEach((g, i) => {
    const p = predIndex[i];
    const limit = options.optionCounts?.[i] ?? Infinity;
    for (const [side, v] of [
      ['gold', g],
      ['predicted', p],
    ] as const) {
      if (!Number.isInteger(v) || v < 0 || v >= limit) {
        throw new EvaluationInputError(
          `C3 evaluation: question ${i} has ${side} option index ${v}, but it must be an integer in [0, ${limit}).`,
        );
      }
    }
  });
  const correct = singleColumn(goldIndex.map((g, i) => (g === predIndex[i] ? 1 : 0)));
  return toResult(
    'c3',
    'accuracy',
    'fraction',
    bootstrapCi(correct, (s, n) => s[0] / n, options),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// CMRC 2018
// ---------------------------------------------------------------------------------------------------------------

export interface CmrcBenchmarkEvaluation {
  /** exact-match and f1, × 100 like the official script. */
  metrics: MetricResult[];
  evaluation: CmrcEvaluation;
}

export function evaluateCmrc2018(
  dataset: CmrcDataset,
  predictions: Readonly<Record<string, string>>,
  options: BootstrapOptions = {},
): CmrcBenchmarkEvaluation {
  const evaluation = cmrc2018Evaluate(dataset, predictions);
  requireExamples(evaluation.total, 'CMRC 2018 evaluation');
  const notes =
    evaluation.skipped > 0
      ? [`${evaluation.skipped} of ${evaluation.total} questions had no prediction and score 0.`]
      : [];
  const percent: SumStatistic = (s, n) => (100 * s[0]) / n;
  const em = singleColumn(evaluation.examples.map((e) => e.em));
  const f1 = singleColumn(evaluation.examples.map((e) => e.f1));
  return {
    metrics: [
      toResult('cmrc2018', 'exact-match', 'percent', bootstrapCi(em, percent, options), { notes }),
      toResult('cmrc2018', 'f1', 'percent', bootstrapCi(f1, percent, options), { notes }),
    ],
    evaluation,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Paired comparisons of two checkpoints
// ---------------------------------------------------------------------------------------------------------------

/**
 * Accuracy of A vs B on the same examples: McNemar's test for the p-value (exact binomial below 25 discordant
 * pairs, chi-square with continuity correction otherwise) and a paired bootstrap for the interval of a − b.
 */
export function compareAccuracy(
  task: MetricTask,
  correctA: ArrayLike<boolean | number>,
  correctB: ArrayLike<boolean | number>,
  options: BootstrapOptions = {},
): PairedComparison {
  const test = mcnemar(correctA, correctB);
  requireExamples(test.n, `${task} comparison`);
  const a = singleColumn(Array.from(correctA, (v) => (v ? 1 : 0)));
  const b = singleColumn(Array.from(correctB, (v) => (v ? 1 : 0)));
  const boot = pairedBootstrap(a, b, (s, n) => s[0] / n, options);
  return {
    task,
    metric: 'accuracy',
    unit: 'fraction',
    n: test.n,
    a: boot.a,
    b: boot.b,
    delta: boot.delta,
    deltaCi: boot.deltaCi,
    ciLevel: boot.confidence,
    test:
      test.test === 'exact-binomial' ? 'mcnemar-exact-binomial' : 'mcnemar-chi-square-continuity-corrected',
    pValue: test.pValue,
    statistic: test.statistic,
    discordant: { aOnly: test.aOnly, bOnly: test.bOnly },
    resamples: boot.resamples,
    seed: boot.seed,
  };
}

function pairedResult(
  task: MetricTask,
  metric: MetricName,
  unit: MetricUnit,
  boot: ReturnType<typeof pairedBootstrap>,
): PairedComparison {
  return {
    task,
    metric,
    unit,
    n: boot.n,
    a: boot.a,
    b: boot.b,
    delta: boot.delta,
    deltaCi: boot.deltaCi,
    ciLevel: boot.confidence,
    test: 'paired-bootstrap',
    pValue: boot.pValue,
    resamples: boot.resamples,
    seed: boot.seed,
  };
}

/** Micro-F1 of two NER checkpoints on the same sentences (paired bootstrap over sentences). */
export function compareNer(
  countsA: NerCounts,
  countsB: NerCounts,
  options: BootstrapOptions = {},
): PairedComparison {
  if (countsA.sentences !== countsB.sentences) {
    throw new EvaluationInputError(
      `NER comparison: checkpoint A was scored on ${countsA.sentences} sentences and B on ${countsB.sentences}; compare them on the same test set.`,
    );
  }
  requireExamples(countsA.sentences, 'NER comparison');
  const totals = (c: NerCounts): ExampleStats => {
    const T = c.types.length;
    const values = new Float64Array(c.sentences * 3);
    for (let i = 0; i < c.counts.length; i++) values[Math.floor(i / (3 * T)) * 3 + (i % 3)] += c.counts[i];
    return { values, columns: 3 };
  };
  const a = totals(countsA);
  const b = totals(countsB);
  const goldA = columnSums(a)[2];
  const goldB = columnSums(b)[2];
  if (goldA !== goldB) {
    throw new EvaluationInputError(
      `NER comparison: the two runs saw ${goldA} and ${goldB} gold entities; they were not scored against the same gold tags (or used different modes/schemes).`,
    );
  }
  return pairedResult('ner', 'micro-f1', 'fraction', pairedBootstrap(a, b, microF1Statistic, options));
}

/** EM or F1 of two CMRC 2018 runs on the same questions (paired bootstrap over questions). */
export function compareCmrc2018(
  evaluationA: CmrcEvaluation,
  evaluationB: CmrcEvaluation,
  metric: 'exact-match' | 'f1',
  options: BootstrapOptions = {},
): PairedComparison {
  const ea = evaluationA.examples;
  const eb = evaluationB.examples;
  if (ea.length !== eb.length || ea.some((e, i) => e.id !== eb[i].id)) {
    throw new EvaluationInputError(
      'CMRC 2018 comparison: the two runs do not cover the same questions in the same order.',
    );
  }
  requireExamples(ea.length, 'CMRC 2018 comparison');
  const pick = (e: CmrcEvaluation['examples'][number]): number => (metric === 'exact-match' ? e.em : e.f1);
  const percent: SumStatistic = (s, n) => (100 * s[0]) / n;
  return pairedResult(
    'cmrc2018',
    metric,
    'percent',
    pairedBootstrap(singleColumn(ea.map(pick)), singleColumn(eb.map(pick)), percent, options),
  );
}

/** Macro-F1 of two classifiers on the same items (paired bootstrap over items; sklearn macro-F1, zero_division=0). */
export function compareMacroF1(
  task: 'sentence-classification' | 'pair-classification',
  yTrue: readonly ClassLabel[],
  yPredA: readonly ClassLabel[],
  yPredB: readonly ClassLabel[],
  options: ClassificationEvaluationOptions = {},
): PairedComparison {
  if (yPredA.length !== yTrue.length || yPredB.length !== yTrue.length) {
    throw new EvaluationInputError(
      `${task} comparison: ${yTrue.length} gold labels but ${yPredA.length} and ${yPredB.length} predictions; both runs must cover the same items.`,
    );
  }
  requireExamples(yTrue.length, `${task} comparison`);
  const labels = options.labels ? [...options.labels] : uniqueLabels(yTrue, [...yPredA, ...yPredB]);
  const fixed = options.labels !== undefined;
  const a = macroF1Setup(yTrue, yPredA, labels, fixed);
  const b = macroF1Setup(yTrue, yPredB, labels, fixed);
  return pairedResult(task, 'macro-f1', 'fraction', pairedBootstrap(a.stats, b.stats, a.macro, options));
}
