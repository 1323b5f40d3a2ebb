/** Training runs (issue 7): the Train view's runs, kept by the main side so they resume after a restart. */
import { z } from 'zod';

export const trainingRunStatusSchema = z.enum([
  'running',
  'paused',
  'cancelled',
  'completed',
  'early-stopped',
  'failed',
]);
export type TrainingRunStatus = z.infer<typeof trainingRunStatusSchema>;

const historyLimit = 100_000;
export const trainingRunInputSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
    name: z.string().min(1).max(200),
    checkpointId: z.string().min(1).max(200),
    datasetId: z.string().min(1).max(200).nullable(),
    /** shared/training TrainingTask. */
    task: z.string().min(1).max(60),
    /** shared/training TrainingSettings plus the view's own (maxLength, devFraction), as JSON. */
    settings: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
    status: trainingRunStatusSchema,
    step: z.number().int().nonnegative(),
    totalSteps: z.number().int().nonnegative(),
    lossHistory: z
      .array(z.object({ step: z.number(), loss: z.number(), learningRate: z.number() }).strict())
      .max(historyLimit),
    devHistory: z
      .array(
        z.object({ step: z.number(), epoch: z.number(), metrics: z.record(z.string(), z.number()) }).strict(),
      )
      .max(historyLimit),
    /** The precision note the trainer reported ("fp32 used ..."). */
    precision: z.string().max(1000).nullable(),
    error: z.string().max(10_000).nullable(),
  })
  .strict();
export type TrainingRunInput = z.infer<typeof trainingRunInputSchema>;

export interface TrainingRunRecord extends TrainingRunInput {
  /** The optimizer step the saved state snapshot was taken at; null before the first snapshot. */
  stateStep: number | null;
  /** The library checkpoint the run's result was published as. */
  resultCheckpointId: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * The dataset a trained checkpoint learnt from, as its folder's training_record.json names it (`dataset`:
 * id, name and the SHA-256 of the dataset's benchmark data file, the same hash benchmark runs record), else
 * as the training run that published it names it (id only). The benchmark grid warns when a checkpoint is
 * evaluated on the data it was trained on.
 */
export interface TrainedOn {
  datasetId: string | null;
  datasetName: string | null;
  /** benchmarks.prepareData's sha256 of the training dataset when the run started; null when unknown. */
  sha256: string | null;
  source: 'training_record.json' | 'training run';
}
