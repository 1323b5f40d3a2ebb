import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memoryCheckpointSource } from '../checkpoint';
import { hashCheckpointWeights, webCryptoSha256 } from './hash';
import { parsePredictionsJsonl, predictionsToJsonl, PredictionsFileError } from './predictionsFile';
import {
  buildReport,
  CSV_COLUMNS,
  displayWidth,
  formatWithInterval,
  reportToCsv,
  reportToJson,
  reportToMarkdown,
  type BenchmarkReport,
  type BenchmarkRunRecord,
  type ReportComparison,
} from './report';
import { parseBenchmarkReport } from './schema';
import { DEFAULT_PREDICTION_SETTINGS } from './runner';
import { comparePredictions, scorePredictions } from './score';
import type { PairedComparison } from '../metrics/types';
import { percentile } from './timing';
import type { BenchmarkTask, ExamplePrediction } from './types';

const nodeSha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Classification predictions with `correct` of `n` right. */
function labelled(n: number, correct: number): ExamplePrediction[] {
  return Array.from({ length: n }, (_, i) => ({
    task: 'pair' as const,
    index: i,
    id: String(i),
    gold: i % 2 ? '1' : '0',
    prediction: i < correct ? (i % 2 ? '1' : '0') : i % 2 ? '0' : '1',
    score: 0.6,
  }));
}

/** CMRC-style predictions: the first `exact` answered exactly, the rest with a wrong answer. */
function answered(n: number, exact: number): ExamplePrediction[] {
  return Array.from({ length: n }, (_, i) => ({
    task: 'qa' as const,
    index: i,
    id: `Q${i}`,
    gold: ['北京大学', '北大'],
    prediction: i < exact ? '北京大学' : '清华大学',
    start: 0,
    end: 4,
    score: 0.2,
  }));
}

function run(
  checkpoint: string,
  dataset: string,
  task: BenchmarkTask,
  predictions: ExamplePrediction[],
): BenchmarkRunRecord {
  const metrics = scorePredictions(task, predictions);
  return {
    checkpoint: {
      name: checkpoint,
      sha256: nodeSha256(new TextEncoder().encode(checkpoint)),
      weightFiles: [],
      className: task === 'qa' ? 'NezhaForQuestionAnswering' : 'NezhaForSequenceClassification',
      numLabels: 2,
      labelMatch: 'index',
    },
    dataset: {
      name: dataset,
      sha256: nodeSha256(new TextEncoder().encode(dataset)),
      format: task === 'qa' ? 'squad' : 'tsv-pair',
      task,
      records: predictions.length,
      evaluated: predictions.length,
    },
    settings: {
      ...DEFAULT_PREDICTION_SETTINGS,
      limit: null,
      resamples: 1000,
      ciLevel: 0.95,
      seed: metrics[0].seed,
    },
    environment: { backend: 'webgpu', device: 'Test GPU', appVersion: '1.2.3' },
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:00.000Z',
    resumed: 0,
    metrics,
    timing: {
      backend: 'webgpu',
      examples: predictions.length,
      batches: 4,
      totalMs: 1000,
      examplesPerSecond: predictions.length,
      batchLatencyMs: { p50: 12.5, p95: 20, mean: 14, max: 21 },
    },
    notes: [],
  };
}

const predictions = {
  baseLcqmc: labelled(200, 170),
  largeLcqmc: labelled(200, 180),
  baseCmrc: answered(100, 60),
  largeCmrc: answered(100, 50),
};
const runs = [
  run('nezha-base | v2', 'LCQMC dev', 'pair', predictions.baseLcqmc),
  run('nezha-base | v2', 'CMRC 2018 dev', 'qa', predictions.baseCmrc),
  run('nezha-large', 'LCQMC dev', 'pair', predictions.largeLcqmc),
  run('nezha-large', 'CMRC 2018 dev', 'qa', predictions.largeCmrc),
];
const pairOf = (a: BenchmarkRunRecord, b: BenchmarkRunRecord, x: PairedComparison): ReportComparison => ({
  dataset: { name: a.dataset.name, sha256: a.dataset.sha256 },
  a: { name: a.checkpoint.name, sha256: a.checkpoint.sha256 },
  b: { name: b.checkpoint.name, sha256: b.checkpoint.sha256 },
  comparison: x,
});
const report = buildReport(runs, { appVersion: '1.2.3', createdAt: '2026-01-01T00:02:00.000Z' }, [
  pairOf(runs[0], runs[2], comparePredictions('pair', predictions.baseLcqmc, predictions.largeLcqmc)),
  pairOf(runs[1], runs[3], comparePredictions('qa', predictions.baseCmrc, predictions.largeCmrc)),
]);

