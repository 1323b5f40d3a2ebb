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

/** Entity scores of one checkpoint on a held-out slice (exact-match spans, micro average, 95% bootstrap CI). */
export const heldOutScoreSchema = z
  .object({
    f1: z.number().min(0).max(1),
    precision: z.number().min(0).max(1),
    recall: z.number().min(0).max(1),
    ci: z.tuple([z.number(), z.number()]),
    /** Held-out examples scored and their gold entities. */
    examples: z.number().int().nonnegative(),
    goldEntities: z.number().int().nonnegative(),
  })
  .strict();
export type HeldOutScore = z.infer<typeof heldOutScoreSchema>;

const nameSchema = z.string().min(1).max(200);

/**
 * A run started by Annotate's "Update the model from my annotations" (issue 12): one version of a chain
 * v0 (the base checkpoint) → v1 → v2…, each fine-tuned from the one before on the done examples of a
 * dataset, minus a held-out slice that both the parent and the new version are scored on.
 */
export const modelUpdateSchema = z
  .object({
    /** Version 0 of the chain: the checkpoint the first update started from. */
    baseCheckpointId: nameSchema,
    baseCheckpointName: nameSchema,
    /** The checkpoint this version was fine-tuned from (version `version - 1`). */
    parentCheckpointId: nameSchema,
    parentCheckpointName: nameSchema,
    version: z.number().int().min(1).max(100_000),
    datasetName: nameSchema,
    /** Done examples trained on, and held out (scored, never trained on). */
    trainExamples: z.number().int().nonnegative(),
    heldOutExamples: z.number().int().positive(),
    /** The annotator whose version of the done examples was used. */
    author: nameSchema,
    /** The parent scored on this update's held-out slice (version `version - 1`, same slice). */
    parentScore: heldOutScoreSchema.nullable(),
    /** This version on the same slice; null until it was scored (or when scoring failed). */
    score: heldOutScoreSchema.nullable(),
  })
  .strict();
export type ModelUpdate = z.infer<typeof modelUpdateSchema>;
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
    /** Set for runs Annotate started to update its model (a version of a chain); absent for Train runs. */
    modelUpdate: modelUpdateSchema.optional(),
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

/** One version on a learning curve: its checkpoint and its entity scores on the held-out slice. */
export interface LearningCurvePoint {
  version: number;
  checkpointId: string;
  checkpointName: string;
  /** The run that made it (null for version 0, the base). */
  runId: string | null;
  datasetId: string | null;
  datasetName: string | null;
  /** Done examples it was trained on (0 for the base) and the held-out examples it was scored on. */
  trainExamples: number;
  /** Its score on the slice held out when it was made (version 0: on version 1's slice); null: not scored. */
  score: HeldOutScore | null;
  /** The version before it, scored on the same slice (null for version 0): the fair before/after pair. */
  parentScore: HeldOutScore | null;
  createdAt: string | null;
}

/**
 * The version chain a checkpoint belongs to (trainingRuns.learningCurve), oldest first: version 0 is the
 * base checkpoint. For a checkpoint no update made, the chain of the newest update started from it.
 */
export interface LearningCurve {
  checkpointId: string;
  /** The checkpoint's own version in the chain (0 when no update made it). */
  version: number;
  points: LearningCurvePoint[];
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
