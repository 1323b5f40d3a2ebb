/**
 * `eval --checkpoint DIR --dataset FILE [--format F] [--task T] --out REPORT.json --predictions PRED.jsonl
 *  [--backend auto|onnx|cpu|wasm] [--limit N] [--batch-size N] [--markdown REPORT.md] [--csv REPORT.csv] [--resume]`
 *
 * The benchmark workbench's evaluation, headless: imports the dataset (format detected unless given), checks
 * the checkpoint's head against the task and the dataset's labels (refused with the reasons), runs
 * shared/benchmark's runner on onnxruntime-node (the checkpoint's cached ONNX export) or tfjs cpu/wasm, appends each chunk's predictions to PRED.jsonl as it goes (so
 * --resume continues an interrupted run), then rewrites PRED.jsonl in dataset order and writes REPORT.json
 * (metrics with bootstrap intervals, settings, hashes, timing).
 */
import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import {
  BenchmarkRunError,
  buildReport,
  checkHeadCompatibility,
  datasetLabelsOf,
  hashCheckpointWeights,
  PredictionsFileError,
  reportToCsv,
  reportToJson,
  reportToMarkdown,
  runBenchmark,
  runBenchmarkJob,
  HEADLINE_METRIC,
  tfjsModelRunner,
  type BenchmarkData,
  type BenchmarkJob,
  type BenchmarkJobOutcome,
  type BenchmarkTask,
  type Sha256,
  scorePredictions,
} from '../../../shared/benchmark';
import { CheckpointError } from '../../../shared/checkpoint/errors';
import { loadCheckpointFolder } from '../../../shared/checkpoint/folder';
import {
  DATASET_FORMAT_TASK,
  DatasetFormatError,
  importDataset,
  type AnyDatasetImportResult,
  type DatasetFormat,
} from '../../../shared/datasets';
import { EvaluationInputError } from '../../../shared/metrics/evaluate';
import {
  datasetTaskOfEvaluation,
  EVALUATION_TASKS,
  loadNezha,
  NezhaConfig,
  NezhaConfigError,
  NezhaWeightsError,
  TASK_OF_DATASET,
} from '../../../shared/nezha';
import { BertTokenizer } from '../../../shared/tokenizer';
import { fsCheckpointSource } from '../../services/fsCheckpointSource';
import { packageVersion } from '../../services/services';
import { CliError, parseCommandArgs, usageLine, type Command } from '../command';
import type { ModelRunner } from '../../../shared/pipelines/modelRunner';
import { openCachedOnnxSession } from '../../onnx/cachedSession';
import { ortModelRunner } from '../../onnx/ortSession';
import { parseEngineChoice, startNodeEngine } from '../nodeBackend';
import { predictionsFileRunStore } from '../predictionsFileRunStore';
import { progressPrinter } from '../progress';
import { taskOption } from '../taskOption';

const nodeSha256: Sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

function positiveInteger(value: unknown, option: string): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new CliError(`eval: --${option} must be a positive integer, got "${String(value)}"`);
  }
  return n;
}

function benchmarkData(result: AnyDatasetImportResult, limit: number | null): BenchmarkData {
  const take = <T>(records: T[]): T[] => (limit === null ? records : records.slice(0, limit));
  switch (result.task) {
    case 'ner':
      return { task: 'ner', records: take(result.records) };
    case 'classification':
      return { task: 'classification', records: take(result.records) };
    case 'pair':
      return { task: 'pair', records: take(result.records) };
    case 'qa':
      return { task: 'qa', records: take(result.records) };
    case 'mc':
      return { task: 'mc', records: take(result.records) };
  }
}

