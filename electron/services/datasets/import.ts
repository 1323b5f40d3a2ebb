/**
 * Dataset import: a file into SQLite, streamed, in one transaction, with progress and cancel; and the
 * builtin datasets of resources/datasets/ on start.
 *
 * The import writes through its own connection inside the write queue: its transaction stays open across
 * event-loop turns (progress events, `jobs.cancel`), readers on the main connection keep seeing the last
 * committed state (WAL), and edits queued behind it run once it commits or rolls back.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import {
  DatasetFormatError,
  openDataset,
  type DatasetExample,
  type DatasetFormat,
  type DatasetTask,
  type NerExample,
} from '../../../shared/datasets';
import type { DatasetImportSummary, ExampleStatus } from '../../../shared/ipc';
import { readBuiltinDatasetIndex, type BuiltinDatasetEntry } from '../builtinDatasets';
import { configureConnection } from '../database';
import { ServiceError } from '../errors';
import type { EventBus } from '../events';
import { yieldToEventLoop, type JobRegistry } from '../jobs';
import { defaultLabels, labelDefinitions } from './labels';
import { getDataset } from './library';

/** What an import needs: the main connection, the database file for its own one, events, jobs, a clock. */
export interface ImportContext {
  db: DatabaseSync;
  dbFile: string;
  events: EventBus;
  jobs: JobRegistry;
  now: () => string;
}

/** Records inserted between progress events / cancel checks. */
const chunkSize = 2000;

export interface ImportRequest {
  path: string;
  format?: DatasetFormat;
  name?: string;
  task?: DatasetTask;
  encoding?: string;
  jobId?: string;
  /** Imports a builtin dataset under this fixed id (builtinDatasets.ts), marked builtin. */
  builtinId?: string;
  /** NER: the label set to start with when the file has no entities (a text-only corpus). */
  labels?: readonly string[];
}

/**
 * Reads `path` and stores every record in one transaction. A malformed file (DatasetFormatError with
 * file:line), a task mismatch or a cancel rolls everything back: nothing is left, nothing stored before
 * is touched.
 */
export async function importDatasetFile(
  ctx: ImportContext,
  request: ImportRequest,
): Promise<DatasetImportSummary> {
  const { events, jobs } = ctx;
  const job = jobs.start('dataset-import', request.jobId);
  const started = Date.now();
  try {
    const path = resolve(request.path);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw new ServiceError(
        'not-found',
        `Cannot read the dataset file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. ` +
          'Check the path and that the file is readable.',
      );
    }
    const hash = createHash('sha256').update(bytes).digest('hex');
    const emit = (done: number, total: number, message: string) =>
      events.emit('progress', { jobId: job.id, kind: 'dataset-import', done, total, message });

    const connection = new DatabaseSync(ctx.dbFile);
    try {
      configureConnection(connection);
      return await importInto(ctx, connection, { request, path, bytes, hash, job, emit, started });
    } finally {
      connection.close();
    }
  } finally {
    jobs.finish(job);
  }
}

/**
 * Imports each builtin dataset of resources/datasets/index.json that the library does not have yet.
 * One already there is never replaced, even by a newer file: people annotate it. Returns the
 * problems found (reported, not fatal).
 */
