/**
 * One benchmark run from start to record, the same for the Benchmark view and the `eval` CLI:
 * open (or resume) the run in a store → prepare the model → predict what is not stored yet, saving every chunk
 * in order → score the predictions → build the one BenchmarkRunRecord → finish; a failure or a cancel marks the
 * run stopped (its predictions stay, so opening it again resumes).
 *
 * Where runs are kept and how predictions are made differ per caller and come in as two small ports: the view
 * keeps runs in the main side's run store (api benchmark channels) and predicts in the inference worker; the CLI
 * keeps them in PRED.jsonl and predicts in-process. Everything in between lives here, once.
 *
 * tfjs-free (the UI thread imports it): scoring is `scorePredictions` unless a caller moves it elsewhere
 * (the view scores in the worker, keeping the bootstrap off the UI thread).
 */
import type { BootstrapOptions } from '../metrics/bootstrap';
import type { MetricResult } from '../metrics/types';
import type { HeadPlan } from './compatibility';
import type { BenchmarkRunRecord } from './report';
import type { BenchmarkRunResult, PredictionSettings } from './runner';
import { scorePredictions } from './score';
import type { BenchmarkProgress, BenchmarkTask, ExamplePrediction } from './types';

/** What identifies a run in its store (same shape as the `benchmarks.open` channel's request). */
export interface BenchmarkRunOpenRequest {
  checkpointSha256: string;
  datasetSha256: string;
  task: BenchmarkTask;
  /** Everything that changes predictions or metrics: part of the run's key. */
  settings: Record<string, unknown>;
  checkpointName: string;
  datasetName: string;
  /** Examples the run predicts. */
  total: number;
  checkpointId?: string | null;
  datasetId?: string | null;
}

/** finished: returned as is (never recomputed); new / resume: the predictions stored so far to skip. */
export type OpenedRun =
  | { state: 'finished'; runId: string; record: BenchmarkRunRecord }
  | { state: 'new' | 'resume'; runId: string; completed: ExamplePrediction[] };

/** Where runs are kept. Every method may reject; the orchestrator turns that into a failed run. */
export interface BenchmarkRunStorePort {
  open(request: BenchmarkRunOpenRequest): Promise<OpenedRun>;
  /** The predictions of a finished run, in dataset order. */
  predictions(runId: string): Promise<ExamplePrediction[]>;
  /** Stores one chunk; called in chunk order, each call after the previous one resolved. */
  savePredictions(runId: string, predictions: ExamplePrediction[]): Promise<void>;
  /** Marks the run finished with its record; resolves with the record as stored. */
  finish(runId: string, record: BenchmarkRunRecord): Promise<BenchmarkRunRecord>;
  /** The run stopped early; its predictions stay. */
  stop(runId: string, status: 'failed' | 'cancelled', error?: string): Promise<void>;
}

export interface PredictArgs {
  plan: HeadPlan;
  /** Stored predictions: these examples are skipped. */
  completed: ExamplePrediction[];
  settings: Partial<PredictionSettings>;
  signal: AbortSignal;
  /**
   * Hand every chunk's new predictions here as soon as it is predicted. The returned promise resolves once
   * the chunk is stored; a predictor may await it (the in-process runner does) or not (a worker streaming
   * chunks cannot), saves stay in order either way.
   */
  onPredictions(predictions: ExamplePrediction[]): Promise<void>;
  onProgress(progress: BenchmarkProgress): void;
}

/** How predictions are made: shared/benchmark's runBenchmark in-process, or the inference worker. */
export interface BenchmarkPredictor {
  /** Gets the model ready (loads weights); not part of the run's timing. */
  prepare?(signal: AbortSignal): Promise<void>;
  predict(args: PredictArgs): Promise<BenchmarkRunResult>;
}

export type BenchmarkScorer = (
  task: BenchmarkTask,
  predictions: readonly ExamplePrediction[],
  options: BootstrapOptions,
) => MetricResult[] | Promise<MetricResult[]>;

/** The facts of the record the orchestrator cannot know: what was evaluated, where, by which app. */
export interface BenchmarkRunFacts {
  checkpoint: Pick<BenchmarkRunRecord['checkpoint'], 'name' | 'path' | 'sha256' | 'weightFiles'>;
  /** `evaluated` is the run's total. */
  dataset: Pick<BenchmarkRunRecord['dataset'], 'name' | 'path' | 'sha256' | 'format' | 'records'>;
  environment: Pick<BenchmarkRunRecord['environment'], 'appVersion' | 'runtime'>;
  /** The first N examples were evaluated (null: all of them). */
  limit: number | null;
  /** Notes beyond the head plan's (appended after them). */
  notes: string[];
}

export interface BenchmarkJob {
  open: BenchmarkRunOpenRequest;
  plan: HeadPlan;
  facts: BenchmarkRunFacts;
  predictionSettings: Partial<PredictionSettings>;
  bootstrap: Pick<BootstrapOptions, 'resamples' | 'seed'>;
}

export interface RunBenchmarkJobOptions {
  store: BenchmarkRunStorePort;
  predictor: BenchmarkPredictor;
  /** Aborting it cancels the run (between chunks and model calls). */
  signal?: AbortSignal;
  /** Default: scorePredictions in this thread. */
  score?: BenchmarkScorer;
  /** The run is open and about to be predicted (not called for a run that is already finished). */
  onOpened?(run: { runId: string; state: 'new' | 'resume'; resumed: number }): void;
  onProgress?(progress: BenchmarkProgress): void;
  /** ISO timestamps of the record (injectable for tests). */
  now?: () => string;
}

