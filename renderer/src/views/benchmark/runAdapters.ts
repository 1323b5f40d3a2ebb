/**
 * The Benchmark view's side of shared/benchmark's orchestrator: runs are kept in the main side's run store
 * (the api's benchmark channels) and predicted in the inference worker, which loads the checkpoint, reads the
 * benchmark data file the main side serves and streams every chunk of predictions back.
 */
import type {
  BenchmarkPredictor,
  BenchmarkRunStorePort,
  BenchmarkScorer,
} from '../../../../shared/benchmark/orchestrator';
import type { HeadPlan } from '../../../../shared/benchmark/compatibility';
import type { CheckpointRecord } from '../../../../shared/ipc';
import type { Api } from '../../api/client';
import type { InferenceClient } from '../../inference/ui/client';
import { loadRequestFor } from '../../inference/ui/models';

/** The port over the api: the main side's BenchmarkRunStore, one channel per method. */
export function apiRunStore(api: Api): BenchmarkRunStorePort {
  return {
    async open(request) {
      const opened = await api.benchmarks.open({ ...request, settings: { ...request.settings } });
      if (opened.state !== 'finished')
        return {
          state: opened.state,
          runId: opened.run.id,
          completed: opened.state === 'resume' ? opened.completed : [],
        };
      if (!opened.run.record) {
        throw new Error(
          `Benchmark run ${opened.run.id} is finished but has no record; delete it in the run store and run it again.`,
        );
      }
      return { state: 'finished', runId: opened.run.id, record: opened.run.record };
    },
    predictions: (runId) => api.benchmarks.predictions({ runId }),
    async savePredictions(runId, predictions) {
      await api.benchmarks.savePredictions({ runId, predictions });
    },
    async finish(runId, record) {
      const finished = await api.benchmarks.finish({ runId, record: { ...record } });
      return finished.record ?? record;
    },
    async stop(runId, status, error) {
      await api.benchmarks.stop({ runId, status, ...(error !== undefined ? { error } : {}) });
    },
  };
}

/** The worker holder benchmark runs load their checkpoints under (released when the run ends). */
export const benchmarkHolder = 'benchmark';

export interface WorkerPredictorOptions {
  api: Api;
  inference: InferenceClient;
  checkpoint: CheckpointRecord;
  plan: HeadPlan;
  /** The benchmark data file (absolute URL) and the SHA-256 prepareData reported for it. */
  data: { url: string; sha256: string };
  /** The worker job id: `cancel` with it stops the run between chunks. */
  jobId: string;
  device?: string;
}

/** Loads the checkpoint with the plan's head, then runs the worker's benchmark over the data file. */
export function workerPredictor(options: WorkerPredictorOptions): BenchmarkPredictor {
  const { api, inference, checkpoint, plan, jobId } = options;
  return {
    async prepare() {
      // One model at a time under the benchmark's holder: the previous cell's checkpoint may be unloaded.
      await inference.call('load', {
        ...loadRequestFor(checkpoint, api.checkpointFileUrl),
        className: plan.className,
        holder: benchmarkHolder,
      });
    },
    async predict(args) {
      const stop = () => void inference.call('cancel', { jobId }).catch(() => undefined);
      args.signal.addEventListener('abort', stop, { once: true });
      try {
        return await inference.call(
          'benchmarkRun',
          {
            modelId: checkpoint.id,
            plan: args.plan,
            dataUrl: options.data.url,
            dataSha256: options.data.sha256,
            completed: args.completed,
            settings: args.settings,
            device: options.device,
            jobId,
          },
          {
            onProgress: (p) => {
              if (!p.benchmark) return;
              args.onProgress(p.benchmark.progress);
              // Not awaited: the worker goes on; the orchestrator stores the chunks in order.
              void args.onPredictions(p.benchmark.predictions);
            },
          },
        );
      } finally {
        args.signal.removeEventListener('abort', stop);
      }
    },
  };
}

/**
 * Scoring in the worker: the bootstrap's thousand resamples never block the UI thread. `dataset` (its import
 * format and served data file) lets the worker add the format's own metrics (CLUENER's official score).
 */
export function workerScorer(
  inference: InferenceClient,
  dataset?: { format: string; dataUrl: string; dataSha256: string },
): BenchmarkScorer {
  return (task, predictions, bootstrap) =>
    inference.call('benchmarkScore', {
      task,
      predictions: [...predictions],
      ...bootstrap,
      ...(dataset && { dataset }),
    });
}
