import { z } from 'zod';
import { idSchema } from './primitives';

export const jobsChannels = {
  /** Cancels a running job (import); `cancelled` is false when no such job runs. */
  'jobs.cancel': { request: z.object({ jobId: idSchema }).strict(), response: {} as { cancelled: boolean } },
} as const;
