/** The dataset store's records (issue 5): datasets, their import summary and statistics, and the formats. */
import { z } from 'zod';
import type { LabelDefinition } from './annotations';

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

/**
 * Which examples `datasets.export` writes: "done" (the default): examples marked done, plus every example of
 * a corpus imported with its annotation (its file's spans are known); "all": every example, each with its
 * status where the format carries one (JSONL spans, Label Studio), else with a warning how many were never
 * looked at.
 */
export const datasetExportSelectionSchema = z.enum(['done', 'all']);
export type DatasetExportSelection = z.infer<typeof datasetExportSelectionSchema>;

export interface DatasetExportResult {
  path: string;
  selection: DatasetExportSelection;
  /** Examples written. */
  examples: number;
  spans: number;
  bytes: number;
  /** Examples left out ("done" only). */
  skipped: number;
  /** Written examples never looked at (status unannotated). */
  unseen: number;
  /** Written examples in progress. */
  unfinished: number;
  /** What the file cannot tell (BIO/BIOES/TSV/CLUENER of "all"), for the person; null when nothing. */
  warning: string | null;
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
