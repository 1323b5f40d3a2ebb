import { z } from 'zod';
import type { CheckpointRecord } from '../records/checkpoints';
import {
  TRAINING_UPLOAD_CHUNK_BYTES,
  trainingRunInputSchema,
  type TrainingRunRecord,
} from '../records/trainingRuns';
import { idSchema, none } from './primitives';

const base64ChunkSchema = z
  .string()
  .max(Math.ceil(TRAINING_UPLOAD_CHUNK_BYTES / 3) * 4)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');

export const trainingRunsChannels = {
  /** Creates or updates a training run (settings, status, histories). */
  'trainingRuns.save': {
    request: z.object({ run: trainingRunInputSchema }).strict(),
    response: {} as TrainingRunRecord,
  },
  'trainingRuns.list': { request: none, response: {} as TrainingRunRecord[] },
  'trainingRuns.get': { request: z.object({ runId: idSchema }).strict(), response: {} as TrainingRunRecord },
  'trainingRuns.remove': {
    request: z.object({ runId: idSchema }).strict(),
    response: {} as { removed: boolean },
  },
  /**
   * Appends a base64 chunk of the run's state snapshot ('state') or of a finished HF folder file ('output')
   * at `offset` (0 restarts the file); `last` moves the file into place atomically.
   */
  'trainingRuns.writeFile': {
    request: z
      .object({
        runId: idSchema,
        kind: z.enum(['state', 'output']),
        file: z.string().max(200),
        offset: z.number().int().nonnegative(),
        data: base64ChunkSchema,
        last: z.boolean(),
        stateStep: z.number().int().nonnegative().optional(),
      })
      .strict(),
    response: {} as { bytes: number },
  },
  /** A base64 slice of the saved state snapshot (at most TRAINING_UPLOAD_CHUNK_BYTES). */
  'trainingRuns.readState': {
    request: z
      .object({
        runId: idSchema,
        offset: z.number().int().nonnegative(),
        length: z.number().int().positive().max(TRAINING_UPLOAD_CHUNK_BYTES),
      })
      .strict(),
    response: {} as { data: string; total: number },
  },
  /** Moves the run's uploaded output folder into the data dir's checkpoints and adds it to the library. */
  'trainingRuns.publish': {
    request: z.object({ runId: idSchema, name: z.string().min(1).max(200) }).strict(),
    response: {} as CheckpointRecord,
  },
} as const;
