import { z } from 'zod';
import {
  annotationOpSchema,
  labelNameSchema,
  spanRangeSchema,
  type ExampleView,
} from '../records/annotations';
import { annotatorNameSchema as authorSchema } from '../records/settings';
import { idSchema } from './primitives';

export const annotationsChannels = {
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
} as const;