describe('report exports', () => {
  it("Markdown: the paper's table, rows checkpoints, columns datasets, metric ± CI, the grid's significance marks", () => {
    const markdown = reportToMarkdown(report);
    const base = { ...report.runs[2].metrics[0], perClass: undefined, confusion: undefined };
    expect(formatWithInterval({ ...base, value: 0.9, ci: [0.86, 0.94] })).toBe('90.0 ± 4.0');
    expect(formatWithInterval({ ...base, unit: 'percent', value: 61.234, ci: [55, 67.5] })).toBe(
      '61.2 ± 6.3',
    );
    const table = markdown.split('\n').filter((l) => l.startsWith('| '));
    expect(table[0]).toBe(
      '| Checkpoint       |       LCQMC dev (Acc) |            CMRC 2018 dev (EM / F1) |',
    );
    expect(table[1]).toBe(
      '| ---------------- | --------------------: | ---------------------------------: |',
    );
    // The grid's marks: ★ best (and bold), ▼ with the p-value where the paired test against the best is significant.
    expect(table[2]).toMatch(
      /^\| nezha-base \\\| v2 \| +85\.0 ± \d+\.\d ▼ p=0\.002 \| \*\*60\.0 ± \d+\.\d \/ 80\.0 ± \d+\.\d\*\* ★ best \|$/,
    );
    expect(table[3]).toMatch(
      /^\| nezha-large {6}\| \*\*90\.0 ± \d+\.\d\*\* ★ best \| 50\.0 ± \d+\.\d \/ 75\.0 ± \d+\.\d ▼ p<0\.001 \|$/,
    );
    expect(markdown).toContain(
      "Bold and ★: best in its column. ▼: significantly worse than the column's best (paired test on the same examples, p < 0.05: McNemar for accuracy, paired bootstrap for F1 / EM).",
    );
    expect(markdown).toContain('95 % percentile-bootstrap interval over examples (1000 resamples)');
    expect(markdown).toContain('| 200 | webgpu (Test GPU) |      200.0 |           12.5 |           20.0 |');
    // One run per column: nothing is bold or marked.
    const single = reportToMarkdown(buildReport([runs[0], runs[3]], report));
    expect(single).not.toContain('**');
    expect(single).not.toMatch(/★|▼|n\.s\./);
    // Only B got 10 questions right: McNemar's exact test, p = 2 · 0.5^10.
    expect(markdown).toContain('| LCQMC dev     | nezha-base \\| v2 | nezha-large | Acc    | -5.0 [');
    expect(markdown).toMatch(/\| mcnemar-exact-binomial \| {3}0\.002 \|\n/);
    expect(markdown).toMatch(
      /\| CMRC 2018 dev \| nezha-base \\\| v2 \| nezha-large \| F1 {5}\| +5\.0 \[\d+\.\d, \d+\.\d\] \| paired-bootstrap {7}\| < 0\.002 \|/,
    );
  });

  it('Markdown: every table lines up in the raw text, numeric columns right-aligned under their headers', () => {
    const wide = run('哪吒-base', '人民日报 dev', 'pair', labelled(20, 15));
    const markdown = reportToMarkdown(buildReport([...runs, wide], report, report.comparisons));
    const tables = markdown
      .split('\n\n')
      .map((block) => block.split('\n').filter((line) => line !== ''))
      .filter((lines) => lines[0].startsWith('|'));
    expect(tables).toHaveLength(3);
    for (const table of tables) {
      // The cell borders of every row are at the same columns (CJK characters take two).
      const borders = (line: string) => {
        const out: number[] = [];
        let column = 0;
        for (let i = 0; i < line.length; i++) {
          if (line[i] === '|' && line[i - 1] !== '\\') out.push(column);
          column += displayWidth(line[i]);
        }
        return out;
      };
      for (const line of table) expect(borders(line)).toEqual(borders(table[0]));
    }
    const [scores, runsTable, tests] = tables;
    const delimiter = (table: string[]) =>
      table[1]
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim());
    expect(delimiter(scores).map((c) => c.endsWith(':'))).toEqual([false, true, true, true]);
    expect(delimiter(runsTable).map((c) => c.endsWith(':'))).toEqual([
      false,
      false,
      false,
      false,
      true,
      false,
      true,
      true,
      true,
    ]);
    expect(delimiter(tests).map((c) => c.endsWith(':'))).toEqual([
      false,
      false,
      false,
      false,
      true,
      false,
      true,
    ]);
    expect(scores[4]).toMatch(/^\| 哪吒-base {8}\| +— \| +— \| +75\.0 ± \d+\.\d \|$/);
    expect(displayWidth('人民日报 dev')).toBe(12);
  });

  it('Markdown and CSV: n.s. with the p-value where the test against the best is not significant', () => {
    const close = [
      run('a', 'LCQMC dev', 'pair', labelled(200, 170)),
      run('b', 'LCQMC dev', 'pair', labelled(200, 168)),
    ];
    const x = comparePredictions('pair', labelled(200, 170), labelled(200, 168));
    expect(x.pValue).toBeGreaterThanOrEqual(0.05);
    const closeReport = buildReport(close, report, [pairOf(close[0], close[1], x)]);
    const markdown = reportToMarkdown(closeReport);
    expect(markdown).toMatch(
      new RegExp(`\\| b +\\| +84\\.0 ± \\d+\\.\\d n\\.s\\. \\(p=${x.pValue.toFixed(2)}\\) \\|`),
    );
    expect(markdown).toContain("n.s.: not significantly different from the column's best (p ≥ 0.05).");
    expect(markdown).not.toContain('▼');
    const b = reportToCsv(closeReport)
      .split('\r\n')
      .find((r) => r.startsWith('b,') && r.includes(',accuracy,'))!;
    expect(b.split(',').slice(-4)).toEqual(['n.s.', 'a', 'mcnemar-exact-binomial', String(x.pValue)]);
  });

  it('CSV: one row per run and metric, every number at full precision, quoted where needed', () => {
    const csv = reportToCsv(report);
    const rows = csv.trimEnd().split('\r\n');
    expect(rows[0]).toBe(CSV_COLUMNS.join(','));
    const metricRows = report.runs.reduce((n, r) => n + r.metrics.length, 0);
    expect(rows).toHaveLength(1 + metricRows);
    const first = rows[1].split(',');
    expect(first[0]).toBe('nezha-base | v2');
    const m = report.runs[0].metrics[0];
    expect(first.slice(5, 14)).toEqual(
      [m.metric, m.unit, m.value, m.ci[0], m.ci[1], m.ciLevel, m.n, m.resamples, m.seed].map(String),
    );
    // The grid's marks on the headline metric's rows (CMRC 2018: F1), with the test against the column's best.
    const markOf = (checkpoint: string, dataset: string, metric: string) =>
      rows
        .map((r) => r.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/))
        .find((r) => r[0] === checkpoint && r[2] === dataset && r[5] === metric)!
        .slice(-4);
    const baseLcqmc = report.comparisons![0].comparison;
    expect(markOf('nezha-base | v2', 'LCQMC dev', 'accuracy')).toEqual([
      '▼',
      'nezha-large',
      'mcnemar-exact-binomial',
      String(baseLcqmc.pValue),
    ]);
    expect(markOf('nezha-base | v2', 'LCQMC dev', 'macro-f1')).toEqual(['', '', '', '']);
    expect(markOf('nezha-large', 'LCQMC dev', 'accuracy')).toEqual(['★', '', '', '']);
    expect(markOf('nezha-base | v2', 'CMRC 2018 dev', 'f1')).toEqual(['★', '', '', '']);
    expect(markOf('nezha-base | v2', 'CMRC 2018 dev', 'exact-match')).toEqual(['', '', '', '']);
    expect(markOf('nezha-large', 'CMRC 2018 dev', 'f1').slice(0, 3)).toEqual([
      '▼',
      'nezha-base | v2',
      'paired-bootstrap',
    ]);
    const quoted = reportToCsv(buildReport([run('a "quoted", name', 'd', 'pair', labelled(10, 5))], report));
    expect(quoted.split('\r\n')[1]).toMatch(/^"a ""quoted"", name",/);
  });

  it('JSON: every number and setting, read back unchanged; a damaged file names the field', () => {
    expect(parseBenchmarkReport(reportToJson(report), 'REPORT.json')).toEqual(report);
    const damaged = JSON.parse(reportToJson(report)) as BenchmarkReport;
    damaged.runs[1].metrics[0].ci = [0.1] as unknown as [number, number];
    expect(() => parseBenchmarkReport(JSON.stringify(damaged), 'REPORT.json')).toThrow(
      /^REPORT\.json: field runs\.1\.metrics\.0\.ci/,
    );
    expect(() => parseBenchmarkReport('{"schema": 1', 'REPORT.json')).toThrow(
      /^REPORT\.json: not valid JSON/,
    );
  });
});

