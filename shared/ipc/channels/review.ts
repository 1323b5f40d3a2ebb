import { z } from 'zod';
import { labelNameSchema, spanRangeSchema, type ExampleView } from '../records/annotations';
import type { ReviewAgreement, ReviewAuthor, ReviewPage } from '../records/review';
import type { TeamAgreement } from '../records/team';
import { annotatorNameSchema as authorSchema } from '../records/settings';
import { idSchema } from './primitives';

const reviewPairSchema = z
  .object({ datasetId: z.string().min(1).max(200), authorA: authorSchema, authorB: authorSchema })
  .strict();

export const reviewChannels = {
  /** Authors of annotator spans in a dataset (the review's choices for annotator A and B). */
  'review.authors': {
    request: z.object({ datasetId: idSchema }).strict(),
    response: {} as ReviewAuthor[],
  },
  /** Span agreement and Cohen's kappa of A and B over every example both edited (computed in pages). */
  'review.agreement': {
    request: reviewPairSchema,
    response: {} as ReviewAgreement,
  },
  /**
   * Agreement of every annotator of the dataset (issue 17): span F1 and Cohen's kappa per pair, Fleiss'
   * kappa over all, and who adjudicated what.
   */
  'review.teamAgreement': {
    request: z.object({ datasetId: idSchema }).strict(),
    response: {} as TeamAgreement,
  },
  /** Both versions side by side, a page at a time. */
  'review.examples': {
    request: reviewPairSchema
      .extend({
        offset: z.number().int().nonnegative().default(0),
        limit: z.number().int().positive().max(500).default(50),
        onlyDisagreements: z.boolean().optional(),
      })
      .strict(),
    response: {} as ReviewPage,
  },
  /** Replaces one example's gold spans with the adjudicated ones (one history entry). */
  'review.adjudicate': {
    request: z
      .object({
        exampleId: z.number().int().positive(),
        spans: z.array(spanRangeSchema.extend({ label: labelNameSchema }).strict()).max(5000),
        author: authorSchema,
        expectedRevision: z.number().int().nonnegative().optional(),
      })
      .strict(),
    response: {} as ExampleView,
  },
  /** Adds every span A and B agree on to the gold version (one example, or every compared example). */
  'review.acceptAgreeing': {
    request: reviewPairSchema
      .extend({ author: authorSchema, exampleId: z.number().int().positive().optional() })
      .strict(),
    response: {} as { examples: number; spans: number; skipped: number },
  },
} as const;
