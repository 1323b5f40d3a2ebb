/**
 * The dataset store: imports files into SQLite (streamed, one transaction, progress, cancel), answers
 * the Annotate view's queries without loading a corpus into memory, manages label sets, and exports.
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
  DatasetExportError,
  DatasetFormatError,
  exportNer,
  openDataset,
  parseTag,
  type CharPerLineLayout,
  type DatasetCounts,
  type DatasetExample,
  type DatasetFormat,
  type DatasetTask,
  type NerExample,
  type NerExportFormat,
  type NerExportOptions,
  type SourceLayout,
} from '../../shared/datasets';
import type {
  DatasetDetail,
  DatasetRecord,
  DatasetExportFormat,
  DatasetImportSummary,
  DatasetImportWarning,
  DatasetStats,
  ExampleFilter,
  ExamplePage,
  LabelDefinition,
} from '../../shared/ipc';
import { exampleColumns, readExampleViews, toExampleViews } from './annotations';
import { writeFileAtomically } from './atomicWrite';
import { readBuiltinDatasetIndex, type BuiltinDatasetEntry } from './builtinDatasets';
import { configureConnection, transaction } from './database';
import { ServiceError } from './errors';
import type { EventBus } from './events';
import { yieldToEventLoop, type JobRegistry } from './jobs';

/** Fixed palette for new labels (readable on light and dark backgrounds). */
export const labelPalette = [
  '#e6194b',
  '#3cb44b',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#42d4f4',
  '#f032e6',
  '#9a6324',
  '#469990',
  '#808000',
] as const;

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

/** A `datasets` row: what the list shows, then what the store keeps about the import. */
interface DatasetRow {
  id: string;
  name: string;
  task: string;
  format: string;
  source_path: string | null;
  example_count: number;
  builtin: number;
  added_at: string;
  source_file: string | null;
  source_hash: string | null;
  span_count: number;
  counts_json: string;
  warnings_json: string;
  layout_json: string | null;
}

interface LabelRow {
  name: string;
  color: string;
  hotkey: string | null;
  position: number;
}

export interface DatasetStoreOptions {
  db: DatabaseSync;
  /** The database file, for the import's own connection. */
  dbFile: string;
  events: EventBus;
  jobs: JobRegistry;
  now?: () => string;
}

export class DatasetStore {
  private readonly db: DatabaseSync;
  private readonly now: () => string;

  constructor(private readonly options: DatasetStoreOptions) {
    this.db = options.db;
    this.now = options.now ?? (() => new Date().toISOString());
  }

  // -------------------------------------------------------------------------------------------
  // Import
  // -------------------------------------------------------------------------------------------

  /**
   * Reads `path` and stores every record in one transaction. A malformed file (DatasetFormatError with
   * file:line), a task mismatch or a cancel rolls everything back: nothing is left, nothing stored before
   * is touched.
   */
  async import(request: ImportRequest): Promise<DatasetImportSummary> {
    const { events, jobs } = this.options;
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

      const connection = new DatabaseSync(this.options.dbFile);
      try {
        configureConnection(connection);
        return await this.importInto(connection, { request, path, bytes, hash, job, emit, started });
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
  async syncBuiltins(resourcesDir: string | null): Promise<string[]> {
    if (!resourcesDir) return [];
    let entries: BuiltinDatasetEntry[];
    try {
      entries = readBuiltinDatasetIndex(resourcesDir);
    } catch (error) {
      return [`Builtin datasets: ${(error as Error).message}`];
    }
    const problems: string[] = [];
    for (const entry of entries) {
      if (this.db.prepare('SELECT 1 FROM datasets WHERE id = ?').get(entry.id) !== undefined) continue;
      try {
        await this.import({ path: entry.path, name: entry.name, builtinId: entry.id, labels: entry.labels });
      } catch (error) {
        problems.push(`Builtin dataset ${entry.file}: ${(error as Error).message}`);
      }
    }
    return problems;
  }

  private async importInto(
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
    const addedAt = this.now();
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
        'INSERT INTO examples (dataset_id, idx, text, split, source_id, meta_json) VALUES (?, ?, ?, ?, ?, ?)',
      );
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
        ).lastInsertRowid;
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
        JSON.stringify(result.counts),
        JSON.stringify(result.warnings),
        JSON.stringify(result.layout),
        id,
      );
      db.exec('COMMIT');
      emit(reader.progress.total, reader.progress.total, `Imported ${examples} records`);
      return {
        jobId: job.id,
        dataset: this.get(id),
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

  // -------------------------------------------------------------------------------------------
  // Reads
  // -------------------------------------------------------------------------------------------

  /** Every dataset: builtins first, then by name. */
  list(): DatasetRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM datasets ORDER BY builtin DESC, name COLLATE NOCASE, added_at')
      .all() as unknown as DatasetRow[];
    return rows.map(toDatasetRecord);
  }

