/**
 * The one IPC contract between the main side (Electron main process or the serve-mode host)
 * and the renderer. Every request channel maps a zod-validated request to a response type;
 * every event channel is pushed from main to renderer. Both transports (Electron IPC and the
 * HTTP/WebSocket host) carry exactly this map, so the UI never knows which one it runs on.
 */
import { z } from 'zod';
import { examplePredictionSchema } from './benchmark/predictionsFile';
import type { BenchmarkRunRecord } from './benchmark/report';
import type { BenchmarkTask, ExamplePrediction } from './benchmark/types';
import type { AgreementReport } from './metrics/agreement';

// ---------------------------------------------------------------------------------------------
// Records shared by both sides
// ---------------------------------------------------------------------------------------------

export const checkpointFormatSchema = z.enum([
  'safetensors',
  'pytorch',
  'sharded-safetensors',
  'sharded-pytorch',
]);
export type CheckpointFormat = z.infer<typeof checkpointFormatSchema>;

export interface CheckpointRecord {
  id: string;
  name: string;
  /** Absolute folder path on the main side's disk. */
  path: string;
  /** HF class named by config.json `architectures[0]`, e.g. "NezhaForTokenClassification". */
  architecture: string | null;
  modelType: string;
  format: CheckpointFormat;
  /** Files the renderer may fetch as bytes through the checkpoint file transport. */
  files: string[];
  hiddenSize: number;
  numLayers: number;
  numLabels: number | null;
  labels: string[] | null;
  sizeBytes: number;
  /** True for checkpoints shipped in resources/ (cannot be removed). */
  builtin: boolean;
  addedAt: string;
}

export interface DatasetRecord {
  id: string;
  name: string;
  task: string;
  format: string;
  sourcePath: string | null;
  exampleCount: number;
  builtin: boolean;
  addedAt: string;
}

export interface AppInfo {
  name: string;
  version: string;
  /** 'electron' for the desktop app, 'serve' for the browser host. */
  host: 'electron' | 'serve';
  platform: string;
  nodeVersion: string;
  dataDir: string;
  schemaVersion: number;
}

export const themeSchema = z.enum(['system', 'light', 'dark']);
export const backendPreferenceSchema = z.enum(['auto', 'webgpu', 'wasm', 'cpu']);

/**
 * Who is annotating: the author of every edit (annotations.*, review.*). Trimmed, 1-200 characters, no
 * control characters (it is shown in the review and stored in the history).
 */
export const annotatorNameSchema = z
  .string()
  .trim()
  .min(1, 'the annotator name is empty; type a name')
  .max(200, 'the annotator name is longer than 200 characters')
  .regex(/^[^\p{Cc}]+$/u, 'the annotator name contains a control character (tab, newline, ...)');

export const settingsSchema = z.object({
  theme: themeSchema,
  backend: backendPreferenceSchema,
  /** Default on the main side: the OS user name ("annotator" when it cannot be read). */
  annotatorName: annotatorNameSchema,
});
export type Settings = z.infer<typeof settingsSchema>;
export const defaultSettings: Settings = { theme: 'system', backend: 'auto', annotatorName: 'annotator' };

// ---------------------------------------------------------------------------------------------
// Dataset store and annotation records (issue 5). Offsets count Unicode CODE POINTS, end exclusive.
// ---------------------------------------------------------------------------------------------

/** Every format `datasets.import` reads (shared/datasets DatasetFormat). */
export const datasetFormatSchema = z.enum([
  'char-per-line',
  'ernie-tsv',
  'cluener',
  'jsonl-spans',
  'label-studio',
  'tsv-classification',
  'tsv-pair',
  'json-classification',
  'json-pair',
  'squad',
  'c3',
]);
export const datasetTaskSchema = z.enum(['ner', 'classification', 'pair', 'qa', 'mc']);

/** What `datasets.export` writes: char-per-line in BIO or BIOES, ERNIE TSV, CLUENER, JSONL spans, Label Studio. */
export const datasetExportFormatSchema = z.enum([
  'char-per-line-bio',
  'char-per-line-bioes',
  'ernie-tsv',
  'cluener',
  'jsonl-spans',
  'label-studio',
]);
export type DatasetExportFormat = z.infer<typeof datasetExportFormatSchema>;

