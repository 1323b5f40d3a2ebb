/**
 * The dataset store: imports files into SQLite (streamed, one transaction, progress, cancel), answers
 * the Annotate view's queries without loading a corpus into memory, manages label sets, and exports.
 * Each concern lives in its own file of this folder; the class gives the handlers one object to call.
 */
import type { DatabaseSync } from 'node:sqlite';
import type {
  DatasetDetail,
  DatasetExportFormat,
  DatasetExportResult,
  DatasetExportSelection,
  DatasetImportSummary,
  DatasetRecord,
  DatasetStats,
  ExampleFilter,
  ExamplePage,
  ExampleView,
  LabelDefinition,
} from '../../../shared/ipc';
import type { NerExample } from '../../../shared/datasets';
import type { EventBus } from '../events';
import type { JobRegistry } from '../jobs';
import { copyDataset } from './copy';
import { datasetStats, getExample, listExamples } from './examples';
import { createReadCache, type ReadCache } from './readCache';
import { exportDataset, nerRecords } from './export';
import { importDatasetFile, syncBuiltinDatasets, type ImportContext, type ImportRequest } from './import';
import { datasetLabels, listLabels, updateLabels } from './labels';
import { getDataset, listDatasets, removeDataset } from './library';
import type { TextSearch } from './exampleFilter';
import { sqliteTextMatch } from './sqliteTextSearch';

export interface DatasetStoreOptions {
  db: DatabaseSync;
  /** The database file, for the import's own connection. */
  dbFile: string;
  events: EventBus;
  jobs: JobRegistry;
  now?: () => string;
  /** Largest file an import reads (default MAX_DATASET_FILE_BYTES). */
  maxFileBytes?: number;
  /** The import's own connection (default `new DatabaseSync(dbFile)`); tests inject a full disk here. */
  openConnection?: (dbFile: string) => DatabaseSync;
}

export class DatasetStore {
  private readonly db: DatabaseSync;
  /** Statistics and list totals until the next write (readCache.ts). */
  private readonly readCache: ReadCache;
  private readonly context: ImportContext;
  /** Text filters through the FTS5 index (sqliteTextSearch.ts: the store's only FTS-specific code). */
  private readonly textSearch: TextSearch;

  constructor(options: DatasetStoreOptions) {
    this.db = options.db;
    this.textSearch = (text) => sqliteTextMatch(options.db, text);
    this.readCache = createReadCache(options.db);
    this.context = { ...options, now: options.now ?? (() => new Date().toISOString()) };
  }

  /**
   * Reads `path` and stores every record in one transaction. A malformed file (DatasetFormatError with
   * file:line), a task mismatch or a cancel rolls everything back: nothing is left, nothing stored before
   * is touched.
   */
  import(request: ImportRequest): Promise<DatasetImportSummary> {
    return importDatasetFile(this.context, request);
  }

  /** Imports the builtin datasets the library does not have yet; returns the problems found. */
  syncBuiltins(resourcesDir: string | null): Promise<string[]> {
    return syncBuiltinDatasets(this.context, resourcesDir);
  }

  /** Every dataset: builtins first, then by name. */
  list(): DatasetRecord[] {
    return listDatasets(this.db);
  }

  get(id: string): DatasetDetail {
    return getDataset(this.db, id);
  }

  /** Deletes a dataset with its examples, spans and labels; builtins cannot be removed. */
  remove(id: string): { removed: boolean } {
    return removeDataset(this.db, id);
  }

  /** A new, editable dataset with this one's examples, labels and working spans, in one transaction (copy.ts). */
  copy(request: { id: string; name?: string }): DatasetDetail {
    return copyDataset(this.db, request, this.context.now);
  }

  stats(id: string): DatasetStats {
    return this.readCache.get(`stats:${id}`, () => datasetStats(this.db, id));
  }

  /** One page of examples with their spans; filters and order run in SQL. */
  listExamples(request: {
    datasetId: string;
    offset?: number;
    limit?: number;
    filter?: ExampleFilter;
    order?: 'index' | 'uncertainty';
  }): ExamplePage {
    return listExamples(this.db, request, this.readCache, this.textSearch);
  }

  getExample(exampleId: number): ExampleView {
    return getExample(this.db, exampleId);
  }

  labels(datasetId: string): LabelDefinition[] {
    return datasetLabels(this.db, datasetId);
  }

  listLabels(datasetId: string): LabelDefinition[] {
    return listLabels(this.db, datasetId);
  }

  /**
   * Adds labels or changes colour / hotkey / position of existing ones (labels not named are kept).
   * Hotkeys can be swapped within one call; taking one from a label not in the call is refused.
   */
  updateLabels(
    datasetId: string,
    updates: readonly { name: string; color?: string; hotkey?: string | null; position?: number }[],
  ): LabelDefinition[] {
    return updateLabels(this.db, datasetId, updates);
  }

  /** Writes the working annotation (gold + annotator spans) atomically, done only or all; see export.ts. */
  export(request: {
    id: string;
    format: DatasetExportFormat;
    path: string;
    examples?: DatasetExportSelection;
  }): Promise<DatasetExportResult> {
    return exportDataset(this.db, request);
  }

  /** Every example of a NER dataset with its working spans, in file order (spans in stored order). */
  nerRecords(datasetId: string): NerExample[] {
    return nerRecords(this.db, datasetId);
  }
}