export async function syncBuiltinDatasets(
  ctx: ImportContext,
  resourcesDir: string | null,
): Promise<string[]> {
  if (!resourcesDir) return [];
  let entries: BuiltinDatasetEntry[];
  try {
    entries = readBuiltinDatasetIndex(resourcesDir);
  } catch (error) {
    return [`Builtin datasets: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  for (const entry of entries) {
    if (ctx.db.prepare('SELECT 1 FROM datasets WHERE id = ?').get(entry.id) !== undefined) continue;
    try {
      await importDatasetFile(ctx, {
        path: entry.path,
        name: entry.name,
        builtinId: entry.id,
        labels: entry.labels,
      });
    } catch (error) {
      problems.push(`Builtin dataset ${entry.file}: ${(error as Error).message}`);
    }
  }
  return problems;
}

async function importInto(
  ctx: ImportContext,
  db: DatabaseSync,
  args: {
    request: ImportRequest;
    path: string;
    bytes: Uint8Array;
    hash: string;
    job: { id: string; signal: AbortSignal };
    emit: (done: number, total: number, message: string) => void;
    started: number;
  },
): Promise<DatasetImportSummary> {
  const { request, path, bytes, hash, job, emit } = args;
  const file = basename(path);
  const id = request.builtinId ?? randomUUID();
  const addedAt = ctx.now();
  const name = request.name ?? basename(file, extname(file));
  const split = splitFromFileName(file);
  let examples = 0;
  let spans = 0;
  db.exec('BEGIN IMMEDIATE');
  try {
    // Detection and decoding errors surface here, inside the try, so they get the same treatment.
    const reader = openDataset(bytes, { file: path, format: request.format, encoding: request.encoding });
    db.prepare(
      `INSERT INTO datasets (id, name, task, format, source_path, example_count, builtin, added_at, source_file, source_hash)
       VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`,
    ).run(id, name, reader.task, reader.format, path, request.builtinId ? 1 : 0, addedAt, file, hash);
    const insertExample = db.prepare(
      'INSERT INTO examples (dataset_id, idx, text, split, source_id, meta_json, status) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    // Files this app exported "with status" say how far each example was annotated (issue 12).
    let withStatus = 0;
    const insertSpan = db.prepare(
      `INSERT INTO annotations (example_id, dataset_id, start, end, label, source, created_at)
       VALUES (?, ?, ?, ?, ?, 'gold', ?)`,
    );
    emit(0, reader.progress.total, `Reading ${file}`);
    for (const record of reader) {
      const stored = storedExample(reader.task, record);
      const exampleId = insertExample.run(
        id,
        examples,
        stored.text,
        split,
        stored.sourceId,
        stored.meta,
        stored.status ?? 'unannotated',
      ).lastInsertRowid;
      if (stored.status !== undefined) withStatus++;
      for (const span of stored.spans) {
        insertSpan.run(exampleId, id, span.start, span.end, span.label, addedAt);
        spans++;
      }
      examples++;
      if (examples % chunkSize === 0) {
        const progress = reader.progress;
        emit(progress.done, progress.total, `${examples} records`);
        await yieldToEventLoop();
        if (job.signal.aborted) throw cancelled(file);
      }
    }
    if (job.signal.aborted) throw cancelled(file);
    const result = reader.result();
    if (request.task && result.task !== request.task) {
      throw new ServiceError(
        'bad-request',
        `${path} holds ${result.task} records (${result.format}), not ${request.task}; nothing was imported. ` +
          'Pick the file for that task, or leave the task out.',
      );
    }
    let labels = defaultLabels(result.task, result.counts);
    if (labels.length === 0 && result.task === 'ner' && request.labels?.length)
      labels = labelDefinitions(request.labels);
    const insertLabel = db.prepare(
      'INSERT INTO dataset_labels (dataset_id, name, color, hotkey, position) VALUES (?, ?, ?, ?, ?)',
    );
    for (const label of labels) insertLabel.run(id, label.name, label.color, label.hotkey, label.position);
    db.prepare(
      `UPDATE datasets SET task = ?, format = ?, example_count = ?, span_count = ?, counts_json = ?,
         warnings_json = ?, layout_json = ? WHERE id = ?`,
    ).run(
      result.task,
      result.format,
      examples,
      spans,
      JSON.stringify(withStatus > 0 ? { ...result.counts, withStatus } : result.counts),
      JSON.stringify(result.warnings),
      JSON.stringify(result.layout),
      id,
    );
    db.exec('COMMIT');
    emit(reader.progress.total, reader.progress.total, `Imported ${examples} records`);
    return {
      jobId: job.id,
      dataset: getDataset(ctx.db, id),
      examples,
      spans,
      warnings: result.warnings,
      durationMs: Date.now() - args.started,
    };
  } catch (error) {
    db.exec('ROLLBACK');
    if (error instanceof DatasetFormatError) {
      throw new ServiceError('bad-request', `${error.message} Nothing was imported.`);
    }
    throw error;
  }
}

function cancelled(file: string): ServiceError {
  return new ServiceError('cancelled', `Import of ${file} was cancelled; nothing was stored.`);
}

/** "msra_train_bio.txt" → "train"; null when the name says no split. */
export function splitFromFileName(file: string): string | null {
  const match = /(?:^|[^a-z])(train|dev|valid|validation|test|trial)(?:[^a-z]|$)/i.exec(file);
  return match ? match[1].toLowerCase() : null;
}

interface StoredExample {
  text: string;
  /** NER records whose file says (JSONL `status`, Label Studio `meta.status`); else unannotated. */
  status?: ExampleStatus;
  sourceId: string | null;
  meta: string | null;
  spans: { start: number; end: number; label: string }[];
}

/** What goes into the examples row: NER text + spans, or a display text + the record JSON. */
function storedExample(task: DatasetTask, record: DatasetExample): StoredExample {
  const id = 'id' in record && record.id !== undefined ? String(record.id) : null;
  switch (task) {
    case 'ner': {
      const ner = record as NerExample;
      // "imported" (the file's own annotation, not reviewed) is what a gold corpus is anyway: no status.
      const status = ner.status === 'imported' ? undefined : ner.status;
      return { text: ner.text, sourceId: id, meta: null, spans: ner.spans, status };
    }
    case 'classification':
      return {
        text: (record as { text: string }).text,
        sourceId: id,
        meta: JSON.stringify(record),
        spans: [],
      };
    case 'pair': {
      const pair = record as { textA: string; textB: string };
      return { text: `${pair.textA}\n${pair.textB}`, sourceId: id, meta: JSON.stringify(record), spans: [] };
    }
    case 'qa':
    case 'mc':
      return {
        text: (record as { question: string }).question,
        sourceId: id,
        meta: JSON.stringify(record),
        spans: [],
      };
  }
}
