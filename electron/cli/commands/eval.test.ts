import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBenchmarkReport, type BenchmarkReport } from '../../../shared/benchmark';
import { loadCheckpointFolder, writeHfFolder } from '../../../shared/checkpoint';
import { importDataset, type QaExample } from '../../../shared/datasets';
import {
  evaluateClassification,
  evaluateCmrc2018,
  evaluateNerSpans,
  type MetricResult,
} from '../../../shared/metrics';
import { exportStateDict, loadNezha, NezhaConfig } from '../../../shared/nezha';
import { fsCheckpointSource } from '../../services/fsCheckpointSource';
import type { CliContext } from '../command';
import { command } from './eval';
import { CLUENER2020_LABELS } from '../../../shared/metrics/cluener2020';

/*
 * The eval command end to end on the fixture checkpoints (random-weight tiny NEZHA models, so scores are
 * near chance): People's Daily NER (spawned, as a person runs it), LCQMC with a 2-label re-headed classifier,
 * CMRC 2018 with the QA head. A second group re-computes each REPORT.json's metrics from PRED.jsonl alone
 * with shared/metrics and the dataset file's own references.
 */

const repoRoot = resolve(__dirname, '../../..');
const tiny = join(repoRoot, 'fixtures/nezha-tiny');
const datasets = join(repoRoot, 'fixtures/datasets');
const dir = mkdtempSync(join(tmpdir(), 'nezha-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LIMIT = 40;
const files = {
  peoplesDaily: join(datasets, 'peoples_daily_ner/example.dev'),
  lcqmc: join(datasets, 'lcqmc/dev.excerpt.txt'),
  cmrc: join(datasets, 'cmrc2018/cmrc2018_dev.excerpt.json'),
  cluener: join(datasets, 'cluener2020/dev.json'),
};
const pairCheckpoint = join(dir, 'sequence-classification-2-labels');
const cluenerCheckpoint = join(dir, 'token-classification-cluener');
const out = (name: string) => ({
  report: join(dir, `${name}.report.json`),
  predictions: join(dir, `${name}.pred.jsonl`),
});

function context(): CliContext & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { dataDir: dir, env: {}, lines, errors, out: (t) => lines.push(t), err: (t) => errors.push(t) };
}

async function evaluate(args: string[]) {
  const ctx = context();
  const code = await command.run(args, ctx);
  return { code, ...ctx };
}

/** REPORT.json, validated against the report schema (every field, the metrics' MetricResult shape). */
function readReport(path: string): BenchmarkReport {
  return parseBenchmarkReport(readFileSync(path, 'utf8'), path);
}

function readPredictions<T>(path: string): T[] {
  const text = readFileSync(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as T);
}

/** Point estimates and intervals equal, field by field (same seed, same resamples). */
function expectSameMetrics(reported: MetricResult[], recomputed: MetricResult[]): void {
  expect(reported.map((m) => m.metric)).toEqual(recomputed.map((m) => m.metric));
  expect(reported).toEqual(recomputed);
}

beforeAll(async () => {
  // LCQMC has 2 labels and the fixture classifier 3: re-head the fixture model with a fresh 2-class classifier
  // (the loader initialises the missing head as HF does) and save it with shared/checkpoint's writer.
  await tf.setBackend('cpu');
  const source = join(tiny, 'sequence-classification');
  const loaded = await loadCheckpointFolder(fsCheckpointSource(source));
  const stateDict = new Map([...loaded.stateDict].filter(([key]) => !key.startsWith('classifier.')));
  const config = {
    ...(loaded.config as Record<string, unknown>),
    id2label: { 0: 'LABEL_0', 1: 'LABEL_1' },
    label2id: { LABEL_0: 0, LABEL_1: 1 },
  };
  const { model, missingKeys } = loadNezha(
    'NezhaForSequenceClassification',
    new NezhaConfig(config as ConstructorParameters<typeof NezhaConfig>[0]),
    stateDict,
    { seed: 7 },
  );
  expect(missingKeys).toEqual(['classifier.weight', 'classifier.bias']);
  const folder = writeHfFolder({
    config,
    stateDict: await exportStateDict(model),
    vocab: readFileSync(join(source, 'vocab.txt'), 'utf8'),
  });
  model.dispose();
  mkdirSync(pairCheckpoint, { recursive: true });
  for (const [file, bytes] of folder) writeFileSync(join(pairCheckpoint, file), bytes);
  await reheadTokenClassifier(cluenerCheckpoint, [
    'O',
    ...CLUENER2020_LABELS.flatMap((t) => [`B-${t}`, `I-${t}`]),
  ]);
});

/** The fixture token classifier with a fresh head for these tags (HF's init), saved as an HF folder at `target`. */
async function reheadTokenClassifier(target: string, tags: string[]): Promise<void> {
  const source = join(tiny, 'token-classification');
  const loaded = await loadCheckpointFolder(fsCheckpointSource(source));
  const stateDict = new Map([...loaded.stateDict].filter(([key]) => !key.startsWith('classifier.')));
  const config = {
    ...(loaded.config as Record<string, unknown>),
    id2label: Object.fromEntries(tags.map((tag, i) => [i, tag])),
    label2id: Object.fromEntries(tags.map((tag, i) => [tag, i])),
  };
  const { model } = loadNezha(
    'NezhaForTokenClassification',
    new NezhaConfig(config as ConstructorParameters<typeof NezhaConfig>[0]),
    stateDict,
    { seed: 11 },
  );
  const folder = writeHfFolder({
    config,
    stateDict: await exportStateDict(model),
    vocab: readFileSync(join(source, 'vocab.txt'), 'utf8'),
  });
  model.dispose();
  mkdirSync(target, { recursive: true });
  for (const [file, bytes] of folder) writeFileSync(join(target, file), bytes);
}

describe('eval: full runs of fixture checkpoints', () => {
  it(`People's Daily NER, first ${LIMIT} sentences (spawned through tsx, default backend: auto = onnx)`, async () => {
    const paths = out('peoples-daily');
    const markdown = join(dir, 'peoples-daily.md');
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'electron/cli/main.ts',
        'eval',
        '--checkpoint',
        join(tiny, 'token-classification'),
        '--dataset',
        files.peoplesDaily,
        '--out',
        paths.report,
        '--predictions',
        paths.predictions,
        '--limit',
        String(LIMIT),
        '--markdown',
        markdown,
      ],
      { cwd: repoRoot, timeout: 90_000, env: { ...process.env, NEZHA_DATA_DIR: join(dir, 'data') } },
    );
    expect(stdout).toMatch(
      /^eval: micro-f1 \d\.\d{4} \[\d\.\d{4}, \d\.\d{4}\] on 40 examples, onnx, .* examples\/s → /,
    );
    // stderr (a pipe, not a terminal): which backend auto chose, the ONNX export it made, then progress
    // lines, the last one at 100%.
    const notes = stderr.trimEnd().split('\n');
    expect(notes[0]).toBe('eval: backend onnx (auto: onnxruntime-node loaded)');
    expect(notes[1]).toMatch(
      /token-classification: exported to ONNX at .*\/onnx-cache\/[0-9a-f]{32}\/model\.onnx$/,
    );
    expect(notes.slice(2).every((l) => /^eval: \d+\/40 examples \(\d+%\), [\d.]+ examples\/s/.test(l))).toBe(
      true,
    );
    expect(notes.at(-1)).toMatch(/^eval: 40\/40 examples \(100%\), [\d.]+ examples\/s$/);
    const report = readReport(paths.report);
    expect(report.schema).toBe('nezha-studio/benchmark-report@1');
    const [run] = report.runs;
    expect(run.dataset).toMatchObject({ format: 'char-per-line', task: 'ner', evaluated: LIMIT });
    expect(run.dataset.sha256).toMatch(/^[0-9a-f]{64}$/);
    // The checkpoint hash is the SHA-256 of model.safetensors' bytes.
    const { createHash } = await import('node:crypto');
    expect(run.checkpoint.sha256).toBe(
      createHash('sha256')
        .update(readFileSync(join(tiny, 'token-classification/model.safetensors')))
        .digest('hex'),
    );
    expect(run.environment.backend).toBe('onnx');
    expect(run.timing.batches).toBeGreaterThanOrEqual(3);
    expect(run.timing.batchLatencyMs.p95).toBeGreaterThanOrEqual(run.timing.batchLatencyMs.p50);
    expect(run.metrics.map((m) => m.metric)).toEqual([
      'micro-f1',
      'micro-precision',
      'micro-recall',
      'macro-f1',
      'weighted-f1',
    ]);
    expect(readFileSync(markdown, 'utf8')).toMatch(/\| token-classification \| +\**\d+\.\d ± \d+\.\d/);
  }, 120_000); // a model run of 40 examples: generous for a busy machine

  it(`LCQMC pairs, first ${LIMIT} rows, with a 2-label classifier (LABEL_i read as label "i")`, async () => {
    const paths = out('lcqmc');
    const result = await evaluate([
      '--checkpoint',
      pairCheckpoint,
      '--dataset',
      files.lcqmc,
      '--out',
      paths.report,
      '--predictions',
      paths.predictions,
      '--limit',
      String(LIMIT),
      '--backend',
      'wasm',
    ]);
    expect(result.code).toBe(0);
    expect(result.errors[0]).toBe('eval: backend wasm');
    // The rest is progress: a line per 10% of the examples at most, the last one at 100%.
    const progress = result.errors.slice(1);
    expect(progress.length).toBeLessThanOrEqual(11);
    expect(progress.at(-1)).toMatch(/^eval: 40\/40 examples \(100%\)/);
    const [run] = readReport(paths.report).runs;
    expect(run.checkpoint.labelMatch).toBe('index');
    expect(run.metrics.map((m) => m.metric)).toEqual(['accuracy', 'macro-f1']);
    expect(run.metrics[0].n).toBe(LIMIT);
    expect(run.notes.join(' ')).toMatch(/class i is read as dataset label "i"/);
  });

  it(`CLUENER2020, first ${LIMIT} sentences: span-exact metrics and CLUENER's official score`, async () => {
    const paths = out('cluener');
    const result = await evaluate([
      '--checkpoint',
      cluenerCheckpoint,
      '--dataset',
      files.cluener,
      '--out',
      paths.report,
      '--predictions',
      paths.predictions,
      '--limit',
      String(LIMIT),
    ]);
    expect(result.errors.join('\n')).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const [run] = readReport(paths.report).runs;
    expect(run.dataset.format).toBe('cluener');
    // The headline stays the span-exact micro-F1; the official score comes after the seqeval metrics.
    expect(run.metrics.map((m) => m.metric)).toEqual([
      'micro-f1',
      'micro-precision',
      'micro-recall',
      'macro-f1',
      'weighted-f1',
      'cluener-f1',
    ]);
    const official = run.metrics.find((m) => m.metric === 'cluener-f1')!;
    expect(official.n).toBe(LIMIT);
    expect(official.value).toBeGreaterThanOrEqual(0);
    expect(official.value).toBeLessThanOrEqual(1);
    // Averaged over the entity types the gold sentences hold (CLUENER's own ten, at most).
    const labels = official.perClass!.map((c) => c.label);
    expect(labels.length).toBeGreaterThan(3);
    expect(CLUENER2020_LABELS).toEqual(expect.arrayContaining(labels));
  });

  it(`CMRC 2018, first ${LIMIT} questions, with the QA head`, async () => {
    const paths = out('cmrc');
    const result = await evaluate([
      '--checkpoint',
      join(tiny, 'question-answering'),
      '--dataset',
      files.cmrc,
      '--out',
      paths.report,
      '--predictions',
      paths.predictions,
      '--limit',
      String(LIMIT),
      '--backend',
      'wasm',
      '--task',
      'cmrc2018',
    ]);
    expect(result.code).toBe(0);
    const [run] = readReport(paths.report).runs;
    expect(run.metrics.map((m) => [m.metric, m.unit, m.n])).toEqual([
      ['exact-match', 'percent', LIMIT],
      ['f1', 'percent', LIMIT],
    ]);
  }, 120_000); // a model run of 40 examples: generous for a busy machine

  it('resumes an interrupted run from PRED.jsonl and reports the same metrics', async () => {
    const full = out('lcqmc');
    const resumed = out('lcqmc-resumed');
    // A crash after 15 predictions, in the middle of writing the 16th line.
    const lines = readFileSync(full.predictions, 'utf8').split('\n');
    writeFileSync(resumed.predictions, `${lines.slice(0, 15).join('\n')}\n${lines[15].slice(0, 20)}`);
    const result = await evaluate([
      '--checkpoint',
      pairCheckpoint,
      '--dataset',
      files.lcqmc,
      '--out',
      resumed.report,
      '--predictions',
      resumed.predictions,
      '--limit',
      String(LIMIT),
      '--backend',
      'wasm',
      '--resume',
    ]);
    expect(result.code).toBe(0);
    expect(result.errors.join('\n')).toMatch(/dropped an unfinished last line/);
    expect(result.lines[0]).toMatch(/on 40 examples \(15 resumed\)/);
    const run = readReport(resumed.report).runs[0];
    expect(run.resumed).toBe(15);
    expect(run.timing.examples).toBe(LIMIT - 15);
    expect(run.metrics).toEqual(readReport(full.report).runs[0].metrics);
    // The same labels; probabilities agree to float32 rounding (other chunks mean other padding).
    const after = readPredictions<{ prediction: string; score: number }>(resumed.predictions);
    const before = readPredictions<{ prediction: string; score: number }>(full.predictions);
    expect(after.map((p) => p.prediction)).toEqual(before.map((p) => p.prediction));
    after.forEach((p, i) => expect(p.score).toBeCloseTo(before[i].score, 5));
  });

  it('refuses the 3-label sentiment checkpoint on LCQMC up front, saying why', async () => {
    const paths = out('refused');
    await expect(
      evaluate([
        '--checkpoint',
        join(tiny, 'sequence-classification'),
        '--dataset',
        files.lcqmc,
        '--out',
        paths.report,
        '--predictions',
        paths.predictions,
      ]),
    ).rejects.toThrow(
      /^eval: .*sequence-classification cannot be evaluated on dev\.excerpt\.txt \(pair\): labels do not match: the dataset's "0", "1" are not in the checkpoint's id2label \("negative", "neutral", "positive"\); num_labels is 3, the dataset has 2 labels$/,
    );
  });

  it('reports a malformed dataset file with file:line in one line', async () => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, '中 B-PER\n国 I-PER\n人 O X\n');
    const paths = out('bad');
    await expect(
      evaluate([
        '--checkpoint',
        join(tiny, 'token-classification'),
        '--dataset',
        bad,
        '--format',
        'char-per-line',
        '--out',
        paths.report,
        '--predictions',
        paths.predictions,
      ]),
    ).rejects.toThrow(new RegExp(`^eval: ${bad.replaceAll('.', '\\.')}:3(:\\d+)?: expected `));
  });
});

