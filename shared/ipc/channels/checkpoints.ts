import { z } from 'zod';
import { NEZHA_CLASS_NAMES } from '../../nezha/modelClasses';
import type { CheckpointRecord, OnnxExportSummary } from '../records/checkpoints';
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
  /**
   * Writes the checkpoint as an ONNX graph (main side, electron/onnx): to `path`, or next to the library entry
   * (<folder>/model.onnx) when absent; `className` defaults to the checkpoint's architectures. Progress on the
   * `progress` event (kind "onnx-export"); cancel with `jobs.cancel`.
   */
  'checkpoints.exportOnnx': {
    request: z
      .object({
        id: idSchema,
        path: z
          .string()
          .min(1)
          .max(4096)
          .refine((path) => path.endsWith('.onnx'), 'must end in .onnx')
          .optional(),
        className: z.enum(NEZHA_CLASS_NAMES).optional(),
        jobId: idSchema.optional(),
      })
      .strict(),
    response: {} as OnnxExportSummary,
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
