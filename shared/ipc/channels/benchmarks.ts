import { z } from 'zod';
import { examplePredictionSchema } from '../../benchmark/predictionsFile';
import type { ExamplePrediction } from '../../benchmark/types';
import type {
  BenchmarkRunSummary,
  OpenedBenchmarkRunResult,
  PreparedBenchmarkData,
} from '../records/benchmarkRuns';
import { datasetTaskSchema } from '../records/datasets';
import { idSchema, none } from './primitives';

const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits (SHA-256)');

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
  'benchmarks.open': {
    request: z
      .object({
        checkpointSha256: sha256HexSchema,
        datasetSha256: sha256HexSchema,
        task: datasetTaskSchema,
        settings: z.record(z.string(), z.unknown()),
        checkpointName: z.string().min(1).max(500),
        datasetName: z.string().min(1).max(500),
        total: z.number().int().positive(),
        checkpointId: idSchema.nullable().optional(),
        datasetId: idSchema.nullable().optional(),
      })
      .strict(),
    response: {} as OpenedBenchmarkRunResult,
  },
  /** Stores one chunk of predictions (one transaction); rows of the same example are replaced. */
  'benchmarks.savePredictions': {
    request: z
      .object({ runId: idSchema, predictions: z.array(examplePredictionSchema).min(1).max(10000) })
      .strict(),
    response: {} as { done: number },
  },
  /** Marks a run finished with its record (validated field by field by the store). */
  'benchmarks.finish': {
    request: z.object({ runId: idSchema, record: z.record(z.string(), z.unknown()) }).strict(),
    response: {} as BenchmarkRunSummary,
  },
  /** Records that a run stopped early (its predictions stay, so opening it again resumes). */
  'benchmarks.stop': {
    request: z
      .object({
        runId: idSchema,
        status: z.enum(['failed', 'cancelled']),
        error: z.string().max(4000).optional(),
      })
      .strict(),
    response: {} as BenchmarkRunSummary,
  },
  'benchmarks.list': {
    request: none.or(
      z.object({ checkpointId: idSchema.optional(), datasetId: idSchema.optional() }).strict(),
    ),
    response: {} as BenchmarkRunSummary[],
  },
  'benchmarks.predictions': {
    request: z
      .object({
        runId: idSchema,
        offset: z.number().int().nonnegative().optional(),
        limit: z.number().int().positive().optional(),
      })
      .strict(),
    response: {} as ExamplePrediction[],
  },
  'benchmarks.delete': {
    request: z.object({ runId: idSchema }).strict(),
    response: {} as { deleted: boolean },
  },
  /** Writes an exported report (Markdown / CSV / JSON text) to a path the person chose, atomically. */
  'benchmarks.saveReport': {
    request: z.object({ path: z.string().min(1).max(4096), content: z.string().max(200_000_000) }).strict(),
    response: {} as { path: string; bytes: number },
  },
} as const;
