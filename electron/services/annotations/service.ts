/**
 * Annotation edits on stored examples. Every call is one transaction that is committed before it
 * returns (autosave: an acknowledged edit survives a killed process), bumps the example's revision and,
 * for edits a person makes, writes a history entry that undo/redo replay (across restarts too).
 *
 * Layers: the working annotation is the gold + annotator spans; each author's version (gold + that author's
 * spans) never overlaps, while two authors' versions may (double annotation, see review.ts); model spans are
 * suggestions next to it, per checkpoint, with each annotator's decision stored (decisions.ts): accepted
 * (a new annotator span keeping the score and checkpoint, origin 'prediction') or rejected (it never comes
 * back for that annotator unless they re-run the model). Offsets count code points, end exclusive.
 *
 * History entries hold only the spans and decisions an edit touched (before and after), so undoing an old
 * edit does not clobber model predictions saved after it; undo/redo step through one author's entries.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { AnnotationOp, ExampleStatus, ExampleView } from '../../../shared/ipc';
import { applyEdits, setGold, setStatus } from './edits';
import { stepHistory } from './history';
import { acceptModel, rejectModel, saveModelPredictions, type PredictedSpan } from './modelSuggestions';
import type { AnnotationContext } from './rows';
import { readExampleView } from './views';

export class AnnotationService {
  private readonly context: AnnotationContext;

  constructor(db: DatabaseSync, now: () => string = () => new Date().toISOString()) {
    this.context = { db, now };
  }

  get(exampleId: number): ExampleView {
    return readExampleView(this.context.db, exampleId);
  }

  /** Applies edits in order, all or nothing; an invalid op names itself and the conflicting span. */
  apply(request: {
    exampleId: number;
    ops: readonly AnnotationOp[];
    author: string;
    expectedRevision?: number;
  }): ExampleView {
    return applyEdits(this.context, request);
  }

  /** Takes back `author`'s latest edit of the example (never another annotator's; see history.ts). */
  undo(exampleId: number, author: string): ExampleView {
    return stepHistory(this.context, exampleId, 'undo', author);
  }

  redo(exampleId: number, author: string): ExampleView {
    return stepHistory(this.context, exampleId, 'redo', author);
  }

  /**
   * See modelSuggestions.ts: replaces this checkpoint's suggestions and stores the example's uncertainty;
   * `rerun` (with `author`) brings back that author's rejected suggestions of this checkpoint.
   */
  saveModelPredictions(request: {
    exampleId: number;
    checkpointId: string;
    spans: readonly PredictedSpan[];
    uncertainty?: number;
    rerun?: boolean;
    author?: string;
  }): ExampleView {
    return saveModelPredictions(this.context, request);
  }

  /** Accepts suggestions pending for `author` (all of them, of `checkpointId` when given, if no ids). */
  acceptModel(request: {
    exampleId: number;
    spanIds?: readonly number[];
    author: string;
    checkpointId?: string;
  }): ExampleView {
    return acceptModel(this.context, request);
  }

  rejectModel(request: {
    exampleId: number;
    spanIds?: readonly number[];
    author: string;
    checkpointId?: string;
  }): ExampleView {
    return rejectModel(this.context, request);
  }

  /** Adjudication: replaces the example's gold spans (see edits.ts). */
  setGold(request: {
    exampleId: number;
    spans: readonly { start: number; end: number; label: string }[];
    author: string;
    expectedRevision?: number;
  }): ExampleView {
    return setGold(this.context, request);
  }

  setStatus(request: { exampleId: number; status: ExampleStatus; author: string }): ExampleView {
    return setStatus(this.context, request);
  }
}
