import { z } from 'zod';
import {
  exampleFilterSchema,
  exampleStatusSchema,
  type ExamplePage,
  type ExampleView,
} from '../records/annotations';
import { annotatorNameSchema as authorSchema } from '../records/settings';
import { idSchema } from './primitives';

export const examplesChannels = {
  'examples.list': {
    request: z
      .object({
        datasetId: idSchema,
        offset: z.number().int().nonnegative().default(0),
        limit: z.number().int().positive().max(500).default(50),
        filter: exampleFilterSchema.optional(),
        /** 'index': file order; 'uncertainty': most uncertain model predictions first (active learning). */
        order: z.enum(['index', 'uncertainty']).default('index'),
      })
      .strict(),
    response: {} as ExamplePage,
  },
  'examples.get': {
    request: z.object({ exampleId: z.number().int().positive() }).strict(),
    response: {} as ExampleView,
  },
  'examples.setStatus': {
    request: z
      .object({ exampleId: z.number().int().positive(), status: exampleStatusSchema, author: authorSchema })
      .strict(),
    response: {} as ExampleView,
  },
} as const;