  get(id: string): DatasetDetail {
    const row = this.db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetRow | undefined;
    if (!row)
      throw new ServiceError('not-found', `Dataset ${id} does not exist (removed?); reload the list.`);
    return {
      ...toDatasetRecord(row),
      labels: this.labels(id),
      sourceFile: row.source_file,
      sourceHash: row.source_hash,
      counts: JSON.parse(row.counts_json) as Record<string, unknown>,
      warnings: JSON.parse(row.warnings_json) as DatasetImportWarning[],
    };
  }

  stats(id: string): DatasetStats {
    this.requireDataset(id);
    const byStatus = new Map(
      (
        this.db
          .prepare('SELECT status, COUNT(*) AS n FROM examples WHERE dataset_id = ? GROUP BY status')
          .all(id) as { status: string; n: number }[]
      ).map((r) => [r.status, r.n]),
    );
    const counts = new Map<string, { label: string; spans: number; modelSpans: number }>();
    for (const label of this.labels(id))
      counts.set(label.name, { label: label.name, spans: 0, modelSpans: 0 });
    const rows = this.db
      .prepare(
        `SELECT label, source = 'model' AS model, COUNT(*) AS n FROM annotations WHERE dataset_id = ?
         GROUP BY label, source = 'model' ORDER BY label`,
      )
      .all(id) as { label: string; model: number; n: number }[];
    for (const row of rows) {
      let entry = counts.get(row.label);
      if (!entry) counts.set(row.label, (entry = { label: row.label, spans: 0, modelSpans: 0 }));
      if (row.model === 1) entry.modelSpans += row.n;
      else entry.spans += row.n;
    }
    const unannotated = byStatus.get('unannotated') ?? 0;
    const inProgress = byStatus.get('in-progress') ?? 0;
    const done = byStatus.get('done') ?? 0;
    return {
      datasetId: id,
      total: unannotated + inProgress + done,
      unannotated,
      inProgress,
      done,
      labels: [...counts.values()],
    };
  }

