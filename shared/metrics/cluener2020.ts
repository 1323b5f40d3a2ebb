/**
 * The official CLUENER2020 scorer, `score.py` of CLUEbenchmark/CLUENER2020 (`get_f1_score_label`,
 * `get_f1_score`, commit a532068, 2020-01-11), which produced the README's per-entity F1 table and its
 * "Overall@Macro" row.
 *
 * It differs from the span-exact micro-F1 of ./seqeval in three ways, all mirrored here:
 *
 * - Entities are compared as STRINGS, not spans: per sentence and label, the set of entity texts (the keys of
 *   `label[type]` in CLUENER's JSON). A string repeated in a sentence counts once, and a predicted string counts as
 *   correct wherever in the sentence it was found.
 * - Per label: TP = |pred ∩ gold|, FP = |pred − gold|, FN = |gold − pred|, summed over sentences; then
 *   p = TP / (TP + FP), r = TP / (TP + FN), f = 2pr / (p + r).
 * - The headline is the MACRO average of the per-label f over a fixed label list (score.py hard-codes CLUENER's
 *   ten); predicted entities of any other label are ignored.
 *
 * One deviation, because a metric must give a number: where score.py divides by zero (a label with no predicted
 * entity, no gold entity, or no correct one) it stops with ZeroDivisionError; here that ratio is 0 (so f is 0)
 * and a note names the label.
 */
import { microF1Statistic } from './bootstrap';
import { compareCodePoints, type NerCounts } from './seqeval';

/** score.py's `labels`: the ten CLUENER2020 entity types, in its order. */
export const CLUENER2020_LABELS: readonly string[] = [
  'address',
  'book',
  'company',
  'game',
  'government',
  'movie',
  'name',
  'organization',
  'position',
  'scene',
];

/** One sentence's entities as score.py sees them: [label, entity text] pairs (duplicates count once). */
export type CluenerSentence = readonly (readonly [label: string, entity: string])[];

export interface CluenerCountOptions {
  /**
   * The labels to score and average over (score.py's fixed list). By default the labels of the gold entities,
   * which for CLUENER2020's dev set are exactly CLUENER2020_LABELS.
   */
  labels?: readonly string[];
}

/**
 * Per-sentence, per-label [TP, TP + FP, TP + FN] of the entity-string sets, in ./seqeval's NerCounts layout
 * (`counts[(s * labels + t) * 3 + k]`), so the bootstrap can resample sentences.
 */
export function cluenerCounts(
  gold: readonly CluenerSentence[],
  pred: readonly CluenerSentence[],
  options: CluenerCountOptions = {},
): NerCounts {
  if (gold.length !== pred.length) {
    throw new RangeError(
      `CLUENER score: found ${gold.length} gold sentences but ${pred.length} predicted sentences; they must pair up one to one.`,
    );
  }
  const toSets = (sentence: CluenerSentence): Map<string, Set<string>> => {
    const sets = new Map<string, Set<string>>();
    for (const [label, entity] of sentence) {
      let set = sets.get(label);
      if (!set) sets.set(label, (set = new Set()));
      set.add(entity);
    }
    return sets;
  };
  const goldSets = gold.map(toSets);
  const predSets = pred.map(toSets);
  const labels = options.labels
    ? [...options.labels]
    : [...new Set(goldSets.flatMap((m) => [...m.keys()]))].sort(compareCodePoints);
  const T = labels.length;
  const counts = new Int32Array(gold.length * T * 3);
  for (let s = 0; s < gold.length; s++) {
    labels.forEach((label, t) => {
      const g = goldSets[s].get(label);
      const p = predSets[s].get(label);
      const base = (s * T + t) * 3;
      if (p) {
        counts[base + 1] = p.size;
        if (g) for (const entity of p) if (g.has(entity)) counts[base]++;
      }
      if (g) counts[base + 2] = g.size;
    });
  }
  const warnings: string[] = [];
  const scored = new Set(labels);
  const ignored = [...new Set(predSets.flatMap((m) => [...m.keys()]))].filter((l) => !scored.has(l));
  if (ignored.length > 0) {
    warnings.push(
      `predicted entities of ${ignored.sort(compareCodePoints).join(', ')} are not scored: the CLUENER score averages over the gold labels (${labels.join(', ')}) only`,
    );
  }
  return { types: labels, sentences: gold.length, counts, warnings };
}

export interface CluenerLabelScore {
  label: string;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

/** score.py's `f_score` dict (with TP/FP/FN and p, r as it prints them) and its average. */
export interface CluenerScore {
  perLabel: CluenerLabelScore[];
  /** The mean of the per-label F1 over all labels (NaN with no labels). */
  macroF1: number;
  /** Labels where score.py would have stopped with ZeroDivisionError. */
  warnings: string[];
}

/** Per-label F1 with score.py's arithmetic, 0 where it would divide by zero (see the module comment). */
function labelF1(tp: number, predicted: number, gold: number): number {
  return microF1Statistic(Float64Array.of(tp, predicted, gold), 1);
}

/** score.py's average from per-label summed columns [TP, TP + FP, TP + FN] × labels (the bootstrap statistic). */
export function cluenerMacroF1FromSums(sums: Float64Array, labels: number): number {
  if (labels === 0) return NaN;
  let total = 0;
  for (let t = 0; t < labels; t++) total += labelF1(sums[3 * t], sums[3 * t + 1], sums[3 * t + 2]);
  return total / labels;
}

/** The official scores from counts of all sentences. */
export function cluenerScoreFromCounts(counts: NerCounts): CluenerScore {
  const T = counts.types.length;
  const sums = new Float64Array(3 * T);
  for (let i = 0; i < counts.counts.length; i++) sums[i % (3 * T)] += counts.counts[i];
  const warnings: string[] = [];
  const perLabel = counts.types.map((label, t): CluenerLabelScore => {
    const [tp, predicted, gold] = [sums[3 * t], sums[3 * t + 1], sums[3 * t + 2]];
    const why = [
      predicted === 0 && 'no predicted entity (TP + FP = 0)',
      gold === 0 && 'no gold entity (TP + FN = 0)',
      predicted > 0 && gold > 0 && tp === 0 && 'no correct entity (p + r = 0)',
    ].filter(Boolean);
    if (why.length > 0) {
      warnings.push(
        `CLUENER score, label ${label}: ${why.join(', ')}; the official score.py stops with ZeroDivisionError here, this F1 counts as 0`,
      );
    }
    return {
      label,
      tp,
      fp: predicted - tp,
      fn: gold - tp,
      precision: predicted > 0 ? tp / predicted : 0,
      recall: gold > 0 ? tp / gold : 0,
      f1: labelF1(tp, predicted, gold),
    };
  });
  return { perLabel, macroF1: cluenerMacroF1FromSums(sums, T), warnings };
}

/** `get_f1_score` on in-memory sentences: per-label scores and the macro average. */
export function cluenerScore(
  gold: readonly CluenerSentence[],
  pred: readonly CluenerSentence[],
  options: CluenerCountOptions = {},
): CluenerScore {
  const counts = cluenerCounts(gold, pred, options);
  const score = cluenerScoreFromCounts(counts);
  score.warnings.unshift(...counts.warnings);
  return score;
}