describe('eval --task: the shared task vocabulary', () => {
  const chnSentiCorp = join(datasets, 'chnsenticorp/dev.excerpt.tsv');
  const args = (dataset: string, task: string) => {
    const paths = out(`task-${task}`);
    return [
      '--checkpoint',
      join(tiny, 'sequence-classification'),
      '--dataset',
      dataset,
      '--task',
      task,
      '--out',
      paths.report,
      '--predictions',
      paths.predictions,
    ];
  };

  it("takes train's and HF's names as well as its own: text-classification, sentiment-analysis, classification", async () => {
    for (const task of ['text-classification', 'sentiment-analysis', 'classification']) {
      // Accepted as the classification benchmark: the head check is what refuses (3 labels, the file has 0/1).
      await expect(evaluate(args(chnSentiCorp, task))).rejects.toThrow(
        /^eval: .*sequence-classification cannot be evaluated on dev\.excerpt\.tsv \(classification\): labels do not match/,
      );
    }
  });

  it('says which task a dataset is scored as when --task does not fit it', async () => {
    await expect(evaluate(args(files.lcqmc, 'text-classification'))).rejects.toThrow(
      /^eval: --task text-classification does not fit .*dev\.excerpt\.txt, which reads as \S+ \(a pair dataset, scored as pair-classification\)/,
    );
  });

  it('refuses an unknown task or one eval does not run, listing the tasks it runs', async () => {
    await expect(evaluate(args(chnSentiCorp, 'translation'))).rejects.toThrow(
      /^eval: --task "translation" is not a task name; use one of token-classification, text-classification, pair-classification, question-answering, multiple-choice /,
    );
    await expect(evaluate(args(chnSentiCorp, 'masked-lm'))).rejects.toThrow(
      /^eval: --task "masked-lm" is not a task this command runs; use one of token-classification,/,
    );
  });
});

