/** How the Benchmark view prints numbers: scores × 100 with one decimal, ± half the interval, p-values. */
import type { MetricResult, PairedComparison } from '../../../../shared/metrics/types';

export function points(metric: Pick<MetricResult, 'unit'>, x: number): number {
  return metric.unit === 'fraction' ? 100 * x : x;
}

export function formatScore(metric: MetricResult): string {
  return points(metric, metric.value).toFixed(1);
}

/** Half the width of the bootstrap interval, in points. */
export function halfInterval(metric: MetricResult): number {
  return (points(metric, metric.ci[1]) - points(metric, metric.ci[0])) / 2;
}

export function formatInterval(metric: MetricResult): string {
  return `[${points(metric, metric.ci[0]).toFixed(1)}, ${points(metric, metric.ci[1]).toFixed(1)}]`;
}

export function formatPValue(p: number): string {
  if (p < 0.001) return 'p < 0.001';
  return `p = ${p.toFixed(3)}`;
}

const TEST_NAMES: Record<PairedComparison['test'], string> = {
  'mcnemar-exact-binomial': 'McNemar (exact binomial)',
  'mcnemar-chi-square-continuity-corrected': 'McNemar (χ², continuity corrected)',
  'paired-bootstrap': 'paired bootstrap',
};

/** The tooltip of a cell compared with its column's best. */
export function comparisonText(c: PairedComparison, bestName: string): string {
  const delta = points(c, c.delta);
  const ci = c.deltaCi.map((x) => points(c, x).toFixed(1));
  return `vs ${bestName}: Δ = ${(-delta).toFixed(1)} points [${(-Number(ci[1])).toFixed(1)}, ${(-Number(ci[0])).toFixed(1)}], ${TEST_NAMES[c.test]}, ${formatPValue(c.pValue)} (n = ${c.n})`;
}

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - 60 * minutes)} s`;
}

export const METRIC_NAMES: Record<string, string> = {
  'micro-f1': 'micro-F1',
  'micro-precision': 'micro-precision',
  'micro-recall': 'micro-recall',
  'macro-f1': 'macro-F1',
  'weighted-f1': 'weighted-F1',
  accuracy: 'accuracy',
  'exact-match': 'EM',
  f1: 'F1',
  'cluener-f1': 'CLUENER F1 (official)',
};