export const exampleStatusSchema = z.enum(['unannotated', 'in-progress', 'done']);
export type ExampleStatus = z.infer<typeof exampleStatusSchema>;

/** gold: came with the imported file; annotator: made or accepted by a person; model: a suggestion. */
export type AnnotationSource = 'gold' | 'model' | 'annotator';

export interface AnnotationSpan {
  id: number;
  start: number;
  end: number;
  label: string;
  source: AnnotationSource;
  author: string | null;
  /** Model confidence (0..1) for model spans; null otherwise. */
  score: number | null;
  /** The checkpoint that predicted a model span; null otherwise. */
  checkpointId: string | null;
  createdAt: string;
}

export interface LabelDefinition {
  name: string;
  /** CSS colour, "#rrggbb". */
  color: string;
  /** "1".."9" or a single letter; null when none. */
  hotkey: string | null;
  /** Order in the label bar. */
  position: number;
}

export interface ExampleView {
  id: number;
  datasetId: string;
  /** 0-based position in the dataset (file order). */
  index: number;
  text: string;
  split: string | null;
  status: ExampleStatus;
  /** Increases with every change to the example's spans or status. */
  revision: number;
  updatedAt: string | null;
  /** The working annotation: gold and annotator spans, sorted by start. Never overlapping. */
  spans: AnnotationSpan[];
  /** Model suggestions not yet accepted or rejected, sorted by start (may overlap `spans`). */
  modelSpans: AnnotationSpan[];
  /** Model uncertainty stored with the last predictions (higher = less sure); null before any. */
  uncertainty: number | null;
  /** For classification / pair / QA / MC datasets: the imported record as it was read. */
  record: unknown;
  canUndo: boolean;
  canRedo: boolean;
}

export interface DatasetDetail extends DatasetRecord {
  labels: LabelDefinition[];
  sourceFile: string | null;
  sourceHash: string | null;
  /** Imported counts (shared/datasets DatasetCounts). */
  counts: Record<string, unknown>;
  warnings: DatasetImportWarning[];
}

export interface DatasetImportWarning {
  code: string;
  severity: 'info' | 'warning';
  message: string;
  count: number;
  file: string;
  lines: number[];
}

export interface DatasetImportSummary {
  jobId: string;
  dataset: DatasetDetail;
  /** Records stored. */
  examples: number;
  /** Gold spans stored (NER). */
  spans: number;
  warnings: DatasetImportWarning[];
  durationMs: number;
}

export interface DatasetStats {
  datasetId: string;
  total: number;
  unannotated: number;
  inProgress: number;
  done: number;
  /** Per label: spans in the working annotation (gold + annotator) and model suggestions. */
  labels: { label: string; spans: number; modelSpans: number }[];
}

export interface ExamplePage {
  /** Examples matching the filter (all pages). */
  total: number;
  offset: number;
  items: ExampleView[];
}

// Review of double annotation (electron/services/review.ts; metrics in shared/metrics/agreement.ts).

/** A span in a review: annotator A's, B's or the gold version's (id only for stored spans). */
export interface ReviewSpan {
  id?: number;
  start: number;
  end: number;
  label: string;
}

export interface ReviewAuthor {
  author: string;
  /** Annotator spans by this author in the dataset. */
  spans: number;
  /** Examples holding at least one of them. */
  examples: number;
}

export interface ReviewAgreement extends AgreementReport {
  datasetId: string;
  authorA: string;
  authorB: string;
  /** Compared examples whose two versions differ. */
  disagreeing: number;
}

/** One example both annotators edited, with both versions and the current gold spans. */
export interface ReviewItem {
  exampleId: number;
  index: number;
  text: string;
  revision: number;
  a: ReviewSpan[];
  b: ReviewSpan[];
  gold: ReviewSpan[];
  /** A and B have exactly the same spans. */
  agree: boolean;
}

export interface ReviewPage {
  total: number;
  offset: number;
  items: ReviewItem[];
}

