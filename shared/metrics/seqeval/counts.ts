/**
 * Per-sentence, per-type entity counts (true positives, predicted, gold) from tag sequences (default or strict
 * mode) or from span lists, and their sums. Summing the counts of all sentences gives exactly seqeval's
 * `tp_sum`, `pred_sum`, `true_sum` (`seqeval/metrics/v1.py` `_precision_recall_fscore_support`); the bootstrap in
 * ../bootstrap resamples the sentences and sums again.
 */
import { seqevalEntities } from './chunks';
import { checkConsistentLength, compareCodePoints, SeqevalInputError } from './input';
import { seqevalAutoDetectScheme, seqevalStrictEntities, type SeqevalScheme } from './schemes';

export type SeqevalMode = 'default' | 'strict';

export interface NerOptions {
  mode?: SeqevalMode;
  /** Strict mode only: the scheme, or 'auto' for seqeval's auto_detect on the gold tags (the default). */
  scheme?: SeqevalScheme | 'auto';
  suffix?: boolean;
}

/**
 * Per-sentence, per-type counts: `counts[(s * types.length + t) * 3 + k]` with k = 0 true positives,
 * 1 predicted entities, 2 gold entities. `types` is the sorted union of gold and predicted types (seqeval's
 * `target_names`). Summing over sentences gives exactly seqeval's `tp_sum`, `pred_sum`, `true_sum`.
 */
export interface NerCounts {
  types: string[];
  sentences: number;
  counts: Int32Array;
  /** The scheme used in strict mode (after auto-detection). */
  scheme?: SeqevalScheme;
  warnings: string[];
}

