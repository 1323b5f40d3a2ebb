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