const spanRangeSchema = z.object({
  start: z.number().int().nonnegative(),
  end: z.number().int().positive(),
});
const labelNameSchema = z.string().min(1).max(100);
const authorSchema = annotatorNameSchema;
const reviewPairSchema = z
  .object({ datasetId: z.string().min(1).max(200), authorA: authorSchema, authorB: authorSchema })
  .strict();

/** One edit of `annotations.apply`; spans are addressed by id (from ExampleView.spans). */
export const annotationOpSchema = z.discriminatedUnion('op', [
  spanRangeSchema.extend({ op: z.literal('add'), label: labelNameSchema }).strict(),
  z.object({ op: z.literal('remove'), spanId: z.number().int().positive() }).strict(),
  z
    .object({ op: z.literal('relabel'), spanId: z.number().int().positive(), label: labelNameSchema })
    .strict(),
]);
export type AnnotationOp = z.infer<typeof annotationOpSchema>;

export const exampleFilterSchema = z
  .object({
    status: exampleStatusSchema.optional(),
    /** Substring of the example text. */
    text: z.string().min(1).max(500).optional(),
    /** Substring of an entity's text (working or model spans), optionally with `label`. */
    entityText: z.string().min(1).max(500).optional(),
    /** Examples with at least one span of this label (working or model). */
    label: labelNameSchema.optional(),
    /** Model suggestions differ from the working annotation (exact span + label match). */
    disagreement: z.boolean().optional(),
    /** Examples with a model span whose score is below this. */
    lowConfidenceBelow: z.number().min(0).max(1).optional(),
  })
  .strict();
export type ExampleFilter = z.infer<typeof exampleFilterSchema>;

// ---------------------------------------------------------------------------------------------
// Benchmark runs (issue 6): the main side's run store (electron/services/benchmarkRuns.ts)
// ---------------------------------------------------------------------------------------------

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

const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits (SHA-256)');

// ---------------------------------------------------------------------------------------------
// Request channels
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Training runs (issue 7): the Train view's runs, kept by the main side so they resume after a restart
// ---------------------------------------------------------------------------------------------

export const trainingRunStatusSchema = z.enum([
  'running',
  'paused',
  'cancelled',
  'completed',
  'early-stopped',
  'failed',
]);
export type TrainingRunStatus = z.infer<typeof trainingRunStatusSchema>;

const historyLimit = 100_000;
export const trainingRunInputSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
    name: z.string().min(1).max(200),
    checkpointId: z.string().min(1).max(200),
    datasetId: z.string().min(1).max(200).nullable(),
    /** shared/training TrainingTask. */
    task: z.string().min(1).max(60),
    /** shared/training TrainingSettings plus the view's own (maxLength, devFraction), as JSON. */
    settings: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
    status: trainingRunStatusSchema,
    step: z.number().int().nonnegative(),
    totalSteps: z.number().int().nonnegative(),
    lossHistory: z
      .array(z.object({ step: z.number(), loss: z.number(), learningRate: z.number() }).strict())
      .max(historyLimit),
    devHistory: z
      .array(
        z.object({ step: z.number(), epoch: z.number(), metrics: z.record(z.string(), z.number()) }).strict(),
      )
      .max(historyLimit),
    /** The precision note the trainer reported ("fp32 used ..."). */
    precision: z.string().max(1000).nullable(),
    error: z.string().max(10_000).nullable(),
  })
  .strict();
export type TrainingRunInput = z.infer<typeof trainingRunInputSchema>;

