import { z } from 'zod';
import { labelMappingSchema, type StoredLabelMapping } from '../records/annotateSession';
import { idSchema } from './primitives';

export const labelMappingsChannels = {
  /** The mapping chosen for this (checkpoint, dataset); null when none was confirmed yet. */
  'labelMappings.get': {
    request: z.object({ checkpointId: idSchema, datasetId: idSchema }).strict(),
    response: {} as StoredLabelMapping | null,
  },
  /** Stores the mapping; each target must be one of the dataset's labels (or null: ignore). */
  'labelMappings.save': {
    request: z.object({ checkpointId: idSchema, datasetId: idSchema, mapping: labelMappingSchema }).strict(),
    response: {} as StoredLabelMapping,
  },
} as const;