async function readText(path: string, what: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`eval: cannot read ${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
}

async function loadTokenizer(folder: string): Promise<BertTokenizer> {
  const vocabText = await readText(resolve(folder, 'vocab.txt'), 'the vocabulary');
  if (vocabText === null) {
    throw new CliError(
      `eval: ${resolve(folder, 'vocab.txt')} is missing; the checkpoint folder needs the tokenizer's vocab.txt next to config.json`,
    );
  }
  const json = async (file: string): Promise<unknown> => {
    const text = await readText(resolve(folder, file), file);
    if (text === null) return undefined;
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new CliError(`eval: ${resolve(folder, file)}: invalid JSON (${(error as Error).message})`);
    }
  };
  return BertTokenizer.fromFiles({
    vocabText,
    tokenizerConfig: await json('tokenizer_config.json'),
    specialTokensMap: await json('special_tokens_map.json'),
  });
}

export const command: Command = {
  name: 'eval',
  summary: 'evaluate a checkpoint on a benchmark dataset: metrics with CIs and per-example predictions',
  usage: [
    'eval --checkpoint DIR --dataset FILE [--format F] [--task T] --out REPORT.json',
    '       --predictions PRED.jsonl [--backend auto|onnx|cpu|wasm] [--limit N] [--batch-size N]',
    '       [--markdown REPORT.md] [--csv REPORT.csv] [--resume] [--resamples N] [--seed N]',
    '',
    'Runs the checkpoint (an HF NEZHA folder: config.json, weights, vocab.txt) on the dataset FILE',
    '(format detected unless --format names it: char-per-line, cluener, tsv-pair, squad, c3, ...) with',
    `the head the task needs (${EVALUATION_TASKS.join(', ')}, or an alias such as ner, classification,`,
    "pair, qa, mc or a NEZHA class name; default: the dataset's task). A head that does not fit (no",
    "classifier, wrong num_labels, labels other than the dataset's) is refused.",
    '--limit N evaluates the first N examples. REPORT.json holds the metrics with bootstrap intervals,',
    'the settings, checkpoint and dataset SHA-256, backend and timing; PRED.jsonl one line per example',
    '(index, id, gold, prediction). --resume keeps the predictions already in PRED.jsonl and predicts',
    'only the rest. Default backend: auto (onnx = onnxruntime-node on every core when it loads, over',
    "the checkpoint's ONNX export, made once and cached in the data dir's onnx-cache/; else tfjs wasm,",
    'else cpu). Predictions and metrics are the same whichever backend runs. stderr says which one ran,',
    'then the progress (examples done / total, rate, ETA).',
  ].join('\n'),
  async run(args, context) {
    const { values } = parseCommandArgs(command, args, {
      checkpoint: { type: 'string' },
      dataset: { type: 'string' },
      format: { type: 'string' },
      task: { type: 'string' },
      out: { type: 'string' },
      predictions: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      limit: { type: 'string' },
      'batch-size': { type: 'string' },
      markdown: { type: 'string' },
      csv: { type: 'string' },
      resume: { type: 'boolean', default: false },
      resamples: { type: 'string' },
      seed: { type: 'string' },
    });
    for (const required of ['checkpoint', 'dataset', 'out', 'predictions'] as const) {
      if (!values[required]) throw new CliError(`eval: --${required} is required. ${usageLine(command)}`);
    }
    const backendChoice = parseEngineChoice(values.backend, 'eval');
    const format = values.format as string | undefined;
    if (format !== undefined && !(format in DATASET_FORMAT_TASK)) {
      throw new CliError(
        `eval: --format "${format}" is not a dataset format; use one of ${Object.keys(DATASET_FORMAT_TASK).join(', ')}`,
      );
    }
    const evaluationTask =
      values.task === undefined ? undefined : taskOption('eval', values.task as string, EVALUATION_TASKS);
    // The benchmark is keyed by the dataset kind the task scores (ner, classification, pair, qa, mc).
    const task: BenchmarkTask | undefined =
      evaluationTask === undefined ? undefined : datasetTaskOfEvaluation(evaluationTask);
    const limit = positiveInteger(values.limit, 'limit');
    const batchSize = positiveInteger(values['batch-size'], 'batch-size');
    const resamples = positiveInteger(values.resamples, 'resamples');
    const seed = values.seed === undefined ? null : Number(values.seed);
    if (seed !== null && !Number.isInteger(seed))
      throw new CliError(`eval: --seed must be an integer, got "${values.seed}"`);
    const checkpointDir = resolve(values.checkpoint as string);
    const datasetPath = resolve(values.dataset as string);
    const outPath = resolve(values.out as string);
    const predictionsPath = resolve(values.predictions as string);

    // The dataset first: a bad file is reported before anything slow happens.
    let datasetBytes: Uint8Array;
    try {
      datasetBytes = await readFile(datasetPath);
    } catch (error) {
      throw new CliError(`eval: cannot read the dataset ${datasetPath}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    let imported: AnyDatasetImportResult;
    try {
      imported = importDataset(datasetBytes, {
        file: datasetPath,
        format: format as DatasetFormat | undefined,
      });
    } catch (error) {
      if (error instanceof DatasetFormatError) throw new CliError(`eval: ${error.message}`, { cause: error });
      throw error;
    }
    if (task !== undefined && task !== imported.task) {
      throw new CliError(
        `eval: --task ${evaluationTask} does not fit ${datasetPath}, which reads as ${imported.format} (a ${imported.task} dataset, scored as ${TASK_OF_DATASET[imported.task]}); drop --task or pass the matching --format`,
      );
    }
    if (imported.records.length === 0) throw new CliError(`eval: ${datasetPath} has no examples to evaluate`);
    const data = benchmarkData(imported, limit);
    const datasetLabels = datasetLabelsOf(benchmarkData(imported, null));

    const folder = await stat(checkpointDir).catch(() => null);
    if (folder === null || !folder.isDirectory()) {
      throw new CliError(`eval: checkpoint folder ${checkpointDir} does not exist or is not a folder`);
    }
    try {
      const source = fsCheckpointSource(checkpointDir);
      const loaded = await loadCheckpointFolder(source);
      const check = checkHeadCompatibility({
        task: data.task,
        config: loaded.config,
        tensors: [...loaded.stateDict].map(([name, record]) => ({ name, shape: record.shape })),
        datasetLabels,
      });
      if (!check.ok) {
        throw new CliError(
          `eval: ${checkpointDir} cannot be evaluated on ${basename(datasetPath)} (${data.task}): ${check.reasons.join('; ')}`,
        );
      }
      const { plan } = check;
      const tokenizer = await loadTokenizer(checkpointDir);
      const { engine: backend, note } = await startNodeEngine(backendChoice, 'eval', {
        autoPrefersOnnx: true,
      });
      context.err(note);
      const config = new NezhaConfig(loaded.config as ConstructorParameters<typeof NezhaConfig>[0]);
      const weights = await hashCheckpointWeights(source, loaded.files, nodeSha256);
      let runner: ModelRunner;
      let device: string;
      let release: () => Promise<void> | void;
      if (backend === 'onnx') {
        const opened = await openCachedOnnxSession({
          dataDir: context.dataDir,
          weightsSha256: weights.sha256,
          className: plan.className,
          config,
          stateDict: loaded.stateDict,
          note: (line) => context.err(`eval: ${checkpointDir}: ${line}`),
        });
        runner = ortModelRunner(opened.session);
        device = opened.device;
        release = () => opened.session.release();
      } else {
        const { model, missingKeys } = loadNezha(plan.className, config, loaded.stateDict);
        if (missingKeys.length > 0) {
          context.err(
            `eval: ${checkpointDir} has no weights for ${missingKeys.length} parameter(s) of ${plan.className} (${missingKeys.join(', ')}); they were initialised randomly`,
          );
        }
        runner = tfjsModelRunner(model);
        device = `tfjs-${backend} on Node ${process.versions.node}`;
        release = () => model.dispose();
      }

      const datasetSha256 = await nodeSha256(datasetBytes);
      const job: BenchmarkJob = {
        open: {
          checkpointSha256: weights.sha256,
          datasetSha256,
          task: data.task,
          settings: { maxBatchSize: batchSize, limit, resamples, seed },
          checkpointName: basename(checkpointDir),
          datasetName: basename(datasetPath),
          total: data.records.length,
        },
        plan,
        facts: {
          checkpoint: {
            name: basename(checkpointDir),
            path: checkpointDir,
            sha256: weights.sha256,
            weightFiles: weights.files,
          },
          dataset: {
            name: basename(datasetPath),
            path: datasetPath,
            sha256: datasetSha256,
            format: imported.format,
            records: imported.records.length,
          },
          environment: { appVersion: packageVersion(), runtime: `Node ${process.versions.node}` },
          limit,
          notes: [],
        },
        predictionSettings: batchSize === null ? {} : { maxBatchSize: batchSize },
        bootstrap: { ...(resamples !== null && { resamples }), ...(seed !== null && { seed }) },
      };
      const progress = progressPrinter(context, { label: 'eval', unit: 'examples' });
      let outcome: BenchmarkJobOutcome;
      try {
        outcome = await runBenchmarkJob(job, {
          store: predictionsFileRunStore({
            path: predictionsPath,
            resume: values.resume as boolean,
            err: context.err,
          }),
          predictor: {
            predict: (args) =>
              runBenchmark({
                ...args,
                data,
                tokenizer,
                model: runner,
                backend,
                device,
              }),
          },
          score: (task, predictions, bootstrap) =>
            scorePredictions(task, predictions, { ...bootstrap, dataset: { format: imported.format, data } }),
          onProgress: (p) => progress.update({ ...p, itemsPerSecond: p.examplesPerSecond }),
        });
      } finally {
        progress.finish();
        await release();
      }
      if (outcome.status === 'failed') throw outcome.error;
      if (outcome.status === 'cancelled') throw new CliError('eval: the run was cancelled');
      const run = outcome.record;
      const { metrics } = run;
      // PRED.jsonl is final (the store rewrote it in dataset order); the reports come from the same record.
      const report = buildReport([run], { appVersion: packageVersion(), createdAt: run.finishedAt });
      const writes: [string, string][] = [[outPath, reportToJson(report)]];
      if (values.markdown) writes.push([resolve(values.markdown as string), reportToMarkdown(report)]);
      if (values.csv) writes.push([resolve(values.csv as string), reportToCsv(report)]);
      for (const [path, text] of writes) {
        try {
          await writeFile(path, text);
        } catch (error) {
          throw new CliError(`eval: cannot write ${path}: ${(error as Error).message}`, { cause: error });
        }
      }
      const headline = metrics.find((m) => m.metric === HEADLINE_METRIC[data.task]) ?? metrics[0];
      context.out(
        `eval: ${headline.metric} ${headline.value.toFixed(4)} [${headline.ci[0].toFixed(4)}, ${headline.ci[1].toFixed(4)}] on ${data.records.length} examples` +
          `${run.resumed > 0 ? ` (${run.resumed} resumed)` : ''}, ${backend}, ${run.timing.examplesPerSecond.toFixed(1)} examples/s → ${outPath}`,
      );
      return 0;
    } catch (error) {
      if (error instanceof CliError) throw error;
      if (
        error instanceof CheckpointError ||
        error instanceof NezhaConfigError ||
        error instanceof NezhaWeightsError
      ) {
        throw new CliError(`eval: ${checkpointDir}: ${error.message}`, { cause: error });
      }
      if (
        error instanceof BenchmarkRunError ||
        error instanceof PredictionsFileError ||
        error instanceof EvaluationInputError
      ) {
        throw new CliError(`eval: ${error.message}`, { cause: error });
      }
      throw error;
    }
  },
};
