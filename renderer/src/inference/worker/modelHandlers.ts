/**
 * The worker's model methods (load, unload, release, memory, setMemoryBudget, run, runPipeline, cancel) over a ModelRegistry,
 * separate from worker.ts so tests serve them over a MessageChannel in Node with the CPU backend.
 */
import { httpCheckpointSource } from './httpCheckpointSource';
import { memorySnapshot, ModelRegistry } from './modelRegistry';
import type { WorkerHandlers } from '../common/rpc';
import * as tf from '@tensorflow/tfjs-core';

export type ModelHandlers = Pick<
  WorkerHandlers,
  'load' | 'unload' | 'release' | 'memory' | 'setMemoryBudget' | 'run' | 'runPipeline' | 'inspect' | 'cancel'
>;

export interface ModelHandlerOptions {
  /** Tests: fetch with a bearer token (Node has no cookie jar). */
  fetch?: typeof fetch;
  headers?: Record<string, string>;
  /** The registry's memory budget (default defaultMemoryBudgetBytes). */
  memoryBudgetBytes?: number;
}

export function createModelHandlers(options: ModelHandlerOptions = {}): {
  registry: ModelRegistry;
  handlers: ModelHandlers;
} {
  const registry = new ModelRegistry({ memoryBudgetBytes: options.memoryBudgetBytes });
  const jobs = new Map<string, AbortController>();

  /** Runs `work` with an AbortSignal that `cancel(jobId)` triggers. */
  const withJob = async <T>(
    jobId: string | undefined,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> => {
    const controller = new AbortController();
    if (jobId !== undefined) {
      if (jobs.has(jobId)) throw new Error(`A job with id "${jobId}" is already running; use a fresh jobId.`);
      jobs.set(jobId, controller);
    }
    try {
      return await work(controller.signal);
    } finally {
      if (jobId !== undefined) jobs.delete(jobId);
    }
  };

  const handlers: ModelHandlers = {
    load: (request, context) =>
      withJob(request.jobId, (signal) =>
        registry.load(
          request.id,
          httpCheckpointSource({
            name: request.name,
            files: request.files,
            fetch: options.fetch,
            headers: options.headers,
            signal,
          }),
          {
            name: request.name,
            className: request.className,
            holder: request.holder,
            signal,
            onProgress: (p) =>
              context.progress({
                done: p.bytesDone,
                total: p.bytesTotal,
                tensors: p.tensors,
                message: `${p.file}: ${p.tensors} tensors`,
              }),
          },
        ),
      ),
    unload: ({ id }) => {
      const unloaded = registry.unload(id);
      return { unloaded, memory: memorySnapshot() };
    },
    release: ({ holder }) => ({ ...registry.release(holder), memory: memorySnapshot() }),
    memory: () => ({
      memory: memorySnapshot(),
      models: registry.list(),
      budgetBytes: registry.memoryBudgetBytes,
      holders: registry.references(),
    }),
    setMemoryBudget: ({ bytes }) => {
      const evicted = registry.setMemoryBudget(bytes);
      return { budgetBytes: registry.memoryBudgetBytes, evicted, memory: memorySnapshot() };
    },
    run: (request) => registry.run(request),
    inspect: (request) => registry.inspect(request),
    runPipeline: (request, context) =>
      withJob(request.jobId, async (signal) => {
        const started = performance.now();
        const result = await registry.runPipeline(request.id, request.request, {
          signal,
          maxBatchSize: request.maxBatchSize,
          onProgress: (p) => context.progress({ done: p.done, total: p.total, message: 'rows' }),
        });
        return { result, ms: performance.now() - started, backend: tf.getBackend() };
      }),
    cancel: ({ jobId }) => {
      const controller = jobs.get(jobId);
      if (!controller) return { cancelled: false };
      controller.abort(new Error('Cancelled.'));
      return { cancelled: true };
    },
  };
  return { registry, handlers };
}
