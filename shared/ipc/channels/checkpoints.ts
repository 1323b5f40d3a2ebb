import { z } from 'zod';
import type { CheckpointRecord } from '../records/checkpoints';
import type { TrainedOn } from '../records/trainingRuns';
import { idSchema, none } from './primitives';

export const checkpointsChannels = {
  'checkpoints.list': { request: none, response: {} as CheckpointRecord[] },
  'checkpoints.get': { request: z.object({ id: idSchema }).strict(), response: {} as CheckpointRecord },
  'checkpoints.import': {
    request: z
      .object({ path: z.string().min(1).max(4096), name: z.string().min(1).max(200).optional() })
      .strict(),
    response: {} as CheckpointRecord,
  },
  'checkpoints.remove': {
    request: z.object({ id: idSchema }).strict(),
    response: {} as { removed: boolean },
  },
  /** What each checkpoint was trained on (null: not known, e.g. an imported HF folder without a record). */
  'checkpoints.trainedOn': {
    request: z.object({ ids: z.array(idSchema).max(500) }).strict(),
    response: {} as Record<string, TrainedOn | null>,
  },
} as const;
