/**
 * The worker's benchmark methods over a ModelRegistry (separate from worker.ts so tests can serve them in
 * Node with the CPU backend). A run fetches the benchmark data file the main side serves (checking it is the
 * file whose hash the UI was told), uses the registry's loaded model and tokenizer and the same ModelRunner the
 * pipelines use (it yields to the message loop after each batch so `cancel` is seen). Scoring is a method of
 * its own, so the bootstrap runs here, off the UI thread.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  hashCheckpointWeights,
  runBenchmark,
  scorePredictions,
  scoringNeedsRecords,
  webCryptoSha256,
  BENCHMARK_TASKS,
  type BenchmarkData,
  type BenchmarkTask,
  type ExamplePrediction,
} from '../../../../shared/benchmark';
import { inspectCheckpointFolder } from '../../../../shared/checkpoint';
import { PIPELINE_OF_TASK, TASK_OF_DATASET } from '../../../../shared/nezha/tasks';
import { httpCheckpointSource } from './httpCheckpointSource';
import { taskModelRunner, type ModelRegistry } from './modelRegistry';
import type { WorkerHandlers } from '../common/rpc';

export type BenchmarkHandlers = Pick<WorkerHandlers, 'inspectCheckpoint' | 'benchmarkRun' | 'benchmarkScore'>;

export interface BenchmarkHandlerOptions {
  fetch?: typeof fetch;
  headers?: Record<string, string>;
}

/** The benchmark data file at `url`, refused unless it is the file with hash `sha256` (its ETag). */
async function fetchBenchmarkData(
  url: string,
  sha256: string,
  task: BenchmarkTask,
  options: BenchmarkHandlerOptions,
  signal: AbortSignal,
): Promise<BenchmarkData> {
  const response = await (options.fetch ?? fetch)(url, { headers: options.headers, signal });
  if (!response.ok) {
    const detail = (await response.text().catch(() => '')).slice(0, 300);
    throw new Error(`Could not read the benchmark data at ${url}: HTTP ${response.status} ${detail}`.trim());
  }
  const etag = response.headers.get('etag')?.replaceAll('"', '');
  if (etag !== sha256) {
    throw new Error(
      `The dataset changed since it was checked (its data file is now ${etag?.slice(0, 12) ?? 'unhashed'}, the run expects ${sha256.slice(0, 12)}); check the selection again.`,
    );
  }
  const data = (await response.json()) as BenchmarkData;
  if (!BENCHMARK_TASKS.includes(data?.task) || !Array.isArray(data.records)) {
    throw new Error(`${url} is not a benchmark data file ({ task, records }).`);
  }
  if (data.task !== task)
    throw new Error(`${url} holds a ${data.task} dataset, but the head plan is for ${task}.`);
  return data;
}

export function createBenchmarkHandlers(
  registry: ModelRegistry,
  options: BenchmarkHandlerOptions = {},
): { handlers: BenchmarkHandlers; cancel(jobId: string): boolean } {
  const jobs = new Map<string, AbortController>();

  const handlers: BenchmarkHandlers = {
    inspectCheckpoint: async (request) => {
      const source = httpCheckpointSource({
        name: request.name,
        files: request.files,
        fetch: options.fetch,
        headers: options.headers,
      });
      const inspected = await inspectCheckpointFolder(source);
      const hash = await hashCheckpointWeights(source, inspected.files, webCryptoSha256);
      return {
        config: inspected.config,
        tensors: inspected.tensors.map((t) => ({ name: t.name, shape: [...t.shape] })),
        format: inspected.format,
        weightFiles: inspected.files,
        weightBytes: inspected.weightBytes,
        hash,
      };
    },
    // `using`: the model is not evicted while its benchmark runs.
    benchmarkRun: (request, context) =>
      registry.using(request.modelId, async ({ model, tokenizer, info }) => {
        if (info.className !== request.plan.className) {
          throw new Error(
            `"${info.name}" is loaded as ${info.className}, but the ${request.plan.task} benchmark needs ${request.plan.className}; load it with className ${request.plan.className}.`,
          );
        }
        const controller = new AbortController();
        if (request.jobId !== undefined) {
          if (jobs.has(request.jobId))
            throw new Error(`A job with id "${request.jobId}" is already running; use a fresh jobId.`);
          jobs.set(request.jobId, controller);
        }
        try {
          const data = await fetchBenchmarkData(
            request.dataUrl,
            request.dataSha256,
            request.plan.task,
            options,
            controller.signal,
          );
          let pending: ExamplePrediction[] = [];
          const result = await runBenchmark({
            plan: request.plan,
            data,
            tokenizer,
            model: taskModelRunner(model, PIPELINE_OF_TASK[TASK_OF_DATASET[request.plan.task]]),
            backend: tf.getBackend(),
            device: request.device,
            settings: request.settings,
            completed: request.completed,
            signal: controller.signal,
            onPredictions: (chunk) => {
              pending = chunk;
            },
            onProgress: (progress) => {
              context.progress({
                done: progress.done,
                total: progress.total,
                message: 'examples',
                benchmark: { progress, predictions: pending },
              });
              pending = [];
            },
          });
          return result;
        } finally {
          if (request.jobId !== undefined) jobs.delete(request.jobId);
        }
      }),
    async benchmarkScore(request) {
      const { dataset } = request;
      const data =
        dataset && scoringNeedsRecords(dataset.format)
          ? await fetchBenchmarkData(
              dataset.dataUrl,
              dataset.dataSha256,
              request.task,
              options,
              new AbortController().signal,
            )
          : null;
      return scorePredictions(request.task, request.predictions, {
        resamples: request.resamples,
        seed: request.seed,
        ...(dataset && data && { dataset: { format: dataset.format, data } }),
      });
    },
  };
  return {
    handlers,
    cancel(jobId) {
      const controller = jobs.get(jobId);
      if (!controller) return false;
      controller.abort(new Error('Cancelled.'));
      return true;
    },
  };
}