describe('comparePredictions', () => {
  it('accuracy: McNemar on the discordant examples (exact binomial below 25)', () => {
    const x = comparePredictions('pair', predictions.baseLcqmc, predictions.largeLcqmc);
    expect(x).toMatchObject({
      metric: 'accuracy',
      test: 'mcnemar-exact-binomial',
      discordant: { aOnly: 0, bOnly: 10 },
    });
    expect(x.pValue).toBeCloseTo(2 * 0.5 ** 10, 12);
    expect(x.delta).toBeCloseTo(0.85 - 0.9, 12);
  });

  it("NER: paired bootstrap of micro-F1; the difference equals the two runs' scores", () => {
    const ner = (spans: [number, number][][]): ExamplePrediction[] =>
      spans.map((pred, i) => ({
        task: 'ner',
        index: i,
        id: String(i),
        gold: [{ start: 0, end: 2, label: 'PER' }],
        prediction: pred.map(([start, end]) => ({ start, end, label: 'PER' })),
      }));
    const a = ner(Array.from({ length: 30 }, (_, i) => (i % 3 ? [[0, 2]] : [[0, 1]])));
    const b = ner(Array.from({ length: 30 }, (_, i) => (i % 2 ? [[0, 2]] : [])));
    const x = comparePredictions('ner', a, b);
    const f1 = (p: ExamplePrediction[]) => scorePredictions('ner', p)[0].value;
    expect(x.metric).toBe('micro-f1');
    expect(x.delta).toBeCloseTo(f1(a) - f1(b), 12);
    expect(x.deltaCi[0]).toBeLessThanOrEqual(x.delta);
    expect(x.deltaCi[1]).toBeGreaterThanOrEqual(x.delta);
  });

  it('refuses runs on different examples', () => {
    expect(() => comparePredictions('pair', labelled(10, 5), labelled(11, 5))).toThrow(
      /10 predictions and B 11/,
    );
    const other = labelled(10, 5).map((p, i) => (i === 3 ? { ...p, id: 'x' } : p));
    expect(() => comparePredictions('pair', labelled(10, 5), other)).toThrow(/example 3 differs/);
  });
});

