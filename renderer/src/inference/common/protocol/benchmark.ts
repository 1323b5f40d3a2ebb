/**
 * The inference worker's benchmark methods: inspect a checkpoint (config, tensor shapes, weight hashes: what
 * the head check and the run's identity need, without building the model), run shared/benchmark's runner
 * on a loaded model over a benchmark data file the main side serves (the worker fetches it; the UI thread never
 * holds the data), and score predictions (the bootstrap stays off the UI thread). Predictions stream back chunk
 * by chunk in progress messages, so the UI thread can store each chunk through the api client before the run
 * goes on (the worker cannot call the api itself).
 */
import type {
  BenchmarkProgress,
  BenchmarkTask,
  BenchmarkTiming,
  CheckpointHash,
  ExamplePrediction,
  HeadPlan,
  PredictionSettings,
} from '../../../../../shared/benchmark';
import type { MetricResult } from '../../../../../shared/metrics/types';
import type { CheckpointFileUrl } from './core';

export interface InspectCheckpointRequest {
  name: string;
  files: CheckpointFileUrl[];
}

export interface InspectedCheckpointInfo {
  /** config.json as parsed. */
  config: unknown;
  /** Tensor names and shapes, read from the weight files' headers only. */
  tensors: { name: string; shape: number[] }[];
  format: string;
  /** The weight files (shard index included for sharded checkpoints). */
  weightFiles: string[];
  weightBytes: number;
  /** SHA-256 of the weight bytes (shared/benchmark hashCheckpointWeights). */
  hash: CheckpointHash;
}

export interface BenchmarkRunRequest {
  /** A model loaded with `load` (its id). */
  modelId: string;
  plan: HeadPlan;
  /** The benchmark data file's URL (`benchmarks.prepareData`'s path on the page's origin). */
  dataUrl: string;
  /** Its SHA-256 as prepareData reported it: a file served with another ETag (the dataset changed) is refused. */
  dataSha256: string;
  /** Predictions stored by an earlier, interrupted run of the same cell: those examples are skipped. */
  completed: ExamplePrediction[];
  settings?: Partial<PredictionSettings>;
  /** Device description recorded with the timing (GPU adapter, WASM threads). */
  device?: string;
  /** Pass the same id to `cancel` to stop between chunks and model calls. */
  jobId?: string;
}

export interface BenchmarkRunResponse {
  /** Every example's prediction in dataset order (resumed ones included). */
  predictions: ExamplePrediction[];
  resumed: number;
  timing: BenchmarkTiming;
  settings: PredictionSettings;
}

/** shared/benchmark's scorePredictions, in the worker. */
export interface BenchmarkScoreRequest {
  task: BenchmarkTask;
  predictions: ExamplePrediction[];
  /** Bootstrap resamples / seed for the metrics' intervals. */
  resamples?: number;
  seed?: number;
  /**
   * The dataset the predictions were made on: its import format and the served data file (as in
   * `benchmarkRun`). A format whose scoring reads the records (CLUENER's official score) makes the worker fetch it.
   */
  dataset?: { format: string; dataUrl: string; dataSha256: string };
}

/** What a benchmark run's progress message carries besides done / total. */
export interface BenchmarkChunkProgress {
  progress: BenchmarkProgress;
  /** Predictions of the chunk just finished (empty for the first event, before any chunk). */
  predictions: ExamplePrediction[];
}

export interface BenchmarkWorkerMethods {
  inspectCheckpoint: { request: InspectCheckpointRequest; response: InspectedCheckpointInfo };
  benchmarkRun: { request: BenchmarkRunRequest; response: BenchmarkRunResponse };
  benchmarkScore: { request: BenchmarkScoreRequest; response: MetricResult[] };
}
