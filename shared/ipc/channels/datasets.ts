import { z } from 'zod';
import {
  datasetExportFormatSchema,
  datasetExportSelectionSchema,
  datasetFormatSchema,
  datasetTaskSchema,
  type DatasetDetail,
  type DatasetExportResult,
  type DatasetImportSummary,
  type DatasetRecord,
  type DatasetStats,
} from '../records/datasets';
import { idSchema, none } from './primitives';

export const datasetsChannels = {
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
  /** Writes the working annotation; `examples` picks done only (the default) or all with status. */
  'datasets.export': {
    request: z
      .object({
        id: idSchema,
        format: datasetExportFormatSchema,
        path: z.string().min(1).max(4096),
        examples: datasetExportSelectionSchema.optional(),
      })
      .strict(),
    response: {} as DatasetExportResult,
  },
  'datasets.stats': { request: z.object({ id: idSchema }).strict(), response: {} as DatasetStats },
} as const;
