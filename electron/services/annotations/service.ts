/**
 * Annotation edits on stored examples. Every call is one transaction that is committed before it
 * returns (autosave: an acknowledged edit survives a killed process), bumps the example's revision and,
 * for edits a person makes, writes a history entry that undo/redo replay (across restarts too).
 *
 * Layers: the working annotation is the gold + annotator spans; each author's version (gold + that author's
 * spans) never overlaps, while two authors' versions may (double annotation, see review.ts); model spans are
 * suggestions next to it until accepted (they become annotator spans, keeping id, score and checkpoint)
 * or rejected (deleted). Offsets count code points, end exclusive.
 *
 * History entries hold only the spans an edit touched (before and after), so undoing an old edit does
 * not clobber model predictions saved after it.
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

  undo(exampleId: number): ExampleView {
    return stepHistory(this.context, exampleId, 'undo');
  }

  redo(exampleId: number): ExampleView {
    return stepHistory(this.context, exampleId, 'redo');
  }

  /** See modelSuggestions.ts: replaces this checkpoint's suggestions and stores the example's uncertainty. */
  saveModelPredictions(request: {
    exampleId: number;
    checkpointId: string;
    spans: readonly PredictedSpan[];
    uncertainty?: number;
  }): ExampleView {
    return saveModelPredictions(this.context, request);
  }

  acceptModel(request: { exampleId: number; spanIds?: readonly number[]; author: string }): ExampleView {
    return acceptModel(this.context, request);
  }

  rejectModel(request: { exampleId: number; spanIds?: readonly number[]; author: string }): ExampleView {
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
