/**
 * Metrics of a finished run, from its predictions alone (what PRED.jsonl and the predictions table hold), so a
 * stored run can be re-scored without the model. Every number comes from shared/metrics' evaluators, with
 * bootstrap intervals over examples.
 */
import { OffsetMap } from '../datasets/offsets';
import type { BootstrapOptions } from '../metrics/bootstrap';
import type { CluenerSentence } from '../metrics/cluener2020';
import { cmrc2018Evaluate } from '../metrics/cmrc2018';
import {
  compareAccuracy,
  compareCmrc2018,
  compareNer,
  evaluateClassification,
  evaluateCluener,
  evaluateCmrc2018,
  evaluateMultipleChoice,
  evaluateNerSpans,
} from '../metrics/evaluate';
import { nerCountsFromSpans, type SpanSentence } from '../metrics/seqeval';
import type { MetricName, MetricResult, MetricTask, PairedComparison } from '../metrics/types';
import type {
  BenchmarkData,
  BenchmarkTask,
  ClassificationPrediction,
  ExamplePrediction,
  McPrediction,
  NerPrediction,
  QaPrediction,
} from './types';

export const METRIC_TASK: Readonly<Record<BenchmarkTask, MetricTask>> = {
  ner: 'ner',
  classification: 'sentence-classification',
  pair: 'pair-classification',
  qa: 'cmrc2018',
  mc: 'c3',
};

/** The number a comparison table shows for each task (the NEZHA paper's columns). */
export const HEADLINE_METRIC: Readonly<Record<BenchmarkTask, MetricName>> = {
  ner: 'micro-f1',
  classification: 'accuracy',
  pair: 'accuracy',
  qa: 'f1',
  mc: 'accuracy',
};

function ofTask<T extends ExamplePrediction['task']>(
  task: T,
  predictions: readonly ExamplePrediction[],
): Extract<ExamplePrediction, { task: T }>[] {
  for (const p of predictions) {
    if (p.task !== task) {
      throw new Error(
        `Scoring a ${task} run, but example ${p.index} (id ${JSON.stringify(p.id)}) is a ${p.task} prediction.`,
      );
    }
  }
  return predictions as Extract<ExamplePrediction, { task: T }>[];
}

/** NER spans as the seqeval span-list input: [type, start, endExclusive]. */
function spanTuples(list: readonly NerPrediction['gold'][number][]): SpanSentence {
  return list.map((s) => [s.label, s.start, s.end] as const);
}

export interface ScoreOptions extends BootstrapOptions {
  /**
   * The dataset the predictions were made on: its import format and its records (the BenchmarkData the run got).
   * With format 'cluener' (an NER dataset read from CLUENER2020 JSON) the official CLUENER2020 score
   * (`cluener-f1`, see shared/metrics/cluener2020.ts) is reported after the span-exact metrics; it compares entity
   * strings, so it reads each prediction's text from `data.records[prediction.index]`. Other formats add nothing.
   */
  dataset?: { format: string; data: BenchmarkData };
}

/**
 * Whether scoring a dataset of this import format reads its records (today: CLUENER2020's official score, which
 * compares entity strings). Callers that keep the records elsewhere (the worker fetches the served file) fetch
 * them only then.
 */
export function scoringNeedsRecords(format: string): boolean {
  return format === 'cluener';
}

/** Which extra NER scorers a dataset format gets, besides the span-exact seqeval metrics. */
function usesCluenerScorer(
  dataset: ScoreOptions['dataset'],
): dataset is NonNullable<ScoreOptions['dataset']> {
  return dataset !== undefined && scoringNeedsRecords(dataset.format);
}

/** Each prediction's gold and predicted entities as [label, entity text], the way CLUENER's score.py reads them. */
function cluenerSentences(
  rows: readonly NerPrediction[],
  data: BenchmarkData,
): { gold: CluenerSentence[]; pred: CluenerSentence[] } {
  if (data.task !== 'ner') {
    throw new Error(
      `Scoring an NER run with the CLUENER scorer, but the dataset passed in options.dataset is a ${data.task} dataset; pass the NER dataset the run was made on.`,
    );
  }
  const gold: CluenerSentence[] = [];
  const pred: CluenerSentence[] = [];
  for (const p of rows) {
    const record = data.records[p.index];
    if (!record) {
      throw new Error(
        `CLUENER score: prediction ${p.index} (id ${JSON.stringify(p.id)}) has no record in the dataset (${data.records.length} records); pass the dataset the run was made on.`,
      );
    }
    const text = new OffsetMap(record.text);
    const entities = (spans: readonly NerPrediction['gold'][number][], side: string): CluenerSentence =>
      spans.map((span) => {
        if (span.start < 0 || span.end > text.codePointLength || span.end <= span.start) {
          throw new Error(
            `CLUENER score: example ${p.index} (id ${JSON.stringify(p.id)}): ${side} span [${span.start}, ${span.end}) does not fit its text of ${text.codePointLength} characters; pass the dataset the run was made on.`,
          );
        }
        return [span.label, text.slice(span.start, span.end)] as const;
      });
    gold.push(entities(p.gold, 'gold'));
    pred.push(entities(p.prediction, 'predicted'));
  }
  return { gold, pred };
}

