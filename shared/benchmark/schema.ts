/**
 * zod schemas for reading a benchmark report back (REPORT.json, a stored run record, a record crossing IPC
 * from the renderer's worker to the main side's store). The errors name the field that is wrong.
 */
import { z } from 'zod';
import { metricResultSchema, pairedComparisonSchema } from '../metrics/schema';
import { examplePredictionSchema } from './predictionsFile';
import { BENCHMARK_REPORT_SCHEMA, type BenchmarkReport, type BenchmarkRunRecord } from './report';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits (SHA-256)');
const count = z.number().int().nonnegative();
const task = z.enum(['ner', 'classification', 'pair', 'qa', 'mc']);

export const benchmarkTimingSchema = z.object({
  backend: z.string(),
  device: z.string().optional(),
  examples: count,
  batches: count,
  totalMs: z.number().nonnegative(),
  examplesPerSecond: z.number().nonnegative(),
  batchLatencyMs: z.object({ p50: z.number(), p95: z.number(), mean: z.number(), max: z.number() }),
});

export const benchmarkRunRecordSchema = z.object({
  checkpoint: z.object({
    name: z.string(),
    path: z.string().optional(),
    sha256,
    weightFiles: z.array(z.object({ file: z.string(), bytes: count, sha256 })),
    // The heads TASK_HEAD runs (listed here so reading a report does not load the model code and tfjs).
    className: z.enum([
      'NezhaForTokenClassification',
      'NezhaForSequenceClassification',
      'NezhaForQuestionAnswering',
      'NezhaForMultipleChoice',
    ]),
    numLabels: z.number().int().positive(),
    labelMatch: z.enum(['names', 'index', 'sorted', 'none']),
  }),
  dataset: z.object({
    name: z.string(),
    path: z.string().optional(),
    sha256,
    format: z.string(),
    task,
    records: count,
    evaluated: count,
  }),
  settings: z.object({
    maxBatchSize: z.number().int().positive(),
    maxBatchTokens: z.number().int().positive(),
    maxLength: z.number().int().positive().nullable(),
    aggregation: z.enum(['simple', 'first', 'average', 'max']),
    docStride: z.number().int().nonnegative().nullable(),
    maxAnswerLength: z.number().int().positive(),
    limit: z.number().int().positive().nullable(),
    resamples: count,
    ciLevel: z.number().gt(0).lt(1),
    seed: z.number(),
  }),
  environment: z.object({
    backend: z.string(),
    device: z.string().optional(),
    appVersion: z.string(),
    runtime: z.string().optional(),
  }),
  startedAt: z.string(),
  finishedAt: z.string(),
  resumed: count,
  metrics: z.array(metricResultSchema).min(1),
  timing: benchmarkTimingSchema,
  notes: z.array(z.string()),
}) satisfies z.ZodType<BenchmarkRunRecord>;

export const benchmarkReportSchema = z.object({
  schema: z.literal(BENCHMARK_REPORT_SCHEMA),
  appVersion: z.string(),
  createdAt: z.string(),
  runs: z.array(benchmarkRunRecordSchema),
  comparisons: z
    .array(
      z.object({
        dataset: z.object({ name: z.string(), sha256 }),
        a: z.object({ name: z.string(), sha256 }),
        b: z.object({ name: z.string(), sha256 }),
        comparison: pairedComparisonSchema,
      }),
    )
    .optional(),
}) satisfies z.ZodType<BenchmarkReport>;

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  return `field ${issue.path.join('.') || '(root)'} is invalid: ${issue.message}`;
}

/** Validates a run record (e.g. one the worker sends to be stored); the error names the field. */
export function parseBenchmarkRunRecord(value: unknown, where = 'benchmark run record'): BenchmarkRunRecord {
  const parsed = benchmarkRunRecordSchema.safeParse(value);
  if (!parsed.success) throw new TypeError(`${where}: ${issueText(parsed.error)}.`);
  return parsed.data;
}

/** Parses REPORT.json text; the error names the file and the field (or the JSON position). */
export function parseBenchmarkReport(text: string, file: string): BenchmarkReport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TypeError(`${file}: not valid JSON (${(error as Error).message}).`, { cause: error });
  }
  const parsed = benchmarkReportSchema.safeParse(json);
  if (!parsed.success) {
    throw new TypeError(`${file}: ${issueText(parsed.error)}; this is not a Nezha Studio benchmark report.`);
  }
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------------------------
// Requests to the run store (electron/services/benchmarkRuns.ts): the benchmarks.* channels of shared/ipc/ are
// these schemas, so each request and its limits have one definition. The renderer's benchmark store
// (renderer/src/views/benchmark/store.ts) opens a run, stores each chunk's predictions, and finishes or stops it.
// ---------------------------------------------------------------------------------------------------------------

/**
 * Most predictions one `savePredictions` call stores (one transaction). The renderer sends one call per runner
 * chunk, and a chunk holds at most `maxBatchSize` examples (shared/benchmark/runner.ts planBatches), which the
 * Benchmark view caps at 256: this leaves room for larger batches while refusing a whole dataset in one call.
 */
export const MAX_PREDICTIONS_PER_SAVE = 5000;

/**
 * Characters of a stopped run's error that are kept. The renderer sends the failure's `Error.message` as it
 * is, of any length, and ignores a refused `stop`; a longer message is therefore cut (with "…"), not refused,
 * so the run is still marked failed with the start of its reason.
 */
export const MAX_RUN_ERROR_CHARS = 4000;

const runId = z.string().min(1).max(200);
const libraryId = z.string().min(1).max(200);

export const benchmarkRunRequestSchemas = {
  /** Finds the run with this identity (finished → returned; interrupted → its stored predictions) or creates it. */
  open: z
    .object({
      checkpointSha256: sha256,
      datasetSha256: sha256,
      task,
      /** Everything that changes predictions; canonical JSON of it is part of the run's identity. */
      settings: z.record(z.string(), z.unknown()),
      checkpointName: z.string().min(1).max(500),
      datasetName: z.string().min(1).max(500),
      total: z.number().int().positive(),
      checkpointId: libraryId.nullable().optional(),
      datasetId: libraryId.nullable().optional(),
    })
    .strict(),
  savePredictions: z
    .object({ runId, predictions: z.array(examplePredictionSchema).min(1).max(MAX_PREDICTIONS_PER_SAVE) })
    .strict(),
  /** The record is checked field by field by the store (parseBenchmarkRunRecord), for every caller alike. */
  finish: z.object({ runId, record: z.record(z.string(), z.unknown()) }).strict(),
  stop: z
    .object({
      runId,
      status: z.enum(['failed', 'cancelled']),
      error: z
        .string()
        .transform((error) =>
          error.length > MAX_RUN_ERROR_CHARS ? `${error.slice(0, MAX_RUN_ERROR_CHARS - 1)}…` : error,
        )
        .optional(),
    })
    .strict(),
  /** A page of the stored predictions in dataset order; without `limit`, all of them (what a resume reads). */
  predictions: z
    .object({
      runId,
      offset: z.number().int().nonnegative().optional(),
      limit: z.number().int().positive().optional(),
    })
    .strict(),
  byId: z.object({ runId }).strict(),
  list: z.object({ checkpointId: libraryId.optional(), datasetId: libraryId.optional() }).strict(),
} as const;