describe('reproducibility hashes', () => {
  it('SHA-256 by Web Crypto equals node:crypto (and the FIPS 180-2 value of "abc")', async () => {
    const abc = new TextEncoder().encode('abc');
    const expected = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(await webCryptoSha256(abc)).toBe(expected);
    expect(nodeSha256(abc)).toBe(expected);
  });

  it("one weight file hashes to its own SHA-256; shards to the hash of sha256sum's lines", async () => {
    const a = new Uint8Array([1, 2, 3]);
    const b = new Uint8Array([4, 5]);
    const single = await hashCheckpointWeights(
      memoryCheckpointSource(new Map([['model.safetensors', a]])),
      ['model.safetensors'],
      nodeSha256,
    );
    expect(single).toEqual({
      sha256: nodeSha256(a),
      files: [{ file: 'model.safetensors', bytes: 3, sha256: nodeSha256(a) }],
    });
    const files = new Map([
      ['model.safetensors.index.json', new Uint8Array([9])],
      ['model-00002-of-00002.safetensors', b],
      ['model-00001-of-00002.safetensors', a],
    ]);
    const sharded = await hashCheckpointWeights(
      memoryCheckpointSource(files),
      [...files.keys()],
      webCryptoSha256,
    );
    const lines = `${nodeSha256(a)}  model-00001-of-00002.safetensors\n${nodeSha256(b)}  model-00002-of-00002.safetensors\n`;
    expect(sharded.sha256).toBe(nodeSha256(new TextEncoder().encode(lines)));
    expect(sharded.files.map((f) => f.file)).toEqual([
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
    ]);
  });
});

describe('PRED.jsonl', () => {
  it('round-trips, drops an unfinished last line, and names file:line for a bad one', () => {
    const predictions = [...labelled(3, 2)];
    const text = predictionsToJsonl(predictions);
    expect(text.split('\n')[0]).toBe(
      '{"index":0,"id":"0","task":"pair","gold":"0","prediction":"0","score":0.6}',
    );
    expect(parsePredictionsJsonl(text, 'p.jsonl')).toEqual({ predictions, droppedPartialLine: false });
    const cut = parsePredictionsJsonl(text.slice(0, -10), 'p.jsonl');
    expect(cut).toEqual({ predictions: predictions.slice(0, 2), droppedPartialLine: true });
    expect(() => parsePredictionsJsonl(`${text}{"index":3}\n`, 'p.jsonl')).toThrow(PredictionsFileError);
    expect(() => parsePredictionsJsonl(`${text}{"index":3}\n`, 'p.jsonl')).toThrow(/^p\.jsonl:4: /);
    expect(() => parsePredictionsJsonl(`nope\n${text}`, 'p.jsonl')).toThrow(/^p\.jsonl:1: not valid JSON/);
  });
});

describe('percentile', () => {
  it("matches numpy.percentile's linear interpolation", () => {
    // numpy.percentile([1, 2, 3, 4, 10], [50, 95, 0, 100, 25]) = [3, 8.8, 1, 10, 2]
    const values = [10, 2, 4, 1, 3];
    const expected = [3, 8.8, 1, 10, 2];
    [50, 95, 0, 100, 25].forEach((q, k) => expect(percentile(values, q)).toBeCloseTo(expected[k], 12));
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});
