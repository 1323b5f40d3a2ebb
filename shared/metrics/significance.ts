/**
 * McNemar's test for two systems' accuracy on the same examples.
 *
 * Only the discordant pairs matter: b = examples A gets right and B gets wrong, c = the reverse.
 * - b + c < exactBelow (default 25): exact two-sided binomial test, p = min(1, 2 · P[X ≤ min(b, c)]) with
 *   X ~ Binomial(b + c, 1/2) (what statsmodels' `mcnemar(exact=True)` computes).
 * - otherwise: chi-square with Edwards' continuity correction, χ² = (|b − c| − 1)² / (b + c), one degree of
 *   freedom (statsmodels' `mcnemar(exact=False, correction=True)`).
 * The result says which test was used.
 */

export type McNemarTest = 'exact-binomial' | 'chi-square-continuity-corrected';

export interface McNemarResult {
  test: McNemarTest;
  /** Examples A got right and B got wrong. */
  aOnly: number;
  /** Examples B got right and A got wrong. */
  bOnly: number;
  n: number;
  /** χ² for the chi-square test; min(b, c) for the exact test. */
  statistic: number;
  pValue: number;
}

export const MCNEMAR_EXACT_BELOW = 25;

const LN_SQRT_PI = 0.5723649429247001; // ln Γ(1/2)

/** Regularized upper incomplete gamma Q(a, x) (Numerical Recipes' series / continued fraction), for a = 1/2 here. */
function gammaQHalf(x: number): number {
  const a = 0.5;
  if (x <= 0) return 1;
  const eps = 1e-16;
  const logPrefix = -x + a * Math.log(x) - LN_SQRT_PI;
  if (x < a + 1) {
    let ap = a;
    let del = 1 / a;
    let sum = del;
    for (let i = 0; i < 1000; i++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * eps) break;
    }
    return 1 - sum * Math.exp(logPrefix);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < eps) break;
  }
  return Math.exp(logPrefix) * h;
}

/** Survival function of the chi-square distribution with one degree of freedom: P[χ²₁ > x]. */
export function chiSquare1Sf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return gammaQHalf(x / 2);
}

/** P[X ≤ k] for X ~ Binomial(n, 1/2), summed in log space so that large n does not overflow. */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (n <= 48) {
    // Exact in doubles: every C(n, i) · (n − i) stays below 2^53, and dividing by 2^n is exact.
    let c = 1;
    let total = 1;
    for (let i = 1; i <= k; i++) {
      c = (c * (n - i + 1)) / i;
      total += c;
    }
    return total / 2 ** n;
  }
  const logHalfN = -n * Math.LN2;
  let logC = 0; // log C(n, 0)
  let total = Math.exp(logC + logHalfN);
  for (let i = 1; i <= k; i++) {
    logC += Math.log(n - i + 1) - Math.log(i);
    total += Math.exp(logC + logHalfN);
  }
  return Math.min(1, total);
}

/** McNemar's test from the discordant counts. */
export function mcnemarFromCounts(
  aOnly: number,
  bOnly: number,
  n: number,
  options: { exactBelow?: number } = {},
): McNemarResult {
  for (const [name, v] of [
    ['aOnly', aOnly],
    ['bOnly', bOnly],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`mcnemar: ${name} must be a non-negative integer count (got ${v}).`);
  }
  const exactBelow = options.exactBelow ?? MCNEMAR_EXACT_BELOW;
  const discordant = aOnly + bOnly;
  if (discordant < exactBelow) {
    const k = Math.min(aOnly, bOnly);
    const pValue = discordant === 0 ? 1 : Math.min(1, 2 * binomialHalfCdf(k, discordant));
    return { test: 'exact-binomial', aOnly, bOnly, n, statistic: k, pValue };
  }
  const statistic = (Math.abs(aOnly - bOnly) - 1) ** 2 / discordant;
  return {
    test: 'chi-square-continuity-corrected',
    aOnly,
    bOnly,
    n,
    statistic,
    pValue: chiSquare1Sf(statistic),
  };
}

/** McNemar's test from per-example correctness of A and B (same examples, same order). */
export function mcnemar(
  correctA: ArrayLike<boolean | number>,
  correctB: ArrayLike<boolean | number>,
  options: { exactBelow?: number } = {},
): McNemarResult {
  if (correctA.length !== correctB.length) {
    throw new RangeError(
      `mcnemar: system A has ${correctA.length} judged examples and system B has ${correctB.length}; a paired test needs the same examples.`,
    );
  }
  let aOnly = 0;
  let bOnly = 0;
  for (let i = 0; i < correctA.length; i++) {
    const a = Boolean(correctA[i]);
    const b = Boolean(correctB[i]);
    if (a && !b) aOnly++;
    else if (b && !a) bOnly++;
  }
  return mcnemarFromCounts(aOnly, bOnly, correctA.length, options);
}