export type BenchmarkJobOutcome =
  | {
      status: 'finished';
      runId: string;
      record: BenchmarkRunRecord;
      /** Every example's prediction, in dataset order. */
      predictions: ExamplePrediction[];
      /** True when the store had the run finished already: nothing was predicted. */
      reused: boolean;
    }
  | { status: 'cancelled'; runId: string | null }
  | { status: 'failed'; runId: string | null; error: Error };

/** The one run record, from the job's facts and what the run measured. */
export function buildRunRecord(
  job: Pick<BenchmarkJob, 'plan' | 'facts' | 'open'>,
  result: Pick<BenchmarkRunResult, 'resumed' | 'timing' | 'settings'>,
  metrics: MetricResult[],
  times: { startedAt: string; finishedAt: string },
): BenchmarkRunRecord {
  const { plan, facts } = job;
  if (metrics.length === 0)
    throw new Error(`Scoring the ${plan.task} run gave no metrics; nothing to record.`);
  // The bootstrap as it ran (defaults filled in by shared/metrics), not as it was asked for.
  const { resamples, ciLevel, seed } = metrics[0];
  return {
    checkpoint: {
      name: facts.checkpoint.name,
      ...(facts.checkpoint.path !== undefined ? { path: facts.checkpoint.path } : {}),
      sha256: facts.checkpoint.sha256,
      weightFiles: facts.checkpoint.weightFiles,
      className: plan.className,
      numLabels: plan.numLabels,
      labelMatch: plan.labelMatch,
    },
    dataset: {
      name: facts.dataset.name,
      ...(facts.dataset.path !== undefined ? { path: facts.dataset.path } : {}),
      sha256: facts.dataset.sha256,
      format: facts.dataset.format,
      task: plan.task,
      records: facts.dataset.records,
      evaluated: job.open.total,
    },
    settings: { ...result.settings, limit: facts.limit, resamples, ciLevel, seed },
    environment: {
      backend: result.timing.backend,
      ...(result.timing.device !== undefined ? { device: result.timing.device } : {}),
      appVersion: facts.environment.appVersion,
      ...(facts.environment.runtime !== undefined ? { runtime: facts.environment.runtime } : {}),
    },
    startedAt: times.startedAt,
    finishedAt: times.finishedAt,
    resumed: result.resumed,
    metrics,
    timing: result.timing,
    notes: [...plan.notes, ...facts.notes],
  };
}

function cancelledError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('Cancelled.');
}

/** Runs one job to its outcome; never rejects (a failure is an outcome, with the run marked failed). */
export async function runBenchmarkJob(
  job: BenchmarkJob,
  options: RunBenchmarkJobOptions,
): Promise<BenchmarkJobOutcome> {
  const { store, predictor } = options;
  const signal = options.signal ?? new AbortController().signal;
  const now = options.now ?? (() => new Date().toISOString());
  const score = options.score ?? scorePredictions;
  let runId: string | null = null;
  // Chunks are stored in order, each after the previous one; the first failed save fails the run.
  let saving: Promise<void> = Promise.resolve();
  try {
    if (job.plan.task !== job.open.task) {
      throw new Error(
        `The head plan is for ${job.plan.task} but the run is opened as ${job.open.task}; check the head against this dataset first.`,
      );
    }
    const opened = await store.open(job.open);
    runId = opened.runId;
    if (opened.state === 'finished') {
      const predictions = await store.predictions(opened.runId);
      return { status: 'finished', runId, record: opened.record, predictions, reused: true };
    }
    // A stored prediction past the end belongs to a longer run of the same key (a larger --limit earlier).
    const completed = opened.completed.filter((p) => p.index < job.open.total);
    options.onOpened?.({ runId, state: opened.state, resumed: completed.length });
    await predictor.prepare?.(signal);
    // A cancel during the load has no prediction to stop yet: honour it before predicting starts.
    if (signal.aborted) throw cancelledError(signal);

    const startedAt = now();
    let saveError: Error | null = null;
    const id = runId;
    const result = await predictor.predict({
      plan: job.plan,
      completed,
      settings: job.predictionSettings,
      signal,
      onPredictions: (chunk) => {
        if (chunk.length === 0) return saving;
        saving = saving.then(async () => {
          if (saveError) return;
          try {
            await store.savePredictions(id, chunk);
          } catch (error) {
            saveError = error instanceof Error ? error : new Error(String(error));
          }
        });
        return saving;
      },
      onProgress: (progress) => options.onProgress?.(progress),
    });
    await saving;
    if (saveError) throw saveError;
    // A cancel that came after the last model call (the predictor had nothing left to stop) still means
    // "do not finish now": every prediction is stored, so resuming goes straight to scoring.
    if (signal.aborted) throw cancelledError(signal);
    if (result.predictions.length !== job.open.total) {
      throw new Error(
        `The run predicted ${result.predictions.length} of ${job.open.total} examples; it cannot be finished.`,
      );
    }
    const metrics = await score(job.plan.task, result.predictions, job.bootstrap);
    if (signal.aborted) throw cancelledError(signal);
    const record = buildRunRecord(job, result, metrics, { startedAt, finishedAt: now() });
    const stored = await store.finish(runId, record);
    return { status: 'finished', runId, record: stored, predictions: result.predictions, reused: false };
  } catch (thrown) {
    const error = thrown instanceof Error ? thrown : new Error(String(thrown));
    const cancelled = signal.aborted;
    // Predictions already made are kept: a stop is recorded after the saves in flight have landed, so
    // the stored count a restart shows is the count the run had reported.
    await saving;
    if (runId !== null) {
      // The outcome says what happened; a store that cannot even record the stop must not hide it.
      await store
        .stop(runId, cancelled ? 'cancelled' : 'failed', cancelled ? undefined : error.message)
        .catch(() => undefined);
    }
    return cancelled ? { status: 'cancelled', runId } : { status: 'failed', runId, error };
  }
}
