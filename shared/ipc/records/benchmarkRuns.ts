/** Benchmark runs (issue 6): the main side's run store (electron/services/benchmarkRuns.ts). */
import type { BenchmarkRunRecord } from '../../benchmark/report';
import type { BenchmarkTask, ExamplePrediction } from '../../benchmark/types';

export type BenchmarkRunStatus = 'running' | 'finished' | 'failed' | 'cancelled';

/** A stored run: checkpoint × dataset × task × settings, with its predictions count and, once finished, its record. */
export interface BenchmarkRunSummary {
  id: string;
  checkpointSha256: string;
  datasetSha256: string;
  task: BenchmarkTask;
  checkpointId: string | null;
  datasetId: string | null;
  checkpointName: string;
  datasetName: string;
  settings: Record<string, unknown>;
  total: number;
  /** Examples with a stored prediction. */
  done: number;
  status: BenchmarkRunStatus;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  record: BenchmarkRunRecord | null;
}

/** finished: shown as is, never recomputed; resume: the stored predictions, for the runner to skip. */
export type OpenedBenchmarkRunResult =
  | { state: 'finished'; run: BenchmarkRunSummary }
  | { state: 'resume'; run: BenchmarkRunSummary; completed: ExamplePrediction[] }
  | { state: 'new'; run: BenchmarkRunSummary };

/**
 * A dataset's benchmark data file, built and hashed on the main side (`benchmarks.prepareData`). The worker
 * fetches the bytes from `path` (served with the hash as ETag); the UI needs only what is here.
 */
export interface PreparedBenchmarkData {
  datasetId: string;
  task: BenchmarkTask;
  /** Where the file is served on both transports (shared/ipc benchmarkDataFilePath). */
  path: string;
  /** SHA-256 of the file's bytes: the runs' dataset identity (it changes with every edit). */
  sha256: string;
  bytes: number;
  /** Examples (records) in the file. */
  count: number;
  /** The dataset's labels, as the head check compares them (shared/benchmark datasetLabelsOf). */
  labels: string[];
}
