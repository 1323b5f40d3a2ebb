/**
 * Fleiss' kappa on character tags for any number of annotators (Fleiss 1971). Every character of an
 * example annotated by n ≥ 2 people is one rated item; its category per annotator is the covering span's
 * label or 'O' (characterTags). Items may have different numbers of raters (examples reached by 2 of 3
 * annotators), so the per-item agreement uses each item's own n:
 *   P_i = (Σ_j n_ij² − n_i) / (n_i (n_i − 1)),  P̄ = mean of P_i over items,
 *   p_j = Σ_i n_ij / Σ_i n_i,  P̄_e = Σ_j p_j²,  κ = (P̄ − P̄_e) / (1 − P̄_e).
 * With the same n for every item this is Fleiss' original formula. κ is null when P̄_e = 1 (everyone used
 * one category everywhere) or nothing was rated twice.
 */
import { characterTags, type AgreementSpan } from './agreement';

export interface FleissReport {
  examples: number;
  characters: number;
  observed: number;
  expected: number;
  kappa: number | null;
}

export class FleissAccumulator {
  private examples = 0;
  private items = 0;
  private agreementSum = 0;
  private ratings = 0;
  private readonly categoryTotals = new Map<string, number>();

  /** One example: its length in code points and each of its annotators' spans (fewer than 2: skipped). */
  add(length: number, versions: readonly (readonly AgreementSpan[])[]): void {
    const n = versions.length;
    if (n < 2 || length === 0) return;
    this.examples += 1;
    const tags = versions.map((spans) => characterTags(length, spans));
    for (let i = 0; i < length; i++) {
      const counts = new Map<string, number>();
      for (const row of tags) counts.set(row[i]!, (counts.get(row[i]!) ?? 0) + 1);
      let squares = 0;
      for (const [category, count] of counts) {
        squares += count * count;
        this.categoryTotals.set(category, (this.categoryTotals.get(category) ?? 0) + count);
      }
      this.agreementSum += (squares - n) / (n * (n - 1));
      this.ratings += n;
      this.items += 1;
    }
  }

  report(): FleissReport {
    if (this.items === 0)
      return { examples: this.examples, characters: 0, observed: 0, expected: 0, kappa: null };
    const observed = this.agreementSum / this.items;
    let expected = 0;
    for (const total of this.categoryTotals.values()) expected += (total / this.ratings) ** 2;
    const kappa = expected >= 1 ? null : (observed - expected) / (1 - expected);
    return { examples: this.examples, characters: this.items, observed, expected, kappa };
  }
}