  /** One page of examples with their spans; filters and order run in SQL. */
  listExamples(request: {
    datasetId: string;
    offset?: number;
    limit?: number;
    filter?: ExampleFilter;
    order?: 'index' | 'uncertainty';
  }): ExamplePage {
    this.requireDataset(request.datasetId);
    const offset = request.offset ?? 0;
    const limit = request.limit ?? 50;
    const { where, params } = filterSql(request.datasetId, request.filter ?? {});
    const total = (
      this.db.prepare(`SELECT COUNT(*) AS n FROM examples e WHERE ${where}`).get(...params) as { n: number }
    ).n;
    // NULL sorts lowest in SQLite, so examples without predictions come last; the index gives this order.
    const order = request.order === 'uncertainty' ? 'e.uncertainty DESC, e.idx' : 'e.idx';
    const rows = this.db
      .prepare(`SELECT ${exampleColumns} FROM examples e WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...params, limit, offset) as unknown as Parameters<typeof toExampleViews>[0];
    if (rows.length === 0) return { total, offset, items: [] };
    const spans = this.db
      .prepare(`SELECT * FROM annotations WHERE example_id IN (${rows.map(() => '?').join(', ')})`)
      .all(...rows.map((r) => r.id)) as unknown as Parameters<typeof toExampleViews>[1];
    return { total, offset, items: toExampleViews(rows, spans) };
  }

  getExample(exampleId: number) {
    const [view] = readExampleViews(this.db, [exampleId]);
    if (!view)
      throw new ServiceError('not-found', `Example ${exampleId} does not exist (was its dataset removed?).`);
    return view;
  }

  // -------------------------------------------------------------------------------------------
  // Labels
  // -------------------------------------------------------------------------------------------

  labels(datasetId: string): LabelDefinition[] {
    const rows = this.db
      .prepare(
        'SELECT name, color, hotkey, position FROM dataset_labels WHERE dataset_id = ? ORDER BY position, name',
      )
      .all(datasetId) as unknown as LabelRow[];
    return rows.map((r) => ({ name: r.name, color: r.color, hotkey: r.hotkey, position: r.position }));
  }

  listLabels(datasetId: string): LabelDefinition[] {
    this.requireDataset(datasetId);
    return this.labels(datasetId);
  }

  /**
   * Adds labels or changes colour / hotkey / position of existing ones (labels not named are kept).
   * Hotkeys can be swapped within one call; taking one from a label not in the call is refused.
   */
  updateLabels(
    datasetId: string,
    updates: readonly { name: string; color?: string; hotkey?: string | null; position?: number }[],
  ): LabelDefinition[] {
    return transaction(this.db, () => {
      this.requireDataset(datasetId);
      const existing = new Map(this.labels(datasetId).map((l) => [l.name, l]));
      let nextPosition = Math.max(-1, ...[...existing.values()].map((l) => l.position)) + 1;
      // Free the hotkeys being reassigned first, so swaps inside one call work.
      const clearHotkey = this.db.prepare(
        'UPDATE dataset_labels SET hotkey = NULL WHERE dataset_id = ? AND name = ?',
      );
      for (const update of updates) if (update.hotkey !== undefined) clearHotkey.run(datasetId, update.name);
      for (const update of updates) {
        const current = existing.get(update.name);
        const label: LabelDefinition = current
          ? { ...current }
          : {
              name: update.name,
              color: labelPalette[existing.size % labelPalette.length],
              hotkey: null,
              position: nextPosition++,
            };
        if (update.color !== undefined) label.color = update.color.toLowerCase();
        if (update.position !== undefined) label.position = update.position;
        if (update.hotkey !== undefined) label.hotkey = update.hotkey;
        if (label.hotkey !== null) {
          const holder = this.db
            .prepare('SELECT name FROM dataset_labels WHERE dataset_id = ? AND hotkey = ? AND name != ?')
            .get(datasetId, label.hotkey, label.name) as { name: string } | undefined;
          if (holder) {
            throw new ServiceError(
              'bad-request',
              `Hotkey "${label.hotkey}" is already used by label "${holder.name}"; give that label another hotkey ` +
                '(or none) in the same update.',
            );
          }
        }
        this.db
          .prepare(
            `INSERT INTO dataset_labels (dataset_id, name, color, hotkey, position) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (dataset_id, name) DO UPDATE SET color = excluded.color, hotkey = excluded.hotkey,
               position = excluded.position`,
          )
          .run(datasetId, label.name, label.color, label.hotkey, label.position);
        existing.set(label.name, label);
      }
      return this.labels(datasetId);
    });
  }

  // -------------------------------------------------------------------------------------------
  // Export
  // -------------------------------------------------------------------------------------------

  /**
   * Writes the working annotation (gold + annotator spans; model suggestions are left out) with the
   * shared/datasets exporters, atomically: a temp file in the same folder, renamed over `path`.
   */
  async export(request: {
    id: string;
    format: DatasetExportFormat;
    path: string;
  }): Promise<{ path: string; examples: number; spans: number; bytes: number }> {
    const row = this.db.prepare('SELECT * FROM datasets WHERE id = ?').get(request.id) as
      DatasetRow | undefined;
    if (!row)
      throw new ServiceError(
        'not-found',
        `Dataset ${request.id} does not exist (removed?); reload the list.`,
      );
    if (row.task !== 'ner') {
      throw new ServiceError(
        'bad-request',
        `Dataset "${row.name}" holds ${row.task} records; only NER datasets can be exported (formats: char-per-line, ` +
          'ERNIE TSV, CLUENER, JSONL spans, Label Studio).',
      );
    }
    const records = this.nerRecords(row.id);
    const { format, options } = exportOptions(request.format, row.format, row.layout_json);
    let content: string;
    try {
      content = exportNer(records, format, options);
    } catch (error) {
      if (error instanceof DatasetExportError) {
        throw new ServiceError(
          'bad-request',
          `Cannot export "${row.name}" as ${request.format}: ${error.message}. Pick another format (JSONL spans ` +
            'keeps everything).',
        );
      }
      throw error;
    }
    const path = resolve(request.path);
    const bytes = Buffer.from(content, 'utf8');
    try {
      await writeFileAtomically(path, bytes);
    } catch (error) {
      throw new ServiceError(
        'failed',
        `Cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. ` +
          'Check the folder exists and is writable.',
      );
    }
    return {
      path,
      examples: records.length,
      spans: records.reduce((sum, r) => sum + r.spans.length, 0),
      bytes: bytes.length,
    };
  }

  /** Every example of a NER dataset with its working spans, in file order (spans in stored order). */
  nerRecords(datasetId: string): NerExample[] {
    const examples = this.db
      .prepare('SELECT id, text, source_id FROM examples WHERE dataset_id = ? ORDER BY idx')
      .all(datasetId) as { id: number; text: string; source_id: string | null }[];
    const spans = this.db
      .prepare(
        `SELECT example_id, start, end, label FROM annotations WHERE dataset_id = ? AND source != 'model'
         ORDER BY example_id, id`,
      )
      .all(datasetId) as { example_id: number; start: number; end: number; label: string }[];
    const byExample = new Map<number, NerExample['spans']>();
    for (const span of spans) {
      let list = byExample.get(span.example_id);
      if (!list) byExample.set(span.example_id, (list = []));
      list.push({ start: span.start, end: span.end, label: span.label });
    }
    return examples.map((e) => {
      const record: NerExample = { text: e.text, spans: byExample.get(e.id) ?? [] };
      if (e.source_id !== null) record.id = e.source_id;
      return record;
    });
  }

  /** Deletes a dataset with its examples, spans and labels; builtins cannot be removed. */
  remove(id: string): { removed: boolean } {
    return transaction(this.db, () => {
      const row = this.db.prepare('SELECT name, builtin FROM datasets WHERE id = ?').get(id) as
        { name: string; builtin: number } | undefined;
      if (!row) return { removed: false };
      if (row.builtin === 1)
        throw new ServiceError('forbidden', `"${row.name}" is built into the app and cannot be removed.`);
      this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id);
      return { removed: true };
    });
  }

  private requireDataset(id: string): void {
    if (!this.db.prepare('SELECT 1 FROM datasets WHERE id = ?').get(id)) {
      throw new ServiceError('not-found', `Dataset ${id} does not exist (removed?); reload the list.`);
    }
  }
}

// ---------------------------------------------------------------------------------------------

function toDatasetRecord(row: DatasetRow): DatasetRecord {
  return {
    id: row.id,
    name: row.name,
    task: row.task,
    format: row.format,
    sourcePath: row.source_path,
    exampleCount: row.example_count,
    builtin: row.builtin === 1,
    addedAt: row.added_at,
  };
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
      return { text: ner.text, sourceId: id, meta: null, spans: ner.spans };
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

/** Default label set: NER entity types (from entities and tags, first seen first), else record labels. */
export function defaultLabels(task: DatasetTask, counts: DatasetCounts): LabelDefinition[] {
  const names: string[] = [];
  const add = (name: string) => {
    if (name && !names.includes(name)) names.push(name);
  };
  if (task === 'ner') {
    for (const name of Object.keys(counts.entities ?? {})) add(name);
    for (const tag of Object.keys(counts.tags ?? {})) add(parseTag(tag)?.type ?? '');
  } else {
    for (const name of Object.keys(counts.labels ?? {})) add(name);
  }
  return labelDefinitions(names);
}

/** Labels in this order, with the palette's colours and hotkeys 1–9. */
function labelDefinitions(names: readonly string[]): LabelDefinition[] {
  return names.map((name, position) => ({
    name,
    color: labelPalette[position % labelPalette.length],
    hotkey: position < 9 ? String(position + 1) : null,
    position,
  }));
}

/** The exporter and its options; the import's layout is reused when writing the format it came in. */
function exportOptions(
  requested: DatasetExportFormat,
  importedFormat: string,
  layoutJson: string | null,
): { format: NerExportFormat; options: NerExportOptions } {
  const layout = layoutJson ? (JSON.parse(layoutJson) as SourceLayout) : null;
  switch (requested) {
    case 'char-per-line-bio':
    case 'char-per-line-bioes': {
      const scheme = requested === 'char-per-line-bio' ? 'BIO' : 'BIOES';
      const options: NerExportOptions =
        importedFormat === 'char-per-line' && layout
          ? { ...(layout as CharPerLineLayout), scheme }
          : { scheme };
      return { format: 'char-per-line', options };
    }
    default:
      return { format: requested, options: importedFormat === requested && layout ? { ...layout } : {} };
  }
}

/** SQL WHERE clause and parameters for an example filter (examples aliased `e`). */
function filterSql(datasetId: string, filter: ExampleFilter): { where: string; params: (string | number)[] } {
  const clauses = ['e.dataset_id = ?'];
  const params: (string | number)[] = [datasetId];
  if (filter.status) {
    clauses.push('e.status = ?');
    params.push(filter.status);
  }
  if (filter.text) {
    clauses.push('instr(e.text, ?) > 0');
    params.push(filter.text);
  }
  // Span conditions select example ids through the annotations' (dataset_id, ...) indices, so a filter
  // over a 100,000-example corpus reads only the matching spans.
  if (filter.entityText || filter.label) {
    const inner = ['a.dataset_id = ?'];
    params.push(datasetId);
    if (filter.label) {
      inner.push('a.label = ?');
      params.push(filter.label);
    }
    if (filter.entityText) {
      // substr counts characters (code points), like the stored offsets.
      inner.push('instr(substr(x.text, a.start + 1, a.end - a.start), ?) > 0');
      params.push(filter.entityText);
    }
    const join = filter.entityText ? 'JOIN examples x ON x.id = a.example_id' : '';
    clauses.push(`e.id IN (SELECT a.example_id FROM annotations a ${join} WHERE ${inner.join(' AND ')})`);
  }
  if (filter.lowConfidenceBelow !== undefined) {
    clauses.push(
      "e.id IN (SELECT a.example_id FROM annotations a WHERE a.dataset_id = ? AND a.source = 'model' AND a.score < ?)",
    );
    params.push(datasetId, filter.lowConfidenceBelow);
  }
  if (filter.disagreement !== undefined) {
    // Only examples with model suggestions can disagree; a span without an exact twin in the other layer
    // (same start, end and label) is a disagreement.
    const disagree = `e.id IN (SELECT m.example_id FROM annotations m WHERE m.dataset_id = ? AND m.source = 'model') AND (
      EXISTS (SELECT 1 FROM annotations m WHERE m.example_id = e.id AND m.source = 'model' AND NOT EXISTS (
        SELECT 1 FROM annotations w WHERE w.example_id = e.id AND w.source != 'model'
          AND w.start = m.start AND w.end = m.end AND w.label = m.label))
      OR EXISTS (SELECT 1 FROM annotations w WHERE w.example_id = e.id AND w.source != 'model' AND NOT EXISTS (
        SELECT 1 FROM annotations m WHERE m.example_id = e.id AND m.source = 'model'
          AND m.start = w.start AND m.end = w.end AND m.label = w.label)))`;
    clauses.push(filter.disagreement ? `(${disagree})` : `NOT (${disagree})`);
    params.push(datasetId);
  }
  return { where: clauses.join(' AND '), params };
}