describe('eval: REPORT.json metrics recomputed from PRED.jsonl', () => {
  interface Line<G, P> {
    index: number;
    id: string;
    gold: G;
    prediction: P;
  }
  type Span = { start: number; end: number; label: string };

  it("People's Daily: seqeval entity scores from the predicted and gold code-point spans", () => {
    const { report, predictions } = out('peoples-daily');
    const lines = readPredictions<Line<Span[], Span[]>>(predictions);
    const dataset = importDataset(readFileSync(files.peoplesDaily), { file: files.peoplesDaily });
    if (dataset.task !== 'ner') throw new Error('expected a NER dataset');
    expect(lines.map((l) => l.index)).toEqual([...Array(LIMIT).keys()]);
    // Gold spans in PRED.jsonl are the dataset's, and every predicted span lies inside its sentence.
    lines.forEach((l) => {
      const record = dataset.records[l.index];
      expect(l.gold).toEqual(record.spans);
      const length = [...record.text].length;
      for (const s of l.prediction) expect(0 <= s.start && s.start < s.end && s.end <= length).toBe(true);
    });
    const spans = (list: Span[]) => list.map((s) => [s.label, s.start, s.end] as const);
    const recomputed = evaluateNerSpans(
      lines.map((l) => spans(l.gold)),
      lines.map((l) => spans(l.prediction)),
    ).metrics;
    expectSameMetrics(readReport(report).runs[0].metrics, recomputed);
  });

  it('LCQMC: accuracy and macro-F1 from gold and predicted labels', () => {
    const { report, predictions } = out('lcqmc');
    const lines = readPredictions<Line<string, string>>(predictions);
    const dataset = importDataset(readFileSync(files.lcqmc), { file: files.lcqmc });
    if (dataset.task !== 'pair') throw new Error('expected a pair dataset');
    expect(lines.map((l) => l.gold)).toEqual(dataset.records.slice(0, LIMIT).map((r) => r.label));
    for (const l of lines) expect(['0', '1']).toContain(l.prediction);
    const recomputed = evaluateClassification(
      'pair-classification',
      lines.map((l) => l.gold),
      lines.map((l) => l.prediction),
    );
    expectSameMetrics(readReport(report).runs[0].metrics, recomputed);
  });

  it("CMRC 2018: the official script's EM/F1 from the answer texts, against the dataset file's references", () => {
    const { report, predictions } = out('cmrc');
    const lines = readPredictions<Line<string[], string> & { start: number; end: number }>(predictions);
    const dataset = importDataset(readFileSync(files.cmrc), { file: files.cmrc });
    if (dataset.task !== 'qa') throw new Error('expected a QA dataset');
    const questions: QaExample[] = dataset.records.slice(0, LIMIT);
    expect(lines.map((l) => l.id)).toEqual(questions.map((q) => q.id));
    // The predicted text is the context's code points [start, end).
    lines.forEach((l, i) =>
      expect([...questions[i].context].slice(l.start, l.end).join('')).toBe(l.prediction),
    );
    const references = {
      data: [
        {
          paragraphs: [
            { qas: questions.map((q) => ({ id: q.id, answers: q.answers.map((a) => ({ text: a.text })) })) },
          ],
        },
      ],
    };
    const recomputed = evaluateCmrc2018(
      references,
      Object.fromEntries(lines.map((l) => [l.id, l.prediction])),
    ).metrics;
    expectSameMetrics(readReport(report).runs[0].metrics, recomputed);
  });
});
