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
  /** Takes back `author`'s latest edit of the example; another annotator's edits are never undone. */
  'annotations.undo': {
    request: z.object({ exampleId: z.number().int().positive(), author: authorSchema }).strict(),
    response: {} as ExampleView,
  },
  /** Re-applies `author`'s most recently undone edit of the example. */
  'annotations.redo': {
    request: z.object({ exampleId: z.number().int().positive(), author: authorSchema }).strict(),
    response: {} as ExampleView,
  },
  /**
   * Replaces the example's model suggestions from this checkpoint and stores its uncertainty. Decisions
   * already made on the same suggestions (range + label) still hold, so a rejected one stays rejected;
   * `rerun: true` (a person asked for the model again on this example) brings back `author`'s rejections.
   */
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
        /** An explicit re-run: `author`'s rejected suggestions of this checkpoint are pending again. */
        rerun: z.boolean().optional(),
        author: authorSchema.optional(),
      })
      .strict()
      .refine((r) => !r.rerun || r.author !== undefined, {
        message: 'rerun needs the author whose rejected suggestions come back',
        path: ['author'],
      }),
    response: {} as ExampleView,
  },
  /**
   * Accepts suggestions pending for `author` into their version (annotator spans keeping score and
   * checkpoint); all pending ones (of `checkpointId` when given) when `spanIds` is left out.
   */
  'annotations.acceptModel': {
    request: z
      .object({
        exampleId: z.number().int().positive(),
        spanIds: z.array(z.number().int().positive()).min(1).max(5000).optional(),
        author: authorSchema,
        checkpointId: idSchema.optional(),
      })
      .strict(),
    response: {} as ExampleView,
  },
  /**
   * Records `author`'s rejection of suggestions (all pending ones, of `checkpointId` when given, when
   * `spanIds` is left out): they never come back for them unless they re-run the model.
   */
  'annotations.rejectModel': {
    request: z
      .object({
        exampleId: z.number().int().positive(),
        spanIds: z.array(z.number().int().positive()).min(1).max(5000).optional(),
        author: authorSchema,
        checkpointId: idSchema.optional(),
      })
      .strict(),
    response: {} as ExampleView,
  },
} as const;
