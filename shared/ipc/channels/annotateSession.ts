import { z } from 'zod';
import type { AnnotateSession } from '../records/annotateSession';
import { idSchema, none } from './primitives';

export const annotateSessionChannels = {
  /** Where Annotate was: dataset, checkpoint, and the example index per dataset. */
  'annotateSession.get': { request: none, response: {} as AnnotateSession },
  /** Records what changed (a field left out is kept); `position` sets one dataset's example index. */
  'annotateSession.save': {
    request: z
      .object({
        datasetId: idSchema.nullable().optional(),
        checkpointId: idSchema.nullable().optional(),
        position: z
          .object({ datasetId: idSchema, exampleIndex: z.number().int().nonnegative().max(100_000_000) })
          .strict()
          .optional(),
      })
      .strict(),
    response: {} as AnnotateSession,
  },
} as const;
