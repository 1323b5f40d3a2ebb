/** Throughput, ETA and per-batch latency percentiles of a benchmark run. */
import type { BenchmarkTiming } from './types';

/** numpy.percentile's default (linear) interpolation; q in [0, 100]. NaN for no values. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (q / 100) * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(sorted.length - 1, lower + 1);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

/** A monotonic clock in milliseconds (performance.now where it exists, as in browsers, workers and Node). */
export function defaultClock(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

export function summariseTiming(args: {
  backend: string;
  device?: string;
  examples: number;
  totalMs: number;
  batchLatenciesMs: readonly number[];
}): BenchmarkTiming {
  const latencies = args.batchLatenciesMs;
  const round = (x: number): number => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : 0);
  const timing: BenchmarkTiming = {
    backend: args.backend,
    examples: args.examples,
    batches: latencies.length,
    totalMs: round(args.totalMs),
    examplesPerSecond: args.totalMs > 0 ? round((1000 * args.examples) / args.totalMs) : 0,
    batchLatencyMs: {
      p50: round(percentile(latencies, 50)),
      p95: round(percentile(latencies, 95)),
      mean: round(latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length)),
      max: round(latencies.reduce((a, b) => Math.max(a, b), 0)),
    },
  };
  if (args.device !== undefined) timing.device = args.device;
  return timing;
}
