/**
 * Benchmark reports: every run (checkpoint × dataset) with its metrics, intervals, settings and
 * reproducibility facts, exported as JSON (every number), CSV (one row per metric) and Markdown (a table like
 * the NEZHA paper's: rows checkpoints, columns datasets, headline metric ± interval).
 */
import type { MetricResult, PairedComparison } from '../metrics/types';
import type { HeadPlan } from './compatibility';
import type { PredictionSettings } from './runner';
import { HEADLINE_METRIC } from './score';
import type { BenchmarkTask, BenchmarkTiming } from './types';

export const BENCHMARK_REPORT_SCHEMA = 'nezha-studio/benchmark-report@1';

export interface BenchmarkRunRecord {
  checkpoint: {
    /** A display name (folder name or library name). */
    name: string;
    path?: string;
    /** SHA-256 of the weight bytes (see hashCheckpointWeights). */
    sha256: string;
    weightFiles: { file: string; bytes: number; sha256: string }[];
    className: HeadPlan['className'];
    numLabels: number;
    labelMatch: HeadPlan['labelMatch'];
  };
  dataset: {
    name: string;
    path?: string;
    /** SHA-256 of the dataset file's bytes. */
    sha256: string;
    format: string;
    task: BenchmarkTask;
    /** Records in the file, and how many were evaluated (fewer with a limit). */
    records: number;
    evaluated: number;
  };
  settings: PredictionSettings & { limit: number | null; resamples: number; ciLevel: number; seed: number };
  environment: { backend: string; device?: string; appVersion: string; runtime?: string };
  startedAt: string;
  finishedAt: string;
  /** Examples whose predictions were resumed from an earlier, interrupted run. */
  resumed: number;
  metrics: MetricResult[];
  timing: BenchmarkTiming;
  notes: string[];
}

/** A paired test of two checkpoints on one dataset (see comparePredictions). */
export interface ReportComparison {
  dataset: { name: string; sha256: string };
  a: { name: string; sha256: string };
  b: { name: string; sha256: string };
  comparison: PairedComparison;
}

export interface BenchmarkReport {
  schema: typeof BENCHMARK_REPORT_SCHEMA;
  appVersion: string;
  createdAt: string;
  runs: BenchmarkRunRecord[];
  comparisons?: ReportComparison[];
}

/** Differences with a p-value below this are marked in the Markdown table. */
export const SIGNIFICANCE_LEVEL = 0.05;

export function buildReport(
  runs: BenchmarkRunRecord[],
  info: { appVersion: string; createdAt: string },
  comparisons: ReportComparison[] = [],
): BenchmarkReport {
  const report: BenchmarkReport = {
    schema: BENCHMARK_REPORT_SCHEMA,
    appVersion: info.appVersion,
    createdAt: info.createdAt,
    runs,
  };
  if (comparisons.length > 0) report.comparisons = comparisons;
  return report;
}

