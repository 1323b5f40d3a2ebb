/**
 * The benchmark runner: one checkpoint's head over one dataset, through the pipelines' ModelRunner seam, so
 * the renderer's worker (WebGPU / WASM) and the CLI (tfjs cpu / wasm in Node) run the same code.
 *
 * Examples are predicted in chunks of similar length (little padding), chunk by chunk; after each chunk the
 * caller gets its predictions (to store them) and a progress event. The key of an example is its position in
 * the dataset, so a run given the predictions an earlier, interrupted run stored skips those examples and
 * predicts only the rest: a crashed run resumes where it stopped, and its result is the same.
 */
import type { BertTokenizer } from '../tokenizer';
import type { AggregationStrategy } from '../pipelines/tokenClassification';
import { runTokenClassification } from '../pipelines/tokenClassification';
import { runTextClassification } from '../pipelines/textClassification';
import { runQuestionAnswering } from '../pipelines/questionAnswering';
import { runMultipleChoice } from '../pipelines/multipleChoice';
import { planBatches, throwIfAborted } from '../pipelines/batching';
import type { ModelRunner } from '../pipelines/modelRunner';
import type { HeadPlan } from './compatibility';
import { defaultClock, summariseTiming } from './timing';
import type { BenchmarkData, BenchmarkProgress, BenchmarkTiming, ExamplePrediction } from './types';

/** Settings that change predictions; stored with the run so it can be reproduced. */
export interface PredictionSettings {
  /** Most examples per chunk (and rows per model call); default 16. */
  maxBatchSize: number;
  /** Most padded tokens per model call; default 16 × 512. */
  maxBatchTokens: number;
  /** Window / truncation length in tokens; default: the tokenizer's model_max_length (QA: at most 384). */
  maxLength: number | null;
  /** NER: HF aggregation strategy turning token labels into entities; default 'simple'. */
  aggregation: Exclude<AggregationStrategy, 'none'>;
  /** QA: context tokens shared by consecutive windows (default min(128, maxLength / 2)). */
  docStride: number | null;
  /** QA: longest answer in tokens; default 30 (the CMRC 2018 baseline's max_answer_length). */
  maxAnswerLength: number;
}

export const DEFAULT_PREDICTION_SETTINGS: PredictionSettings = {
  maxBatchSize: 16,
  maxBatchTokens: 16 * 512,
  maxLength: null,
  aggregation: 'simple',
  docStride: null,
  maxAnswerLength: 30,
};

export interface BenchmarkRunOptions {
  plan: HeadPlan;
  data: BenchmarkData;
  tokenizer: BertTokenizer;
  model: ModelRunner;
  /** tfjs backend name ('webgpu', 'wasm', 'cpu'), recorded with the timing. */
  backend: string;
  device?: string;
  settings?: Partial<PredictionSettings>;
  /** Predictions an earlier run of the same checkpoint × dataset stored: these examples are skipped. */
  completed?: Iterable<ExamplePrediction>;
  /** Called after every chunk with its new predictions; awaited, so the caller can store them first. */
  onPredictions?: (predictions: ExamplePrediction[]) => void | Promise<void>;
  onProgress?: (progress: BenchmarkProgress) => void;
  /** Checked before every chunk and model call; the run stops with the signal's reason. */
  signal?: AbortSignal;
  /** Milliseconds clock (injectable for tests); default performance.now. */
  clock?: () => number;
}

export interface BenchmarkRunResult {
  /** One prediction per example, in dataset order (resumed ones included). */
  predictions: ExamplePrediction[];
  /** Examples taken from `completed` instead of predicted. */
  resumed: number;
  timing: BenchmarkTiming;
  settings: PredictionSettings;
}

export class BenchmarkRunError extends Error {
  override name = 'BenchmarkRunError';
}

export function exampleId(record: { id?: string }, index: number): string {
  return record.id !== undefined && record.id !== '' ? record.id : String(index);
}

/** A cheap length (UTF-16 units) to sort examples by before tokenizing: Chinese text is about one token per char. */
function approximateLength(data: BenchmarkData, index: number): number {
  switch (data.task) {
    case 'ner':
      return data.records[index].text.length;
    case 'classification':
      return data.records[index].text.length;
    case 'pair':
      return data.records[index].textA.length + data.records[index].textB.length;
    case 'qa':
      return data.records[index].question.length + data.records[index].context.length;
    case 'mc': {
      const r = data.records[index];
      return (
        r.choices.length *
        (r.context.length + r.question.length + Math.max(0, ...r.choices.map((c) => c.length)))
      );
    }
  }
}

/** Checks resumed predictions belong to this dataset and task (same position, same id). */
function takeCompleted(
  data: BenchmarkData,
  completed: Iterable<ExamplePrediction> | undefined,
): Map<number, ExamplePrediction> {
  const done = new Map<number, ExamplePrediction>();
  for (const p of completed ?? []) {
    const record = data.records[p.index] as { id?: string } | undefined;
    const taskMatches = p.task === data.task;
    if (record === undefined || !taskMatches || p.id !== exampleId(record, p.index)) {
      throw new BenchmarkRunError(
        `A stored prediction (example ${p.index}, id ${JSON.stringify(p.id)}, task ${p.task}) does not belong to this ${data.task} dataset of ${data.records.length} examples` +
          (record !== undefined && taskMatches
            ? ` (example ${p.index} has id ${JSON.stringify(exampleId(record, p.index))})`
            : '') +
          '; the dataset changed since the run started: start a new run instead of resuming.',
      );
    }
    done.set(p.index, p);
  }
  return done;
}

