/**
 * The state of "Update the model from my annotations" (state/update.ts): the update in progress and the
 * learning curve of the checkpoint in the loop. Its own file, so types.ts only adds it to the store's state.
 */
import type { CheckpointRecord, HeldOutScore, LearningCurve } from '../../../../../shared/ipc';
import type { UpdateOptions } from '../modelUpdate';

export type UpdatePhase =
  | 'idle'
  /** Reading the done examples and the chain the checkpoint is on. */
  | 'preparing'
  /** Scoring the current checkpoint on the held-out slice. */
  | 'scoring-parent'
  | 'training'
  | 'cancelling'
  /** Moving the trained folder into the library. */
  | 'publishing'
  /** Loading the new version as Annotate's model (suggestions switch to it). */
  | 'switching'
  /** Scoring the new version on the same held-out slice. */
  | 'scoring'
  | 'finished'
  | 'cancelled'
  | 'failed';

export interface ModelUpdateState {
  phase: UpdatePhase;
  /** One line for the person: what runs now, or how it ended. */
  message: string | null;
  runId: string | null;
  /** The version being made and what it learns from. */
  version: number | null;
  trainExamples: number;
  heldOutExamples: number;
  /** Optimizer steps done / planned (training), or rows scored / total (scoring). */
  done: number;
  total: number | null;
  loss: number | null;
  parentScore: HeldOutScore | null;
  score: HeldOutScore | null;
  /** The new version, once it is in the library. */
  result: CheckpointRecord | null;
  startedAt: number | null;
  seconds: number | null;
}

export interface UpdateSlice {
  update: ModelUpdateState;
  updateOptions: UpdateOptions;
  /** The version chain of the checkpoint in the loop (null: none picked, or not fetched yet). */
  curve: LearningCurve | null;

  setUpdateOptions(options: Partial<UpdateOptions>): void;
  /**
   * Fine-tune the checkpoint in the loop on the done examples (minus a held-out slice) in the worker,
   * publish it as the next version in the library, switch suggestions to it and score both versions on
   * the held-out slice. Resolves when it finished, was cancelled or failed (see `update.phase`).
   */
  updateModel(): Promise<void>;
  /** Stop the update in progress (between optimizer steps while training); nothing is published. */
  cancelUpdate(): Promise<void>;
  /** Fetch the learning curve of the checkpoint in the loop. */
  loadCurve(): Promise<void>;
}

export const idleUpdate: ModelUpdateState = {
  phase: 'idle',
  message: null,
  runId: null,
  version: null,
  trainExamples: 0,
  heldOutExamples: 0,
  done: 0,
  total: null,
  loss: null,
  parentScore: null,
  score: null,
  result: null,
  startedAt: null,
  seconds: null,
};

/** Phases during which an update is under way (a second one is refused). */
export function updateRunning(phase: UpdatePhase): boolean {
  return !['idle', 'finished', 'cancelled', 'failed'].includes(phase);
}