export function reportToJson(report: BenchmarkReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------------------------

const METRIC_LABEL: Record<string, string> = {
  'micro-f1': 'F1',
  'macro-f1': 'macro-F1',
  accuracy: 'Acc',
  'exact-match': 'EM',
  f1: 'F1',
};

/** A metric as the paper prints it: × 100 with one decimal. */
function points(metric: MetricResult, x: number): number {
  return metric.unit === 'fraction' ? 100 * x : x;
}

function fixed(x: number): string {
  return (Math.round(x * 10) / 10).toFixed(1);
}

/** "82.4 ± 3.1": the value and half the width of its bootstrap interval, in points. */
export function formatWithInterval(metric: MetricResult): string {
  const value = points(metric, metric.value);
  const half = (points(metric, metric.ci[1]) - points(metric, metric.ci[0])) / 2;
  return `${fixed(value)} ± ${fixed(half)}`;
}

function escapeCell(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function cellOf(run: BenchmarkRunRecord): { text: string; score: number } {
  const find = (name: string) => run.metrics.find((m) => m.metric === name);
  if (run.dataset.task === 'qa') {
    const em = find('exact-match');
    const f1 = find('f1');
    const text = [em, f1].map((m) => (m ? formatWithInterval(m) : '—')).join(' / ');
    return { text, score: f1?.value ?? -Infinity };
  }
  const headline = find(HEADLINE_METRIC[run.dataset.task]);
  return headline
    ? { text: formatWithInterval(headline), score: headline.value }
    : { text: '—', score: -Infinity };
}

function keyOf(x: { name: string; sha256: string }): string {
  return `${x.sha256}\u0000${x.name}`;
}

/** Rows checkpoints, columns datasets, cells headline metric ± CI (CMRC 2018: EM / F1), best per column in bold. */
export function reportToMarkdown(report: BenchmarkReport): string {
  const checkpoints = new Map<string, BenchmarkRunRecord['checkpoint']>();
  const datasets = new Map<string, BenchmarkRunRecord['dataset']>();
  const cells = new Map<string, BenchmarkRunRecord>();
  for (const run of report.runs) {
    checkpoints.set(keyOf(run.checkpoint), run.checkpoint);
    datasets.set(keyOf(run.dataset), run.dataset);
    cells.set(`${keyOf(run.checkpoint)}\u0001${keyOf(run.dataset)}`, run);
  }
  const datasetKeys = [...datasets.keys()];
  const best = new Map<string, number>();
  for (const d of datasetKeys) {
    for (const c of checkpoints.keys()) {
      const run = cells.get(`${c}\u0001${d}`);
      if (run) best.set(d, Math.max(best.get(d) ?? -Infinity, cellOf(run).score));
    }
  }
  const header = datasetKeys.map((d) => {
    const dataset = datasets.get(d)!;
    const metric = dataset.task === 'qa' ? 'EM / F1' : METRIC_LABEL[HEADLINE_METRIC[dataset.task]];
    return `${escapeCell(dataset.name)} (${metric})`;
  });
  const lines: string[] = [
    '# Benchmark report',
    '',
    `Nezha Studio ${report.appVersion}, ${report.createdAt}.`,
    '',
    `| Checkpoint | ${header.join(' | ')} |`,
    `| --- | ${datasetKeys.map(() => '---').join(' | ')} |`,
  ];
  // A cell is marked when a paired test against the column's best checkpoint gives p < SIGNIFICANCE_LEVEL.
  const bestCheckpoints = new Map<string, Set<string>>();
  for (const d of datasetKeys) {
    const set = new Set<string>();
    for (const c of checkpoints.keys()) {
      const run = cells.get(`${c}\u0001${d}`);
      if (run && cellOf(run).score === best.get(d)) set.add(c);
    }
    bestCheckpoints.set(d, set);
  }
  const significant = (c: string, d: string): boolean =>
    (report.comparisons ?? []).some((x) => {
      if (keyOf(x.dataset) !== d || x.comparison.pValue >= SIGNIFICANCE_LEVEL) return false;
      const [a, b] = [keyOf(x.a), keyOf(x.b)];
      const bests = bestCheckpoints.get(d)!;
      return (a === c && bests.has(b)) || (b === c && bests.has(a));
    });
  let marked = false;
  let bolded = false;
  const runsPerDataset = new Map<string, number>();
  for (const run of report.runs)
    runsPerDataset.set(keyOf(run.dataset), (runsPerDataset.get(keyOf(run.dataset)) ?? 0) + 1);
  for (const [c, checkpoint] of checkpoints) {
    const row = datasetKeys.map((d) => {
      const run = cells.get(`${c}\u0001${d}`);
      if (!run) return '—';
      const { text, score } = cellOf(run);
      // Bold only where there is something to compare: two or more runs in the column.
      const isBest = (runsPerDataset.get(d) ?? 0) > 1 && score === best.get(d) && Number.isFinite(score);
      if (isBest) bolded = true;
      if (isBest) return `**${text}**`;
      if (significant(c, d)) {
        marked = true;
        return `${text} *`;
      }
      return text;
    });
    lines.push(`| ${escapeCell(checkpoint.name)} | ${row.join(' | ')} |`);
  }
  const levels = [...new Set(report.runs.flatMap((r) => r.metrics.map((m) => m.ciLevel)))];
  const resamples = [...new Set(report.runs.flatMap((r) => r.metrics.map((m) => m.resamples)))];
  lines.push(
    '',
    `Scores × 100. ± is half the width of the ${levels.map((l) => `${Math.round(l * 1000) / 10} %`).join('/')} percentile-bootstrap interval over examples (${resamples.join('/')} resamples); the exact bounds are in the JSON and CSV exports.` +
      (bolded ? ' Bold: best in its column.' : '') +
      (marked
        ? ` \\*: differs from the column's best at p < ${SIGNIFICANCE_LEVEL} (paired test on the same examples).`
        : ''),
    '',
    '## Runs',
    '',
    '| Checkpoint | Weights SHA-256 | Dataset | Dataset SHA-256 | n | Backend | Examples/s | Batch p50 (ms) | Batch p95 (ms) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const run of report.runs) {
    lines.push(
      `| ${escapeCell(run.checkpoint.name)} | \`${run.checkpoint.sha256.slice(0, 16)}\` | ${escapeCell(run.dataset.name)} | \`${run.dataset.sha256.slice(0, 16)}\` | ${run.dataset.evaluated} | ${escapeCell(run.environment.backend + (run.environment.device ? ` (${run.environment.device})` : ''))} | ${run.timing.examplesPerSecond.toFixed(1)} | ${run.timing.batchLatencyMs.p50.toFixed(1)} | ${run.timing.batchLatencyMs.p95.toFixed(1)} |`,
    );
  }
  if (report.comparisons && report.comparisons.length > 0) {
    lines.push(
      '',
      '## Paired tests',
      '',
      '| Dataset | A | B | Metric | A − B (95 % CI) | Test | p |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const { dataset, a, b, comparison: x } of report.comparisons) {
      const scale = x.unit === 'fraction' ? 100 : 1;
      const resolution = 2 / Math.max(1, x.resamples);
      const p =
        x.test === 'paired-bootstrap' && x.pValue < resolution
          ? `< ${resolution}`
          : x.pValue < 0.001
            ? x.pValue.toExponential(1)
            : x.pValue.toFixed(3);
      lines.push(
        `| ${escapeCell(dataset.name)} | ${escapeCell(a.name)} | ${escapeCell(b.name)} | ${METRIC_LABEL[x.metric] ?? x.metric} | ${fixed(scale * x.delta)} [${fixed(scale * x.deltaCi[0])}, ${fixed(scale * x.deltaCi[1])}] | ${x.test} | ${p} |`,
      );
    }
  }
  const notes = report.runs.flatMap((run) =>
    [...run.notes, ...run.metrics.flatMap((m) => m.notes ?? [])].map(
      (note) => `${run.checkpoint.name} on ${run.dataset.name}: ${note}`,
    ),
  );
  if (notes.length > 0) {
    lines.push('', '## Notes', '', ...[...new Set(notes)].map((n) => `- ${escapeCell(n)}`));
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------------------------

export const CSV_COLUMNS = [
  'checkpoint',
  'checkpoint_sha256',
  'dataset',
  'dataset_sha256',
  'task',
  'metric',
  'unit',
  'value',
  'ci_low',
  'ci_high',
  'ci_level',
  'n',
  'resamples',
  'seed',
  'backend',
  'device',
  'app_version',
  'examples_per_second',
  'batch_latency_p50_ms',
  'batch_latency_p95_ms',
] as const;

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One row per (run, metric), RFC 4180 quoting, CRLF line ends, full-precision numbers. */
export function reportToCsv(report: BenchmarkReport): string {
  const rows: (string | number)[][] = [[...CSV_COLUMNS]];
  for (const run of report.runs) {
    for (const m of run.metrics) {
      rows.push([
        run.checkpoint.name,
        run.checkpoint.sha256,
        run.dataset.name,
        run.dataset.sha256,
        run.dataset.task,
        m.metric,
        m.unit,
        m.value,
        m.ci[0],
        m.ci[1],
        m.ciLevel,
        m.n,
        m.resamples,
        m.seed,
        run.environment.backend,
        run.environment.device ?? '',
        run.environment.appVersion,
        run.timing.examplesPerSecond,
        run.timing.batchLatencyMs.p50,
        run.timing.batchLatencyMs.p95,
      ]);
    }
  }
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
