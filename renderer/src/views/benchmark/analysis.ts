/**
 * What the Benchmark view reads out of stored predictions, as pure functions: which examples a checkpoint got
 * wrong, where two checkpoints disagree, an entity-type confusion for NER, and the paired significance tests
 * of every checkpoint against the best one in a dataset's column (shared/metrics: McNemar for accuracy,
 * paired bootstrap for F1 / EM).
 */
import type { BenchmarkTask, ExamplePrediction } from '../../../../shared/benchmark/types';
import {
  cmrc2018Evaluate,
  compareAccuracy,
  compareCmrc2018,
  compareNer,
  nerCountsFromSpans,
  type BootstrapOptions,
  type ConfusionCounts,
  type PairedComparison,
  type SpanSentence,
} from '../../../../shared/metrics';

type Span = { start: number; end: number; label: string };

function spanKey(s: Span): string {
  return `${s.start}:${s.end}:${s.label}`;
}

function sameSpans(a: readonly Span[], b: readonly Span[]): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set(a.map(spanKey));
  return b.every((s) => keys.has(spanKey(s)));
}

/** Whether the prediction is entirely right: every entity exact (NER), the label, the choice, EM (QA). */
export function isCorrect(p: ExamplePrediction): boolean {
  switch (p.task) {
    case 'ner':
      return sameSpans(p.gold, p.prediction);
    case 'classification':
    case 'pair':
      return p.gold === p.prediction;
    case 'mc':
      return p.gold === p.prediction;
    case 'qa':
      return cmrcScores([p]).examples[0].em === 1;
  }
}

/** The same prediction: equal spans, label, choice or answer text. */
export function samePrediction(a: ExamplePrediction, b: ExamplePrediction): boolean {
  if (a.task === 'ner' && b.task === 'ner') return sameSpans(a.prediction, b.prediction);
  return a.prediction === b.prediction;
}

/** Positions (dataset order) of the examples a checkpoint got wrong. */
export function errorIndices(predictions: readonly ExamplePrediction[]): number[] {
  return predictions.filter((p) => !isCorrect(p)).map((p) => p.index);
}

/** Positions where two runs over the same dataset predict differently. */
export function disagreementIndices(
  a: readonly ExamplePrediction[],
  b: readonly ExamplePrediction[],
): number[] {
  checkSameExamples(a, b);
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (!samePrediction(a[i], b[i])) out.push(a[i].index);
  return out;
}

function checkSameExamples(a: readonly ExamplePrediction[], b: readonly ExamplePrediction[]): void {
  if (a.length !== b.length || a.some((p, i) => p.id !== b[i].id || p.index !== b[i].index)) {
    throw new Error(
      `The two runs cover different examples (${a.length} vs ${b.length} predictions, or other ids); compare runs of the same dataset.`,
    );
  }
}

const NONE = '∅';

/**
 * NER confusion by entity type over exact boundaries: rows gold types, columns predicted types; a gold entity
 * no prediction has the boundaries of counts under column ∅ (missed), a predicted one without a gold entity of
 * the same boundaries under row ∅ (spurious).
 */
export function nerTypeConfusion(predictions: readonly ExamplePrediction[]): ConfusionCounts {
  const counts = new Map<string, number>();
  const types = new Set<string>();
  const add = (gold: string, pred: string) => {
    types.add(gold).add(pred);
    const key = `${gold}\u0000${pred}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  for (const p of predictions) {
    if (p.task !== 'ner') continue;
    const predicted = new Map(p.prediction.map((s) => [`${s.start}:${s.end}`, s.label]));
    const goldAt = new Set<string>();
    for (const g of p.gold) {
      const at = `${g.start}:${g.end}`;
      goldAt.add(at);
      add(g.label, predicted.get(at) ?? NONE);
    }
    for (const s of p.prediction) if (!goldAt.has(`${s.start}:${s.end}`)) add(NONE, s.label);
  }
  types.delete(NONE);
  const labels = [...[...types].sort(), NONE];
  return {
    labels,
    counts: labels.map((g) => labels.map((q) => counts.get(`${g}\u0000${q}`) ?? 0)),
  };
}

function cmrcScores(rows: readonly Extract<ExamplePrediction, { task: 'qa' }>[]) {
  const key = (p: (typeof rows)[number]) => `${p.id}#${p.index}`;
  const dataset = {
    data: [
      { paragraphs: [{ qas: rows.map((p) => ({ id: key(p), answers: p.gold.map((text) => ({ text })) })) }] },
    ],
  };
  const answers: Record<string, string> = {};
  for (const p of rows) answers[key(p)] = p.prediction;
  return cmrc2018Evaluate(dataset, answers);
}

function spansOf(list: readonly Span[]): SpanSentence {
  return list.map((s) => [s.label, s.start, s.end] as const);
}

/** The paired test of A's headline metric against B's on the same examples. */
export function compareRuns(
  task: BenchmarkTask,
  a: readonly ExamplePrediction[],
  b: readonly ExamplePrediction[],
  options: BootstrapOptions = {},
): PairedComparison {
  checkSameExamples(a, b);
  switch (task) {
    case 'ner': {
      const ner = (rows: readonly ExamplePrediction[]) =>
        rows.map((p) => (p.task === 'ner' ? p : (undefined as never)));
      const ra = ner(a);
      const rb = ner(b);
      return compareNer(
        nerCountsFromSpans(
          ra.map((p) => spansOf(p.gold)),
          ra.map((p) => spansOf(p.prediction)),
        ),
        nerCountsFromSpans(
          rb.map((p) => spansOf(p.gold)),
          rb.map((p) => spansOf(p.prediction)),
        ),
        options,
      );
    }
    case 'qa': {
      const qa = (rows: readonly ExamplePrediction[]) => rows.filter((p) => p.task === 'qa');
      return compareCmrc2018(cmrcScores(qa(a)), cmrcScores(qa(b)), 'f1', options);
    }
    case 'classification':
    case 'pair':
      return compareAccuracy(
        task === 'pair' ? 'pair-classification' : 'sentence-classification',
        a.map(isCorrect),
        b.map(isCorrect),
        options,
      );
    case 'mc':
      return compareAccuracy('c3', a.map(isCorrect), b.map(isCorrect), options);
  }
}

export interface ColumnRun {
  /** Row key (checkpoint id). */
  key: string;
  value: number;
  predictions: readonly ExamplePrediction[];
}

export interface ColumnComparison {
  /** Row key of the best run (highest headline value; the first on ties). */
  best: string | null;
  /** For every other run: its paired test against the best one. */
  versusBest: Map<string, PairedComparison>;
}

/** The best run of a dataset's column and each other run's paired test against it. */
export function compareColumn(
  task: BenchmarkTask,
  runs: readonly ColumnRun[],
  options: BootstrapOptions = {},
): ColumnComparison {
  if (runs.length === 0) return { best: null, versusBest: new Map() };
  let best = runs[0];
  for (const run of runs) if (run.value > best.value) best = run;
  const versusBest = new Map<string, PairedComparison>();
  for (const run of runs) {
    if (run.key === best.key) continue;
    versusBest.set(run.key, compareRuns(task, best.predictions, run.predictions, options));
  }
  return { best: best.key, versusBest };
}
