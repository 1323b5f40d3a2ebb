/**
 * Model suggestions on an example: saved per checkpoint (with scores), then accepted into or rejected
 * from an annotator's version. Both are decisions of that annotator (decisions.ts), stored with the
 * suggestion: the suggestion rows stay (another annotator still sees them pending), a rejected one never
 * comes back for its annotator when the checkpoint runs again, unless that person asks for a re-run
 * (`rerun`), and an accepted one becomes an annotator span that keeps the score and checkpoint.
 */
import type { ExampleView } from '../../../shared/ipc';
import { codePointLength, OffsetMap } from '../../../shared/datasets';
import { transaction } from '../database';
import { ServiceError } from '../errors';
import {
  forgetDecisionsForRerun,
  pendingSuggestions,
  recordDecision,
  type TouchedDecisions,
} from './decisions';
import { finishEdit } from './history';
import {
  byStart,
  exampleRow,
  insertSpan,
  inVersionOf,
  overlaps,
  spanRows,
  type AnnotationContext,
  type StoredSpan,
} from './rows';
import { readExampleView } from './views';

export interface PredictedSpan {
  start: number;
  end: number;
  label: string;
  score: number;
}

/**
 * Replaces this checkpoint's suggestions on the example and stores the example's uncertainty (for the
 * active-learning order): the given one, else 1 - the lowest span score (0 with no spans). Decisions made
 * on earlier suggestions apply to the new ones with the same range and label; `rerun` (a person asked to
 * run the model on this example again) forgets `author`'s rejections of this checkpoint's suggestions.
 */
export function saveModelPredictions(
  ctx: AnnotationContext,
  request: {
    exampleId: number;
    checkpointId: string;
    spans: readonly PredictedSpan[];
    uncertainty?: number;
    rerun?: boolean;
    author?: string;
  },
): ExampleView {
  return transaction(ctx.db, () => {
    const example = exampleRow(ctx.db, request.exampleId);
    const length = codePointLength(example.text);
    request.spans.forEach((span, index) => {
      if (span.start >= span.end || span.end > length) {
        throw new ServiceError(
          'bad-request',
          `Model span ${index + 1} [${span.start}, ${span.end}) ${span.label} is not inside example ` +
            `#${example.idx + 1} (0..${length} code points) or is empty; check the offsets are code points.`,
        );
      }
    });
    if (request.rerun) {
      if (!request.author) {
        throw new ServiceError(
          'bad-request',
          'A re-run of the model (rerun: true) needs the author whose rejected suggestions come back.',
        );
      }
      forgetDecisionsForRerun(ctx, example.id, request.checkpointId, request.author);
    }
    ctx.db
      .prepare("DELETE FROM annotations WHERE example_id = ? AND source = 'model' AND checkpoint_id = ?")
      .run(example.id, request.checkpointId);
    for (const span of request.spans) {
      insertSpan(ctx, example, {
        ...span,
        source: 'model',
        author: null,
        checkpoint_id: request.checkpointId,
        origin: null,
      });
    }
    const uncertainty =
      request.uncertainty ??
      (request.spans.length === 0 ? 0 : 1 - Math.min(...request.spans.map((s) => s.score)));
    ctx.db
      .prepare('UPDATE examples SET uncertainty = ?, revision = revision + 1, updated_at = ? WHERE id = ?')
      .run(uncertainty, ctx.now(), example.id);
    return readExampleView(ctx.db, example.id);
  });
}

/**
 * Accepts suggestions pending for `author` into their version: each becomes an annotator span (origin
 * 'prediction', with the suggestion's score and checkpoint) and the decision is stored. Named spans that
 * overlap the author's version are refused with a message; "accept all" (no ids; only pending ones, of
 * `checkpointId` when given) accepts the ones that fit, best score first, and leaves the others pending.
 */
export function acceptModel(
  ctx: AnnotationContext,
  request: { exampleId: number; spanIds?: readonly number[]; author: string; checkpointId?: string },
): ExampleView {
  return transaction(ctx.db, () => {
    const example = exampleRow(ctx.db, request.exampleId);
    const spans = spanRows(ctx.db, example.id);
    const candidates = pendingSuggestions(ctx, example, spans, request);
    if (request.spanIds === undefined)
      candidates.sort((a, b) => (b.score ?? 0) - (a.score ?? 0) || byStart(a, b));
    const text = new OffsetMap(example.text);
    const touched = new Map<number, StoredSpan | null>();
    const decisions: TouchedDecisions = new Map();
    const summary: string[] = [];
    for (const span of candidates) {
      const conflict = spans.find((s) => inVersionOf(s, request.author) && overlaps(s, span));
      if (conflict) {
        if (request.spanIds === undefined) continue;
        throw new ServiceError(
          'bad-request',
          `Model span #${span.id} ${span.label} [${span.start}, ${span.end}) ${JSON.stringify(text.slice(span.start, span.end))} ` +
            `overlaps the ${conflict.source} span #${conflict.id} ${conflict.label} [${conflict.start}, ${conflict.end}); ` +
            'remove that span first or reject the suggestion.',
        );
      }
      const created = insertSpan(ctx, example, {
        start: span.start,
        end: span.end,
        label: span.label,
        source: 'annotator',
        author: request.author,
        score: span.score,
        checkpoint_id: span.checkpoint_id,
        origin: 'prediction',
      });
      spans.push(created);
      touched.set(created.id, null);
      recordDecision(ctx, example, span, request.author, 'accepted', created.id, decisions);
      summary.push(`accept ${span.label} [${span.start}, ${span.end})`);
    }
    if (touched.size > 0)
      finishEdit(ctx, example, 'accept', summary.join('; '), touched, request.author, decisions);
    return readExampleView(ctx.db, example.id);
  });
}

/** Rejects suggestions pending for `author` (all of them, of `checkpointId` when given, if no ids). */
export function rejectModel(
  ctx: AnnotationContext,
  request: { exampleId: number; spanIds?: readonly number[]; author: string; checkpointId?: string },
): ExampleView {
  return transaction(ctx.db, () => {
    const example = exampleRow(ctx.db, request.exampleId);
    const spans = spanRows(ctx.db, example.id);
    const rejected = pendingSuggestions(ctx, example, spans, request);
    const decisions: TouchedDecisions = new Map();
    for (const span of rejected)
      recordDecision(ctx, example, span, request.author, 'rejected', null, decisions);
    if (decisions.size > 0) {
      const summary = rejected.map((s) => `reject ${s.label} [${s.start}, ${s.end})`).join('; ');
      finishEdit(ctx, example, 'reject', summary, new Map(), request.author, decisions);
    }
    return readExampleView(ctx.db, example.id);
  });
}
