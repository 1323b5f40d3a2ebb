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

/**
 * Differences with a p-value below this are marked, as the comparison grid marks them
 * (renderer/src/views/benchmark/BenchmarkGrid.tsx uses the same level).
 */
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

// ---------------------------------------------------------------------------------------------------------------
// Significance marks (the comparison grid's: ★ best, ▼ significantly worse than the best, n.s.)
// ---------------------------------------------------------------------------------------------------------------

/** A run's standing in its dataset's column, as the grid marks it. */
export type ColumnMark =
  { mark: 'best' } | { mark: 'worse' | 'not-significant'; best: string; comparison: PairedComparison };

/** The grid's mark text: "★ best", "▼ p=0.012" / "▼ p<0.001", "n.s. (p=0.34)". */
export function columnMarkText(mark: ColumnMark): string {
  if (mark.mark === 'best') return '★ best';
  const p = mark.comparison.pValue;
  if (mark.mark === 'worse') return `▼ ${p < 0.001 ? 'p<0.001' : `p=${p.toFixed(3)}`}`;
  return `n.s. (p=${p.toFixed(2)})`;
}

function runKeyOf(run: BenchmarkRunRecord): string {
  return `${keyOf(run.checkpoint)}\u0001${keyOf(run.dataset)}`;
}

/**
 * Each run's mark, keyed by checkpoint and dataset: the best score of a column with two or more runs is "best"
 * (ties all are); another run is "worse" when a paired test of it against the column's best (from
 * `report.comparisons`, either way round) gives p < SIGNIFICANCE_LEVEL, else "not-significant". A run with no
 * such test gets no mark.
 */
function columnMarks(report: BenchmarkReport): Map<string, ColumnMark> {
  const columns = new Map<string, BenchmarkRunRecord[]>();
  for (const run of report.runs) {
    const d = keyOf(run.dataset);
    columns.set(d, [...(columns.get(d) ?? []), run]);
  }
  const marks = new Map<string, ColumnMark>();
  for (const [d, runs] of columns) {
    if (runs.length < 2) continue;
    const best = Math.max(...runs.map((r) => cellOf(r).score));
    if (!Number.isFinite(best)) continue;
    const bests = runs.filter((r) => cellOf(r).score === best);
    const bestKeys = new Set(bests.map((r) => keyOf(r.checkpoint)));
    for (const run of runs) {
      const c = keyOf(run.checkpoint);
      if (bestKeys.has(c)) {
        marks.set(runKeyOf(run), { mark: 'best' });
        continue;
      }
      const test = (report.comparisons ?? []).find((x) => {
        if (keyOf(x.dataset) !== d) return false;
        const [a, b] = [keyOf(x.a), keyOf(x.b)];
        return (a === c && bestKeys.has(b)) || (b === c && bestKeys.has(a));
      });
      if (!test) continue;
      const bestSide = keyOf(test.a) === c ? test.b : test.a;
      marks.set(runKeyOf(run), {
        mark: test.comparison.pValue < SIGNIFICANCE_LEVEL ? 'worse' : 'not-significant',
        best: bestSide.name,
        comparison: test.comparison,
      });
    }
  }
  return marks;
}

// ---------------------------------------------------------------------------------------------------------------
// Markdown table layout
// ---------------------------------------------------------------------------------------------------------------

/** East Asian wide and fullwidth ranges (Unicode UAX #11 W and F): two columns in a monospace font. */
const WIDE_RANGES: readonly [number, number][] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
];

/** Columns a text takes in a monospace font: wide CJK characters count two, combining marks none. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if ((cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f))
      continue;
    width += WIDE_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi) ? 2 : 1;
  }
  return width;
}

type Align = 'left' | 'right';

/**
 * A GFM table whose raw text lines up: every cell padded to its column's width, numeric columns right-aligned
 * (`---:` in the delimiter row, padded on the left) so their digits and header line up in the file too.
 */