/**
 * Metrics with bootstrap intervals for one run's predictions (all of one task, in dataset order). NER: the
 * span-exact seqeval metrics (micro-F1 first, the headline), then `cluener-f1` for CLUENER datasets (see
 * ScoreOptions.dataset).
 */
export function scorePredictions(
  task: BenchmarkTask,
  predictions: readonly ExamplePrediction[],
  options: ScoreOptions = {},
): MetricResult[] {
  const { dataset, ...bootstrap } = options;
  switch (task) {
    case 'ner': {
      const rows = ofTask('ner', predictions);
      const metrics = evaluateNerSpans(
        rows.map((p) => spanTuples(p.gold)),
        rows.map((p) => spanTuples(p.prediction)),
        bootstrap,
      ).metrics;
      if (usesCluenerScorer(dataset)) {
        const { gold, pred } = cluenerSentences(rows, dataset.data);
        metrics.push(...evaluateCluener(gold, pred, bootstrap));
      }
      return metrics;
    }
    case 'classification':
    case 'pair': {
      const rows = predictions.filter((p) => p.task === 'classification' || p.task === 'pair');
      if (rows.length !== predictions.length) ofTask(task, predictions);
      const labelled = rows as Extract<ExamplePrediction, { task: 'classification' | 'pair' }>[];
      return evaluateClassification(
        METRIC_TASK[task] as 'sentence-classification' | 'pair-classification',
        labelled.map((p) => p.gold),
        labelled.map((p) => p.prediction),
        bootstrap,
      );
    }
    case 'qa': {
      const { dataset: cmrcDataset, answers } = cmrcInputs(ofTask('qa', predictions));
      return evaluateCmrc2018(cmrcDataset, answers, bootstrap).metrics;
    }
    case 'mc': {
      const rows = ofTask('mc', predictions);
      return [
        evaluateMultipleChoice(
          rows.map((p) => p.gold),
          rows.map((p) => p.prediction),
          { ...bootstrap, optionCounts: rows.map((p) => p.choices) },
        ),
      ];
    }
  }
}

/** The official CMRC 2018 script's inputs from QA predictions (ids made unique by position if a file repeats them). */
function cmrcInputs(rows: readonly QaPrediction[]) {
  const unique = new Set(rows.map((p) => p.id)).size === rows.length;
  const key = (p: QaPrediction): string => (unique ? p.id : `${p.id}#${p.index}`);
  const dataset = {
    data: [
      { paragraphs: [{ qas: rows.map((p) => ({ id: key(p), answers: p.gold.map((text) => ({ text })) })) }] },
    ],
  };
  const answers: Record<string, string> = {};
  for (const p of rows) answers[key(p)] = p.prediction;
  return { dataset, answers };
}

function sameExamples(a: readonly ExamplePrediction[], b: readonly ExamplePrediction[]): void {
  const mismatch =
    a.length !== b.length
      ? -1
      : a.findIndex(
          (p, i) =>
            p.index !== b[i].index ||
            p.id !== b[i].id ||
            JSON.stringify(p.gold) !== JSON.stringify(b[i].gold),
        );
  if (a.length !== b.length || mismatch >= 0) {
    throw new Error(
      a.length !== b.length
        ? `Paired comparison: checkpoint A has ${a.length} predictions and B ${b.length}; compare runs on the same examples.`
        : `Paired comparison: example ${mismatch} differs between the runs (id or gold answer); compare runs on the same dataset file.`,
    );
  }
}

/**
 * Two checkpoints on the same examples, on the task's headline metric: McNemar for accuracy (classification,
 * C3), paired bootstrap for NER micro-F1 and CMRC 2018 F1. `a − b` with its interval and the p-value.
 */
export function comparePredictions(
  task: BenchmarkTask,
  a: readonly ExamplePrediction[],
  b: readonly ExamplePrediction[],
  options: BootstrapOptions = {},
): PairedComparison {
  sameExamples(a, b);
  switch (task) {
    case 'ner': {
      const counts = (rows: NerPrediction[]) =>
        nerCountsFromSpans(
          rows.map((p) => spanTuples(p.gold)),
          rows.map((p) => spanTuples(p.prediction)),
        );
      return compareNer(counts(ofTask('ner', a)), counts(ofTask('ner', b)), options);
    }
    case 'qa': {
      const evaluation = (rows: readonly QaPrediction[]) => {
        const { dataset, answers } = cmrcInputs(rows);
        return cmrc2018Evaluate(dataset, answers);
      };
      return compareCmrc2018(evaluation(ofTask('qa', a)), evaluation(ofTask('qa', b)), 'f1', options);
    }
    default: {
      const correct = (rows: readonly ExamplePrediction[]) =>
        rows.map((p) => {
          if (p.task !== task && !(task !== 'mc' && (p.task === 'classification' || p.task === 'pair'))) {
            throw new Error(`Comparing ${task} runs, but example ${p.index} is a ${p.task} prediction.`);
          }
          return (
            (p as ClassificationPrediction | McPrediction).gold ===
            (p as ClassificationPrediction | McPrediction).prediction
          );
        });
      return compareAccuracy(METRIC_TASK[task], correct(a), correct(b), options);
    }
  }
}

/** The headline metric of a run's metrics, or undefined when it is missing. */
export function headlineMetric(
  task: BenchmarkTask,
  metrics: readonly MetricResult[],
): MetricResult | undefined {
  return metrics.find((m) => m.metric === HEADLINE_METRIC[task]);
}
