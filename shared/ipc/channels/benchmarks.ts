/** The run store's requests are defined once, with their limits, in shared/benchmark/schema.ts. */
import { z } from 'zod';
import { benchmarkRunRequestSchemas } from '../../benchmark/schema';
import type { ExamplePrediction } from '../../benchmark/types';
import type {
  BenchmarkRunSummary,
  OpenedBenchmarkRunResult,
  PreparedBenchmarkData,
} from '../records/benchmarkRuns';
import { idSchema, none } from './primitives';

export const benchmarksChannels = {
  /**
   * Builds (or reuses, while the dataset is unchanged) the dataset's benchmark data file and hashes it on the
   * main side; the worker fetches the bytes from the returned path.
   */
  'benchmarks.prepareData': {
    request: z.object({ datasetId: idSchema }).strict(),
    response: {} as PreparedBenchmarkData,
  },
  /** Finds the run with this identity (finished → returned, interrupted → resumed) or starts a new one. */
  'benchmarks.open': { request: benchmarkRunRequestSchemas.open, response: {} as OpenedBenchmarkRunResult },
  /** Stores one chunk of predictions (one transaction); rows of the same example are replaced. */
  'benchmarks.savePredictions': {
    request: benchmarkRunRequestSchemas.savePredictions,
    response: {} as { done: number },
  },
  /** Marks a run finished with its record (validated field by field by the store). */
  'benchmarks.finish': { request: benchmarkRunRequestSchemas.finish, response: {} as BenchmarkRunSummary },
  /** Records that a run stopped early (its predictions stay, so opening it again resumes). */
  'benchmarks.stop': { request: benchmarkRunRequestSchemas.stop, response: {} as BenchmarkRunSummary },
  'benchmarks.list': {
    request: none.or(benchmarkRunRequestSchemas.list),
    response: {} as BenchmarkRunSummary[],
  },
  'benchmarks.predictions': {
    request: benchmarkRunRequestSchemas.predictions,
    response: {} as ExamplePrediction[],
  },
  'benchmarks.delete': { request: benchmarkRunRequestSchemas.byId, response: {} as { deleted: boolean } },
  /** Writes an exported report (Markdown / CSV / JSON text) to a path the person chose, atomically. */
  'benchmarks.saveReport': {
    request: z.object({ path: z.string().min(1).max(4096), content: z.string().max(200_000_000) }).strict(),
    response: {} as { path: string; bytes: number },
  },
} as const;
