/**
 * The worker's benchmark methods over a ModelRegistry (separate from worker.ts so tests can serve them in
 * Node with the CPU backend). A run uses the registry's loaded model and tokenizer, the same ModelRunner the
 * pipelines use (it yields to the message loop after each batch so `cancel` is seen), and scores the
 * predictions in the worker, keeping the bootstrap off the UI thread.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  hashCheckpointWeights,
  runBenchmark,
  scorePredictions,
  webCryptoSha256,
  type ExamplePrediction,
} from '../../../../shared/benchmark';
import { inspectCheckpointFolder } from '../../../../shared/checkpoint';
import { PIPELINE_OF_TASK, TASK_OF_DATASET } from '../../../../shared/nezha/tasks';
import { httpCheckpointSource } from './httpCheckpointSource';
import { taskModelRunner, type ModelRegistry } from './modelRegistry';
import type { WorkerHandlers } from '../common/rpc';

export type BenchmarkHandlers = Pick<WorkerHandlers, 'inspectCheckpoint' | 'benchmarkRun'>;

export interface BenchmarkHandlerOptions {
  fetch?: typeof fetch;
  headers?: Record<string, string>;
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
    benchmarkRun: async (request, context) => {
      const { model, tokenizer, info } = registry.loaded(request.modelId);
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
        let pending: ExamplePrediction[] = [];
        const result = await runBenchmark({
          plan: request.plan,
          data: request.data,
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
        const metrics = scorePredictions(request.plan.task, result.predictions, {
          resamples: request.resamples,
          seed: request.seed,
        });
        return {
          predictions: result.predictions,
          metrics,
          resumed: result.resumed,
          timing: result.timing,
          settings: result.settings,
        };
      } finally {
        if (request.jobId !== undefined) jobs.delete(request.jobId);
      }
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