async function predictChunk(
  options: BenchmarkRunOptions,
  model: ModelRunner,
  settings: PredictionSettings,
  indices: number[],
): Promise<ExamplePrediction[]> {
  const { data, tokenizer, plan, signal } = options;
  const batching = {
    maxBatchSize: settings.maxBatchSize,
    maxBatchTokens: settings.maxBatchTokens,
    signal,
  };
  const maxLength = settings.maxLength ?? undefined;
  switch (data.task) {
    case 'ner': {
      const records = indices.map((i) => data.records[i]);
      const entities = await runTokenClassification(
        tokenizer,
        model,
        records.map((r) => r.text),
        { ...batching, id2label: plan.id2label, aggregation: settings.aggregation, maxLength },
      );
      return records.map((r, k) => ({
        task: 'ner',
        index: indices[k],
        id: exampleId(r, indices[k]),
        gold: r.spans.map((s) => ({ start: s.start, end: s.end, label: s.label })),
        prediction: entities[k].map((e) => ({ start: e.start, end: e.end, label: e.type })),
      }));
    }
    case 'classification':
    case 'pair': {
      const task = data.task;
      const records = indices.map((i) => data.records[i]);
      const inputs = records.map((r) =>
        'textA' in r ? ([r.textA, r.textB] as const) : (r as { text: string }).text,
      );
      const scores = await runTextClassification(tokenizer, model, inputs, {
        ...batching,
        id2label: plan.id2label,
        problemType: 'single_label_classification',
        topK: 1,
        maxLength,
      });
      return records.map((r, k) => ({
        task,
        index: indices[k],
        id: exampleId(r, indices[k]),
        gold: r.label,
        prediction: scores[k][0].label,
        score: scores[k][0].score,
      }));
    }
    case 'qa': {
      const records = indices.map((i) => data.records[i]);
      const answers = await runQuestionAnswering(
        tokenizer,
        model,
        records.map((r) => ({ question: r.question, context: r.context })),
        {
          ...batching,
          maxLength,
          docStride: settings.docStride ?? undefined,
          maxAnswerLength: settings.maxAnswerLength,
          topK: 1,
        },
      );
      return records.map((r, k) => {
        const best = answers[k][0];
        return {
          task: 'qa',
          index: indices[k],
          id: exampleId(r, indices[k]),
          gold: r.answers.map((a) => a.text),
          prediction: best?.answer ?? '',
          start: best?.start ?? 0,
          end: best?.end ?? 0,
          score: best?.score ?? 0,
        };
      });
    }
    case 'mc': {
      const records = indices.map((i) => data.records[i]);
      // C3 as CLUE's baseline pairs it: the document first, then question + choice (so truncation cuts the
      // document, never the question).
      const results = await runMultipleChoice(
        tokenizer,
        model,
        records.map((r) => ({ context: r.context, choices: r.choices.map((c) => `${r.question}${c}`) })),
        { ...batching, maxLength },
      );
      return records.map((r, k) => ({
        task: 'mc',
        index: indices[k],
        id: exampleId(r, indices[k]),
        gold: r.answer,
        prediction: results[k].best,
        choices: r.choices.length,
      }));
    }
  }
}

/** Predicts every example not in `completed`, chunk by chunk, with progress, cancel and timing. */
export async function runBenchmark(options: BenchmarkRunOptions): Promise<BenchmarkRunResult> {
  const { data, plan } = options;
  if (plan.task !== data.task) {
    throw new BenchmarkRunError(
      `The head plan is for task ${plan.task} but the dataset is ${data.task}; check the head against this dataset first.`,
    );
  }
  const settings: PredictionSettings = { ...DEFAULT_PREDICTION_SETTINGS, ...options.settings };
  const clock = options.clock ?? defaultClock;
  const done = takeCompleted(data, options.completed);
  const resumed = done.size;
  const total = data.records.length;
  const pending: number[] = [];
  for (let i = 0; i < total; i++) if (!done.has(i)) pending.push(i);

  // Time each model call: that is the per-batch latency; the loop's wall time gives throughput.
  const latencies: number[] = [];
  const timed: ModelRunner = {
    async run(batch) {
      throwIfAborted(options.signal);
      const start = clock();
      const out = await options.model.run(batch);
      latencies.push(clock() - start);
      return out;
    },
  };

  const started = clock();
  let predicted = 0;
  const progress = (): BenchmarkProgress => {
    const elapsedMs = clock() - started;
    const rate = elapsedMs > 0 && predicted > 0 ? (1000 * predicted) / elapsedMs : 0;
    const left = total - resumed - predicted;
    return {
      done: resumed + predicted,
      total,
      resumed,
      examplesPerSecond: rate,
      etaSeconds: rate > 0 ? left / rate : left === 0 ? 0 : null,
      elapsedMs,
    };
  };
  options.onProgress?.(progress());

  // Length-sorted chunks of the pending examples: a stable order (length, then dataset position).
  const chunks = planBatches(
    pending.map((i) => approximateLength(data, i) + 2),
    { maxBatchSize: settings.maxBatchSize, maxBatchTokens: settings.maxBatchTokens },
  ).map((rows) => rows.map((r) => pending[r]));
  for (const chunk of chunks) {
    throwIfAborted(options.signal);
    const predictions = await predictChunk(options, timed, settings, chunk);
    await options.onPredictions?.(predictions);
    for (const p of predictions) done.set(p.index, p);
    predicted += predictions.length;
    options.onProgress?.(progress());
  }
  const totalMs = clock() - started;
  return {
    predictions: Array.from({ length: total }, (_, i) => done.get(i)!),
    resumed,
    settings,
    timing: summariseTiming({
      backend: options.backend,
      device: options.device,
      examples: predicted,
      totalMs,
      batchLatenciesMs: latencies,
    }),
  };
}
