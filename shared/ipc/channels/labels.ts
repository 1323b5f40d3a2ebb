import { z } from 'zod';
import { labelNameSchema, type LabelDefinition } from '../records/annotations';
import { idSchema } from './primitives';

export const labelsChannels = {
  'labels.list': { request: z.object({ datasetId: idSchema }).strict(), response: {} as LabelDefinition[] },
  /** Adds labels or changes colour / hotkey / order of existing ones; labels not named are kept. */
  'labels.update': {
    request: z
      .object({
        datasetId: idSchema,
        labels: z
          .array(
            z
              .object({
                name: labelNameSchema,
                color: z
                  .string()
                  .regex(/^#[0-9a-fA-F]{6}$/)
                  .optional(),
                hotkey: z
                  .string()
                  .regex(/^[0-9a-zA-Z]$/)
                  .nullable()
                  .optional(),
                position: z.number().int().nonnegative().optional(),
              })
              .strict(),
          )
          .min(1)
          .max(200),
      })
      .strict(),
    response: {} as LabelDefinition[],
  },
} as const;