function markdownTable(
  columns: readonly { header: string; align: Align }[],
  rows: readonly string[][],
): string[] {
  const widths = columns.map((c, i) =>
    Math.max(3, displayWidth(c.header), ...rows.map((r) => displayWidth(r[i]))),
  );
  const pad = (text: string, i: number): string => {
    const fill = ' '.repeat(widths[i] - displayWidth(text));
    return columns[i].align === 'right' ? fill + text : text + fill;
  };
  const line = (cells: readonly string[]): string => `| ${cells.map(pad).join(' | ')} |`;
  const delimiter = columns.map((c, i) =>
    c.align === 'right' ? `${'-'.repeat(widths[i] - 1)}:` : '-'.repeat(widths[i]),
  );
  return [line(columns.map((c) => c.header)), `| ${delimiter.join(' | ')} |`, ...rows.map(line)];
}

// ---------------------------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------------------------

/**
 * Rows checkpoints, columns datasets, cells headline metric ± CI (CMRC 2018: EM / F1), with the comparison grid's
 * marks: best per column in bold with ★, ▼ and the p-value where a paired test against the column's best is
 * significant, n.s. and the p-value where it is not. Numeric columns are right-aligned.
 */
export function reportToMarkdown(report: BenchmarkReport): string {
  const checkpoints = new Map<string, BenchmarkRunRecord['checkpoint']>();
  const datasets = new Map<string, BenchmarkRunRecord['dataset']>();
  const cells = new Map<string, BenchmarkRunRecord>();
  for (const run of report.runs) {
    checkpoints.set(keyOf(run.checkpoint), run.checkpoint);
    datasets.set(keyOf(run.dataset), run.dataset);
    cells.set(runKeyOf(run), run);
  }
  const datasetKeys = [...datasets.keys()];
  const marks = columnMarks(report);
  const used = new Set<ColumnMark['mark']>();
  const scoreRows = [...checkpoints].map(([c, checkpoint]) => [
    escapeCell(checkpoint.name),
    ...datasetKeys.map((d) => {
      const run = cells.get(`${c}\u0001${d}`);
      if (!run) return '—';
      const { text } = cellOf(run);
      const mark = marks.get(runKeyOf(run));
      if (!mark) return text;
      used.add(mark.mark);
      return mark.mark === 'best' ? `**${text}** ${columnMarkText(mark)}` : `${text} ${columnMarkText(mark)}`;
    }),
  ]);
  const scoreColumns = [
    { header: 'Checkpoint', align: 'left' as const },
    ...datasetKeys.map((d) => {
      const dataset = datasets.get(d)!;
      const metric = dataset.task === 'qa' ? 'EM / F1' : METRIC_LABEL[HEADLINE_METRIC[dataset.task]];
      return { header: `${escapeCell(dataset.name)} (${metric})`, align: 'right' as const };
    }),
  ];
  const lines: string[] = [
    '# Benchmark report',
    '',
    `Nezha Studio ${report.appVersion}, ${report.createdAt}.`,
    '',
    ...markdownTable(scoreColumns, scoreRows),
  ];
  const levels = [...new Set(report.runs.flatMap((r) => r.metrics.map((m) => m.ciLevel)))];
  const resamples = [...new Set(report.runs.flatMap((r) => r.metrics.map((m) => m.resamples)))];
  const legend = [
    used.has('best') && 'Bold and ★: best in its column.',
    used.has('worse') &&
      `▼: significantly worse than the column's best (paired test on the same examples, p < ${SIGNIFICANCE_LEVEL}: McNemar for accuracy, paired bootstrap for F1 / EM).`,
    used.has('not-significant') &&
      `n.s.: not significantly different from the column's best (p ≥ ${SIGNIFICANCE_LEVEL}).`,
  ].filter(Boolean);
  lines.push(
    '',
    [
      `Scores × 100. ± is half the width of the ${levels.map((l) => `${Math.round(l * 1000) / 10} %`).join('/')} percentile-bootstrap interval over examples (${resamples.join('/')} resamples); the exact bounds are in the JSON and CSV exports.`,
      ...legend,
    ].join(' '),
    '',
    '## Runs',
    '',
    ...markdownTable(
      [
        { header: 'Checkpoint', align: 'left' },
        { header: 'Weights SHA-256', align: 'left' },
        { header: 'Dataset', align: 'left' },
        { header: 'Dataset SHA-256', align: 'left' },
        { header: 'n', align: 'right' },
        { header: 'Backend', align: 'left' },
        { header: 'Examples/s', align: 'right' },
        { header: 'Batch p50 (ms)', align: 'right' },
        { header: 'Batch p95 (ms)', align: 'right' },
      ],
      report.runs.map((run) => [
        escapeCell(run.checkpoint.name),
        `\`${run.checkpoint.sha256.slice(0, 16)}\``,
        escapeCell(run.dataset.name),
        `\`${run.dataset.sha256.slice(0, 16)}\``,
        String(run.dataset.evaluated),
        escapeCell(run.environment.backend + (run.environment.device ? ` (${run.environment.device})` : '')),
        run.timing.examplesPerSecond.toFixed(1),
        run.timing.batchLatencyMs.p50.toFixed(1),
        run.timing.batchLatencyMs.p95.toFixed(1),
      ]),
    ),
  );
  if (report.comparisons && report.comparisons.length > 0) {
    lines.push(
      '',
      '## Paired tests',
      '',
      ...markdownTable(
        [
          { header: 'Dataset', align: 'left' },
          { header: 'A', align: 'left' },
          { header: 'B', align: 'left' },
          { header: 'Metric', align: 'left' },
          { header: 'A − B (95 % CI)', align: 'right' },
          { header: 'Test', align: 'left' },
          { header: 'p', align: 'right' },
        ],
        report.comparisons.map(({ dataset, a, b, comparison: x }) => {
          const scale = x.unit === 'fraction' ? 100 : 1;
          const resolution = 2 / Math.max(1, x.resamples);
          const p =
            x.test === 'paired-bootstrap' && x.pValue < resolution
              ? `< ${resolution}`
              : x.pValue < 0.001
                ? x.pValue.toExponential(1)
                : x.pValue.toFixed(3);
          return [
            escapeCell(dataset.name),
            escapeCell(a.name),
            escapeCell(b.name),
            METRIC_LABEL[x.metric] ?? x.metric,
            `${fixed(scale * x.delta)} [${fixed(scale * x.deltaCi[0])}, ${fixed(scale * x.deltaCi[1])}]`,
            x.test,
            p,
          ];
        }),
      ),
    );
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
  // The comparison grid's marks, on the headline metric's row (CMRC 2018: F1): ★ best, ▼ significantly worse
  // than the column's best, n.s. not significantly different; with the best checkpoint, the test and its p-value.
  'mark',
  'versus_best',
  'versus_best_test',
  'versus_best_p',
] as const;

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The CSV `mark` column's symbol for a grid mark. */
const CSV_MARK: Record<ColumnMark['mark'], string> = { best: '★', worse: '▼', 'not-significant': 'n.s.' };

/** One row per (run, metric), RFC 4180 quoting, CRLF line ends, full-precision numbers. */
export function reportToCsv(report: BenchmarkReport): string {
  const rows: (string | number)[][] = [[...CSV_COLUMNS]];
  const marks = columnMarks(report);
  for (const run of report.runs) {
    const mark = marks.get(runKeyOf(run));
    for (const m of run.metrics) {
      const marked = mark && m.metric === HEADLINE_METRIC[run.dataset.task] ? mark : undefined;
      const versus = marked && marked.mark !== 'best' ? marked : undefined;
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
        marked ? CSV_MARK[marked.mark] : '',
        versus?.best ?? '',
        versus?.comparison.test ?? '',
        versus?.comparison.pValue ?? '',
      ]);
    }
  }
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