export interface TrainingRunRecord extends TrainingRunInput {
  /** The optimizer step the saved state snapshot was taken at; null before the first snapshot. */
  stateStep: number | null;
  /** The library checkpoint the run's result was published as. */
  resultCheckpointId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Base64 chunks stay under the serve host's 1 MiB request limit. */
export const TRAINING_UPLOAD_CHUNK_BYTES = 512 * 1024;
const base64ChunkSchema = z
  .string()
  .max(Math.ceil(TRAINING_UPLOAD_CHUNK_BYTES / 3) * 4)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');

const idSchema = z.string().min(1).max(200);
const none = z.undefined().or(z.object({}).strict());

/** What a native file dialog is for: pick an existing file, an existing folder, or a file to write. */
export const pathPurposeSchema = z.enum(['open-file', 'open-folder', 'save-file']);
export type PathPurpose = z.infer<typeof pathPurposeSchema>;
// A NUL byte ends a path at the OS level; refuse it rather than let the dialog truncate silently.
const dialogPathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((path) => !path.includes('\0'), 'must not contain NUL bytes');
/** A dialog filter as Electron takes it: extensions without the dot ('txt'), or '*' for any file. */
export const dialogFilterSchema = z
  .object({
    name: z.string().min(1).max(100),
    extensions: z
      .array(z.string().regex(/^(\*|[A-Za-z0-9_-]{1,16})$/, "expected an extension without the dot, or '*'"))
      .min(1)
      .max(20),
  })
  .strict();
export const pickPathRequestSchema = z
  .object({
    purpose: pathPurposeSchema,
    title: z.string().min(1).max(200).optional(),
    /** Where the dialog opens (a folder, or a file name for 'save-file'); usually the typed value. */
    defaultPath: dialogPathSchema.optional(),
    filters: z.array(dialogFilterSchema).max(10).optional(),
  })
  .strict();
export type PickPathRequest = z.infer<typeof pickPathRequestSchema>;

/**
 * Every request channel: `request` is the zod schema the main side validates against;
 * `response` is a phantom type carrier (never validated: main is trusted, the renderer is not).
 */
export const requestChannels = {
  'app.info': { request: none, response: {} as AppInfo },
  'settings.get': { request: none, response: {} as Settings },
  'settings.update': { request: settingsSchema.partial().strict(), response: {} as Settings },
  'checkpoints.list': { request: none, response: {} as CheckpointRecord[] },
  'checkpoints.get': { request: z.object({ id: idSchema }).strict(), response: {} as CheckpointRecord },
  'checkpoints.import': {
    request: z
      .object({ path: z.string().min(1).max(4096), name: z.string().min(1).max(200).optional() })
      .strict(),
    response: {} as CheckpointRecord,
  },
  'checkpoints.remove': {
    request: z.object({ id: idSchema }).strict(),
    response: {} as { removed: boolean },
  },
  'datasets.list': { request: none, response: {} as DatasetRecord[] },
  'datasets.remove': { request: z.object({ id: idSchema }).strict(), response: {} as { removed: boolean } },
  'datasets.get': { request: z.object({ id: idSchema }).strict(), response: {} as DatasetDetail },
  /** Reads the file on the main side; progress on the `progress` event (kind "dataset-import"). */
  'datasets.import': {
    request: z
      .object({
        path: z.string().min(1).max(4096),
        format: datasetFormatSchema.optional(),
        name: z.string().min(1).max(200).optional(),
        /** The task the caller expects; a file of another task is refused. */
        task: datasetTaskSchema.optional(),
        /** Text encoding of the file (default utf-8; e.g. gb18030). */
        encoding: z.string().min(1).max(40).optional(),
        /** Chosen by the caller so it can cancel with `jobs.cancel` before the response arrives. */
        jobId: idSchema.optional(),
      })
      .strict(),
    response: {} as DatasetImportSummary,
  },
  /** Writes the working annotation (gold + annotator spans) atomically (temp file + rename). */
  'datasets.export': {
    request: z
      .object({ id: idSchema, format: datasetExportFormatSchema, path: z.string().min(1).max(4096) })
      .strict(),
    response: {} as { path: string; examples: number; spans: number; bytes: number },
  },
  'datasets.stats': { request: z.object({ id: idSchema }).strict(), response: {} as DatasetStats },
  /** Cancels a running job (import); `cancelled` is false when no such job runs. */
  'jobs.cancel': { request: z.object({ jobId: idSchema }).strict(), response: {} as { cancelled: boolean } },
  'examples.list': {
    request: z
      .object({
        datasetId: idSchema,
        offset: z.number().int().nonnegative().default(0),
        limit: z.number().int().positive().max(500).default(50),
        filter: exampleFilterSchema.optional(),
        /** 'index': file order; 'uncertainty': most uncertain model predictions first (active learning). */
        order: z.enum(['index', 'uncertainty']).default('index'),
      })
      .strict(),
    response: {} as ExamplePage,
  },
  'examples.get': {
    request: z.object({ exampleId: z.number().int().positive() }).strict(),
    response: {} as ExampleView,
  },
  'examples.setStatus': {
    request: z
      .object({ exampleId: z.number().int().positive(), status: exampleStatusSchema, author: authorSchema })
      .strict(),
    response: {} as ExampleView,
  },
  'labels.list': { request: z.object({ datasetId: idSchema }).strict(), response: {} as LabelDefinition[] },
  /** Adds labels or changes colour / hotkey / order of existing ones; labels not named are kept. */
  'labels.update': {
    request: z
      .object({
        datasetId: idSchema,
        labels: z
          .array(
            z
              .object({
                name: labelNameSchema,
                color: z
                  .string()
                  .regex(/^#[0-9a-fA-F]{6}$/)
                  .optional(),
                hotkey: z
                  .string()
                  .regex(/^[0-9a-zA-Z]$/)
                  .nullable()
                  .optional(),
                position: z.number().int().nonnegative().optional(),
              })
              .strict(),
          )
          .min(1)
          .max(200),
      })
      .strict(),
    response: {} as LabelDefinition[],
  },
  /** One transaction: validates every op (bounds, overlaps), stores them and one history entry. */
  'annotations.apply': {
    request: z
      .object({
        exampleId: z.number().int().positive(),
        ops: z.array(annotationOpSchema).min(1).max(1000),
        author: authorSchema,
        /** When given, the edit is refused if the example changed since (another window edited it). */
        expectedRevision: z.number().int().nonnegative().optional(),
      })
      .strict(),
    response: {} as ExampleView,
  },
  'annotations.undo': {
    request: z.object({ exampleId: z.number().int().positive(), author: authorSchema.optional() }).strict(),
    response: {} as ExampleView,
  },
  'annotations.redo': {
    request: z.object({ exampleId: z.number().int().positive(), author: authorSchema.optional() }).strict(),
    response: {} as ExampleView,
  },
  /** Replaces the example's model suggestions from this checkpoint and stores its uncertainty. */
  'annotations.saveModelPredictions': {
    request: z
      .object({
        exampleId: z.number().int().positive(),
        checkpointId: idSchema,
        spans: z
          .array(spanRangeSchema.extend({ label: labelNameSchema, score: z.number().min(0).max(1) }).strict())
          .max(5000),
        /** Default: 1 - the lowest span score (0 with no spans). */
        uncertainty: z.number().min(0).optional(),
      })
      .strict(),
    response: {} as ExampleView,
  },
  /** Turns model suggestions into annotator spans (all of them when `spanIds` is left out). */
  'annotations.acceptModel': {
    request: z
      .object({
        exampleId: z.number().int().positive(),
        spanIds: z.array(z.number().int().positive()).min(1).max(5000).optional(),
        author: authorSchema,
      })
      .strict(),
    response: {} as ExampleView,
  },
  /** Drops model suggestions (all of them when `spanIds` is left out). */
  'annotations.rejectModel': {
    request: z
      .object({
        exampleId: z.number().int().positive(),
        spanIds: z.array(z.number().int().positive()).min(1).max(5000).optional(),
        author: authorSchema,
      })
      .strict(),
    response: {} as ExampleView,
  },
  /** Authors of annotator spans in a dataset (the review's choices for annotator A and B). */
  'review.authors': {
    request: z.object({ datasetId: idSchema }).strict(),
    response: {} as ReviewAuthor[],
  },
  /** Span agreement and Cohen's kappa of A and B over every example both edited (computed in pages). */
  'review.agreement': {
    request: reviewPairSchema,
    response: {} as ReviewAgreement,
  },
  /** Both versions side by side, a page at a time. */
  'review.examples': {
    request: reviewPairSchema
      .extend({
        offset: z.number().int().nonnegative().default(0),
        limit: z.number().int().positive().max(500).default(50),
        onlyDisagreements: z.boolean().optional(),
      })
      .strict(),
    response: {} as ReviewPage,
  },
  /** Replaces one example's gold spans with the adjudicated ones (one history entry). */
  'review.adjudicate': {
    request: z
      .object({
        exampleId: z.number().int().positive(),
        spans: z.array(spanRangeSchema.extend({ label: labelNameSchema }).strict()).max(5000),
        author: authorSchema,
        expectedRevision: z.number().int().nonnegative().optional(),
      })
      .strict(),
    response: {} as ExampleView,
  },
  /** Adds every span A and B agree on to the gold version (one example, or every compared example). */
  'review.acceptAgreeing': {
    request: reviewPairSchema
      .extend({ author: authorSchema, exampleId: z.number().int().positive().optional() })
      .strict(),
    response: {} as { examples: number; spans: number; skipped: number },
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
  /** Creates or updates a training run (settings, status, histories). */
  'trainingRuns.save': {
    request: z.object({ run: trainingRunInputSchema }).strict(),
    response: {} as TrainingRunRecord,
  },
  'trainingRuns.list': { request: none, response: {} as TrainingRunRecord[] },
  'trainingRuns.get': { request: z.object({ runId: idSchema }).strict(), response: {} as TrainingRunRecord },
  'trainingRuns.remove': {
    request: z.object({ runId: idSchema }).strict(),
    response: {} as { removed: boolean },
  },
  /**
   * Appends a base64 chunk of the run's state snapshot ('state') or of a finished HF folder file ('output')
   * at `offset` (0 restarts the file); `last` moves the file into place atomically.
   */
  'trainingRuns.writeFile': {
    request: z
      .object({
        runId: idSchema,
        kind: z.enum(['state', 'output']),
        file: z.string().max(200),
        offset: z.number().int().nonnegative(),
        data: base64ChunkSchema,
        last: z.boolean(),
        stateStep: z.number().int().nonnegative().optional(),
      })
      .strict(),
    response: {} as { bytes: number },
  },
  /** A base64 slice of the saved state snapshot (at most TRAINING_UPLOAD_CHUNK_BYTES). */
  'trainingRuns.readState': {
    request: z
      .object({
        runId: idSchema,
        offset: z.number().int().nonnegative(),
        length: z.number().int().positive().max(TRAINING_UPLOAD_CHUNK_BYTES),
      })
      .strict(),
    response: {} as { data: string; total: number },
  },
  /**
   * Opens the OS file/folder dialog, parented to the caller's window; `path: null` when the person cancelled.
   * Desktop app only: serve mode answers bad-request (a browser page cannot show a native dialog).
   */
  'dialogs.pick': { request: pickPathRequestSchema, response: {} as { path: string | null } },
  /** Moves the run's uploaded output folder into the data dir's checkpoints and adds it to the library. */
  'trainingRuns.publish': {
    request: z.object({ runId: idSchema, name: z.string().min(1).max(200) }).strict(),
    response: {} as CheckpointRecord,
  },
} as const;

export type RequestChannel = keyof typeof requestChannels;
export type RequestOf<C extends RequestChannel> = z.input<(typeof requestChannels)[C]['request']>;
export type ResponseOf<C extends RequestChannel> = (typeof requestChannels)[C]['response'];

// ---------------------------------------------------------------------------------------------
// Event channels (main → renderer)
// ---------------------------------------------------------------------------------------------

export interface ProgressEvent {
  /** Identifies the long-running job (import, evaluation, training). */
  jobId: string;
  kind: string;
  done: number;
  total: number | null;
  message?: string;
}

export interface MainErrorEvent {
  message: string;
  detail?: string;
}

export interface EventPayloads {
  progress: ProgressEvent;
  'main.error': MainErrorEvent;
}
export type EventChannel = keyof EventPayloads;

// ---------------------------------------------------------------------------------------------
// Errors crossing the boundary
// ---------------------------------------------------------------------------------------------

/** The serialisable shape of an error returned by a handler. */
export interface IpcErrorPayload {
  /**
   * `cancelled`: the person cancelled the work (e.g. a dataset import via jobs.cancel). Not a failure: serve
   * mode answers it with HTTP 200 and ok:false (a 4xx/5xx would be logged by the browser as an error), the
   * app shows no error toast for it.
   */
  code: 'bad-request' | 'forbidden' | 'not-found' | 'failed' | 'cancelled';
  message: string;
  channel: string;
}

export class IpcError extends Error {
  constructor(
    readonly code: IpcErrorPayload['code'],
    message: string,
    readonly channel: string,
  ) {
    super(message);
    this.name = 'IpcError';
  }
  toPayload(): IpcErrorPayload {
    return { code: this.code, message: this.message, channel: this.channel };
  }
}

/** Parse a request against its channel's schema; throws an IpcError naming the channel and key. */
export function parseRequest<C extends RequestChannel>(channel: C, payload: unknown): RequestOf<C> {
  const def = requestChannels[channel];
  if (!def) throw new IpcError('bad-request', `Unknown channel "${String(channel)}"`, String(channel));
  const result = def.request.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length ? issue.path.join('.') : '(payload)';
    throw new IpcError(
      'bad-request',
      `Invalid request for "${channel}": ${where}: ${issue.message}`,
      channel,
    );
  }
  return result.data as RequestOf<C>;
}

export function isRequestChannel(name: string): name is RequestChannel {
  return Object.prototype.hasOwnProperty.call(requestChannels, name);
}

/**
 * The envelope every request comes back in, on both transports (Electron IPC and `POST /api/<channel>`).
 * Errors travel as data because Electron's contextBridge and JSON both drop an Error's class and code.
 */
export type IpcResult<T = unknown> = { ok: true; result: T } | { ok: false; error: IpcErrorPayload };

const errorCodes: ReadonlySet<string> = new Set<IpcErrorPayload['code']>([
  'bad-request',
  'forbidden',
  'not-found',
  'failed',
  'cancelled',
]);

/** Rebuild an IpcError from its payload (for clients on the renderer side). */
export function ipcErrorFromPayload(payload: IpcErrorPayload): IpcError {
  return new IpcError(payload.code, payload.message, payload.channel);
}

/**
 * Unwrap a transport's envelope: the result, or a thrown IpcError. Anything that is not an envelope
 * is a transport fault and becomes an IpcError('failed') naming the channel.
 */
export function unwrapIpcResult<C extends RequestChannel>(channel: C, envelope: unknown): ResponseOf<C> {
  if (typeof envelope === 'object' && envelope !== null && 'ok' in envelope) {
    const value = envelope as { ok: unknown; result?: unknown; error?: unknown };
    if (value.ok === true) return value.result as ResponseOf<C>;
    const error = value.error as Partial<IpcErrorPayload> | undefined;
    if (value.ok === false && error && typeof error.message === 'string') {
      const code = typeof error.code === 'string' && errorCodes.has(error.code) ? error.code : 'failed';
      return throwIpcError(
        new IpcError(code as IpcErrorPayload['code'], error.message, error.channel ?? channel),
      );
    }
  }
  return throwIpcError(
    new IpcError('failed', `Malformed response on "${channel}": expected {ok, result|error}`, channel),
  );
}

function throwIpcError(error: IpcError): never {
  throw error;
}

/**
 * The path (same on both transports) under which a checkpoint file's bytes are served, with Range support:
 * `/files/checkpoints/<id>/<file>`. Each segment is URI-encoded; `file` may contain `/` for nested files.
 */
export function checkpointFilePath(checkpointId: string, file: string): string {
  const encodedFile = file.split('/').map(encodeURIComponent).join('/');
  return `/files/checkpoints/${encodeURIComponent(checkpointId)}/${encodedFile}`;
}

// ---------------------------------------------------------------------------------------------
// The renderer's view: one transport interface, one typed client
// ---------------------------------------------------------------------------------------------

/**
 * What a transport must provide. Implemented by the Electron preload bridge (`window.nezha`) and the
 * serve-mode HTTP/WebSocket client.
 *
 * `request` resolves with the `IpcResult` envelope (`{ok:true,result}` or `{ok:false,error}`) exactly as
 * the main side sent it; the typed client unwraps it with `unwrapIpcResult`, which throws `IpcError`.
 * It rejects only when the transport itself fails (connection lost, bridge gone).
 */
export interface Transport {
  request(channel: string, payload: unknown): Promise<unknown>;
  subscribe(channel: EventChannel, listener: (payload: unknown) => void): () => void;
  /** A URL the renderer can fetch (with Range) to read a checkpoint file's bytes. */
  checkpointFileUrl(checkpointId: string, file: string): string;
}
