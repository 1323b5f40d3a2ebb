/**
 * Inter-annotator agreement for NER: two annotators (A and B) labelled the same texts with character
 * spans. Two measures, both accumulated one example at a time so a whole corpus never sits in memory:
 *
 * - Span agreement (exact match): a span of A matches a span of B when start, end and label are all
 *   equal. With B taken as the reference, precision = matches / |A|, recall = matches / |B| and
 *   F1 = 2·matches / (|A| + |B|) (symmetric, so swapping A and B swaps P and R and keeps F1). Per label
 *   and overall (micro). Precision or recall with a zero denominator is 0; F1 is 1 when neither
 *   annotator has any span (nothing to disagree on).
 *
 * - Cohen's kappa on character tags: every character of every example gets one category from each
 *   annotator, its span's label or 'O' outside spans. p_o is the observed share of characters with the
 *   same category, p_e = Σ_k (n_A,k / N)(n_B,k / N) the agreement expected by chance from each
 *   annotator's marginal distribution, and κ = (p_o − p_e) / (1 − p_e) (Cohen 1960). κ is undefined
 *   when p_e = 1 (both annotators used one and the same category everywhere); it is reported as null.
 *
 * Offsets are code points, end exclusive (as stored). Spans within one annotator's version do not
 * overlap (the store refuses it); if they did, the later span in the list would own the shared characters.
 */

export interface AgreementSpan {
  start: number;
  end: number;
  label: string;
}

export interface SpanAgreement {
  /** Spans of A that B has too (same start, end, label). */
  matched: number;
  /** Spans A has. */
  spansA: number;
  /** Spans B has. */
  spansB: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface KappaResult {
  /** Characters compared (all characters of all examples). */
  characters: number;
  /** p_o: share of characters where A and B chose the same category. */
  observed: number;
  /** p_e: chance agreement from the two marginal distributions. */
  expected: number;
  /** (p_o − p_e) / (1 − p_e); null when p_e = 1. */
  kappa: number | null;
  /** Per category (labels and 'O'): how many characters each annotator gave it. */
  marginals: Record<string, { a: number; b: number }>;
}

export interface AgreementReport {
  examples: number;
  overall: SpanAgreement;
  perLabel: Record<string, SpanAgreement>;
  kappa: KappaResult;
}

interface Counts {
  matched: number;
  spansA: number;
  spansB: number;
}

/** Accumulates agreement example by example; `report()` can be called at any point. */
export class AgreementAccumulator {
  private examples = 0;
  private readonly perLabel = new Map<string, Counts>();
  private characters = 0;
  private agreeing = 0;
  private readonly marginals = new Map<string, { a: number; b: number }>();

  /** One example: its length in code points and each annotator's spans on it. */
  add(length: number, spansA: readonly AgreementSpan[], spansB: readonly AgreementSpan[]): void {
    if (!Number.isInteger(length) || length < 0) {
      throw new RangeError(`agreement: example length must be a non-negative integer, got ${length}`);
    }
    for (const [name, spans] of [
      ['A', spansA],
      ['B', spansB],
    ] as const) {
      for (const s of spans) {
        if (!(
          Number.isInteger(s.start) &&
          Number.isInteger(s.end) &&
          s.start >= 0 &&
          s.end > s.start &&
          s.end <= length
        )) {
          throw new RangeError(
            `agreement: annotator ${name}'s span ${s.label} [${s.start}, ${s.end}) lies outside the example (0..${length})`,
          );
        }
      }
    }
    this.examples += 1;

    const keysB = new Set(spansB.map(spanKey));
    for (const s of spansA) {
      const counts = this.counts(s.label);
      counts.spansA += 1;
      if (keysB.has(spanKey(s))) counts.matched += 1;
    }
    for (const s of spansB) this.counts(s.label).spansB += 1;

    const tagsA = characterTags(length, spansA);
    const tagsB = characterTags(length, spansB);
    for (let i = 0; i < length; i++) {
      const a = tagsA[i]!;
      const b = tagsB[i]!;
      if (a === b) this.agreeing += 1;
      this.marginal(a).a += 1;
      this.marginal(b).b += 1;
    }
    this.characters += length;
  }

  report(): AgreementReport {
    const perLabel: Record<string, SpanAgreement> = {};
    const total: Counts = { matched: 0, spansA: 0, spansB: 0 };
    for (const label of [...this.perLabel.keys()].sort()) {
      const counts = this.perLabel.get(label)!;
      perLabel[label] = scores(counts);
      total.matched += counts.matched;
      total.spansA += counts.spansA;
      total.spansB += counts.spansB;
    }
    const n = this.characters;
    const marginals: Record<string, { a: number; b: number }> = {};
    let expected = 0;
    for (const category of [...this.marginals.keys()].sort()) {
      const m = this.marginals.get(category)!;
      marginals[category] = { ...m };
      expected += n === 0 ? 0 : (m.a / n) * (m.b / n);
    }
    const observed = n === 0 ? 0 : this.agreeing / n;
    const kappa = n === 0 || expected >= 1 ? null : (observed - expected) / (1 - expected);
    return {
      examples: this.examples,
      overall: scores(total),
      perLabel,
      kappa: { characters: n, observed, expected, kappa, marginals },
    };
  }

  private counts(label: string): Counts {
    let counts = this.perLabel.get(label);
    if (!counts) this.perLabel.set(label, (counts = { matched: 0, spansA: 0, spansB: 0 }));
    return counts;
  }

  private marginal(category: string): { a: number; b: number } {
    let m = this.marginals.get(category);
    if (!m) this.marginals.set(category, (m = { a: 0, b: 0 }));
    return m;
  }
}

/** Agreement over a list of examples held in memory (tests, small sets). */
export function computeAgreement(
  examples: Iterable<{ length: number; a: readonly AgreementSpan[]; b: readonly AgreementSpan[] }>,
): AgreementReport {
  const acc = new AgreementAccumulator();
  for (const e of examples) acc.add(e.length, e.a, e.b);
  return acc.report();
}

/** Per character: the label of the span covering it, or 'O'. */
export function characterTags(length: number, spans: readonly AgreementSpan[]): string[] {
  const tags = new Array<string>(length).fill('O');
  for (const s of spans) for (let i = s.start; i < s.end && i < length; i++) tags[i] = s.label;
  return tags;
}

/** Spans on which A and B agree exactly (same start, end and label), in A's order. */
export function agreeingSpans<T extends AgreementSpan>(a: readonly T[], b: readonly AgreementSpan[]): T[] {
  const keysB = new Set(b.map(spanKey));
  return a.filter((s) => keysB.has(spanKey(s)));
}

function spanKey(s: AgreementSpan): string {
  return `${s.start}\u0000${s.end}\u0000${s.label}`;
}

function scores(c: Counts): SpanAgreement {
  const precision = c.spansA === 0 ? 0 : c.matched / c.spansA;
  const recall = c.spansB === 0 ? 0 : c.matched / c.spansB;
  const denominator = c.spansA + c.spansB;
  const f1 = denominator === 0 ? 1 : (2 * c.matched) / denominator;
  return { ...c, precision, recall, f1 };
}
