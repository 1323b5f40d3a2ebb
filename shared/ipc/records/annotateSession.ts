/**
 * Where Annotate was (issue 12): the dataset, the example in each dataset and the checkpoint in the loop,
 * kept by the main side so a reload or a restart opens the same place. And the label mapping chosen per
 * (checkpoint, dataset) when the checkpoint's entity types are not the dataset's labels.
 */
import { z } from 'zod';
import { labelNameSchema } from './annotations';

export interface AnnotateSession {
  /** The dataset Annotate had open; null before the first one. */
  datasetId: string | null;
  /** The checkpoint picked in the loop; null for "No model". */
  checkpointId: string | null;
  /** The open example's index (file order) per dataset, most recently opened first. */
  positions: Record<string, number>;
}

export const emptyAnnotateSession: AnnotateSession = { datasetId: null, checkpointId: null, positions: {} };

/** Model entity type → dataset label, or null to ignore it (shared/datasets labelMapping.ts). */
export const labelMappingSchema = z
  .record(z.string().min(1).max(64), labelNameSchema.nullable())
  .refine((mapping) => Object.keys(mapping).length <= 200, 'a label mapping has at most 200 model labels');

export interface StoredLabelMapping {
  checkpointId: string;
  datasetId: string;
  mapping: Record<string, string | null>;
  updatedAt: string;
}
