import { z } from 'zod';
import type { CheckpointRecord } from '../records/checkpoints';
import { trainingRunInputSchema, type LearningCurve, type TrainingRunRecord } from '../records/trainingRuns';
import { idSchema, none } from './primitives';

/*
 * No bytes here: the state snapshot and the finished folder's files travel as bytes over the file routes
 * (trainingRunFilesPath in ../transport), put and read by the inference worker itself.
 */

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
  /** Moves the run's uploaded output folder into the data dir's checkpoints and adds it to the library. */
  'trainingRuns.publish': {
    request: z.object({ runId: idSchema, name: z.string().min(1).max(200) }).strict(),
    response: {} as CheckpointRecord,
  },
  /** The version chain of Annotate's model updates a checkpoint is on, with held-out scores per version. */
  'trainingRuns.learningCurve': {
    request: z.object({ checkpointId: z.string().min(1).max(200) }).strict(),
    response: {} as LearningCurve,
  },
} as const;