function sentenceOfOffset(starts: Int32Array, offset: number): number {
  // starts[s] = flattened offset of sentence s's first token; binary search for the last start <= offset.
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Entity sets per type, keyed by sentence and span, for both sides. */
function collectEntities(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  options: NerOptions,
  warnings: string[],
): {
  gold: Map<string, Map<string, number>>;
  pred: Map<string, Map<string, number>>;
  scheme?: SeqevalScheme;
} {
  const suffix = options.suffix ?? false;
  const gold = new Map<string, Map<string, number>>();
  const pred = new Map<string, Map<string, number>>();
  const add = (into: Map<string, Map<string, number>>, type: string, key: string, sentence: number): void => {
    let m = into.get(type);
    if (!m) into.set(type, (m = new Map()));
    m.set(key, sentence);
  };

  if ((options.mode ?? 'default') === 'strict') {
    const scheme =
      !options.scheme || options.scheme === 'auto'
        ? seqevalAutoDetectScheme(yTrue, { suffix })
        : options.scheme;
    yTrue.forEach((sentence, s) => {
      for (const e of seqevalStrictEntities(sentence, scheme, { suffix, sentenceIndex: s }))
        add(gold, e.type, `${s}:${e.start}:${e.end}`, s);
    });
    yPred.forEach((sentence, s) => {
      for (const e of seqevalStrictEntities(sentence, scheme, { suffix, sentenceIndex: s }))
        add(pred, e.type, `${s}:${e.start}:${e.end}`, s);
    });
    return { gold, pred, scheme };
  }

  // Default mode: exactly seqeval's flattened get_entities; each chunk is attributed to the sentence it starts in.
  const starts = new Int32Array(yTrue.length);
  let offset = 0;
  yTrue.forEach((sentence, s) => {
    starts[s] = offset;
    offset += sentence.length + 1;
  });
  const sides: [readonly (readonly string[])[], Map<string, Map<string, number>>][] = [
    [yTrue, gold],
    [yPred, pred],
  ];
  for (const [side, into] of sides) {
    const entities = seqevalEntities(side.length === 0 ? [] : (side as (readonly string[])[]), {
      suffix,
      warnings,
    });
    for (const [type, start, end] of entities)
      add(into, type, `${start}:${end}`, starts.length ? sentenceOfOffset(starts, start) : 0);
  }
  return { gold, pred };
}

/**
 * Per-sentence entity counts for gold `yTrue` and predicted `yPred` (one tag per token, sentences paired).
 * Default mode is seqeval's default (conlleval) chunking; strict mode uses a scheme.
 */
export function nerCounts(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  options: NerOptions = {},
): NerCounts {
  checkConsistentLength(yTrue, yPred);
  const warnings: string[] = [];
  const { gold, pred, scheme } = collectEntities(yTrue, yPred, options, warnings);
  const types = [...new Set([...gold.keys(), ...pred.keys()])].sort(compareCodePoints);
  const T = types.length;
  const counts = new Int32Array(yTrue.length * T * 3);
  types.forEach((type, t) => {
    const g = gold.get(type) ?? new Map<string, number>();
    const p = pred.get(type) ?? new Map<string, number>();
    for (const [key, s] of p) {
      counts[(s * T + t) * 3 + 1]++;
      if (g.has(key)) counts[(s * T + t) * 3]++;
    }
    for (const s of g.values()) counts[(s * T + t) * 3 + 2]++;
  });
  return { types, sentences: yTrue.length, counts, scheme, warnings };
}

/** Span-list input: per sentence, the entities as [type, start, endExclusive]. Compared as exact sets. */
export type SpanSentence = readonly (readonly [type: string, start: number, end: number])[];

/**
 * Per-sentence counts from span lists (e.g. character spans the annotator stores). An entity is correct when type,
 * start and end all match a gold entity of the same sentence (duplicates count once, as in seqeval's sets).
 */
export function nerCountsFromSpans(gold: readonly SpanSentence[], pred: readonly SpanSentence[]): NerCounts {
  if (gold.length !== pred.length) {
    throw new SeqevalInputError(
      `Found ${gold.length} gold sentences but ${pred.length} predicted sentences; they must pair up one to one.`,
    );
  }
  const goldSets: Map<string, Set<string>>[] = [];
  const predSets: Map<string, Set<string>>[] = [];
  const typeSet = new Set<string>();
  const toSets = (sentence: SpanSentence, s: number, side: string): Map<string, Set<string>> => {
    const m = new Map<string, Set<string>>();
    sentence.forEach(([type, start, end], i) => {
      if (typeof type !== 'string' || !Number.isInteger(start) || !Number.isInteger(end) || end <= start) {
        throw new SeqevalInputError(
          `${side} sentence ${s}, span ${i}: ${JSON.stringify([type, start, end])} is not [type, start, endExclusive] with integer start < end.`,
        );
      }
      typeSet.add(type);
      let set = m.get(type);
      if (!set) m.set(type, (set = new Set()));
      set.add(`${start}:${end}`);
    });
    return m;
  };
  gold.forEach((g, s) => goldSets.push(toSets(g, s, 'gold')));
  pred.forEach((p, s) => predSets.push(toSets(p, s, 'predicted')));
  const types = [...typeSet].sort(compareCodePoints);
  const T = types.length;
  const counts = new Int32Array(gold.length * T * 3);
  for (let s = 0; s < gold.length; s++) {
    types.forEach((type, t) => {
      const g = goldSets[s].get(type);
      const p = predSets[s].get(type);
      const base = (s * T + t) * 3;
      if (p) {
        counts[base + 1] = p.size;
        if (g) for (const key of p) if (g.has(key)) counts[base]++;
      }
      if (g) counts[base + 2] = g.size;
    });
  }
  return { types, sentences: gold.length, counts, warnings: [] };
}

/** Sums the per-sentence counts of the given sentences (all by default) into per-type [tp, pred, true]. */
export function sumNerCounts(
  counts: NerCounts,
  sentenceIndices?: ArrayLike<number>,
): { tp: Float64Array; pred: Float64Array; gold: Float64Array } {
  const T = counts.types.length;
  const tp = new Float64Array(T);
  const pred = new Float64Array(T);
  const gold = new Float64Array(T);
  const n = sentenceIndices ? sentenceIndices.length : counts.sentences;
  for (let i = 0; i < n; i++) {
    const s = sentenceIndices ? sentenceIndices[i] : i;
    for (let t = 0; t < T; t++) {
      const base = (s * T + t) * 3;
      tp[t] += counts.counts[base];
      pred[t] += counts.counts[base + 1];
      gold[t] += counts.counts[base + 2];
    }
  }
  return { tp, pred, gold };
}
