/** Model suggestions on an example: saved per checkpoint, then accepted into or rejected from the annotation. */
import type { ExampleView } from '../../../shared/ipc';
import { codePointLength, OffsetMap } from '../../../shared/datasets';
import { transaction } from '../database';
import { ServiceError } from '../errors';
import { finishEdit } from './history';
import {
  byStart,
  exampleRow,
  insertSpan,
  inVersionOf,
  overlaps,
  pickModelSpans,
  spanRows,
  stored,
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
 * active-learning order): the given one, else 1 - the lowest span score (0 with no spans).
 */
export function saveModelPredictions(
  ctx: AnnotationContext,
  request: {
    exampleId: number;
    checkpointId: string;
    spans: readonly PredictedSpan[];
    uncertainty?: number;
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
    ctx.db
      .prepare("DELETE FROM annotations WHERE example_id = ? AND source = 'model' AND checkpoint_id = ?")
      .run(example.id, request.checkpointId);
    for (const span of request.spans) {
      insertSpan(ctx, example, {
        ...span,
        source: 'model',
        author: null,
        checkpoint_id: request.checkpointId,
      });
    }
    const uncertainty =
      request.uncertainty ??
      (request.spans.length === 0 ? 0 : 1 - Math.min(...request.spans.map((s) => s.score)));
    ctx.db
      .prepare(
        'UPDATE examples SET uncertainty = ?, predicted_by = ?, revision = revision + 1, updated_at = ? WHERE id = ?',
      )
      .run(uncertainty, request.checkpointId, ctx.now(), example.id);
    return readExampleView(ctx.db, example.id);
  });
}

/**
 * Turns model suggestions into annotator spans. Named spans that overlap the working annotation are
 * refused with a message; "accept all" (no ids) accepts the ones that fit, best score first, and
 * leaves the others as suggestions.
 */
export function acceptModel(
  ctx: AnnotationContext,
  request: { exampleId: number; spanIds?: readonly number[]; author: string },
): ExampleView {
  return transaction(ctx.db, () => {
    const example = exampleRow(ctx.db, request.exampleId);
    const spans = spanRows(ctx.db, example.id);
    const candidates = pickModelSpans(example, spans, request.spanIds);
    if (request.spanIds === undefined)
      candidates.sort((a, b) => (b.score ?? 0) - (a.score ?? 0) || byStart(a, b));
    const text = new OffsetMap(example.text);
    const touched = new Map<number, StoredSpan | null>();
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
      touched.set(span.id, stored(span));
      ctx.db
        .prepare("UPDATE annotations SET source = 'annotator', author = ? WHERE id = ?")
        .run(request.author, span.id);
      span.source = 'annotator';
      summary.push(`accept ${span.label} [${span.start}, ${span.end})`);
    }
    if (touched.size > 0) finishEdit(ctx, example, 'accept', summary.join('; '), touched, request.author);
    return readExampleView(ctx.db, example.id);
  });
}

export function rejectModel(
  ctx: AnnotationContext,
  request: { exampleId: number; spanIds?: readonly number[]; author: string },
): ExampleView {
  return transaction(ctx.db, () => {
    const example = exampleRow(ctx.db, request.exampleId);
    const spans = spanRows(ctx.db, example.id);
    const rejected = pickModelSpans(example, spans, request.spanIds);
    const touched = new Map<number, StoredSpan | null>();
    for (const span of rejected) {
      touched.set(span.id, stored(span));
      ctx.db.prepare('DELETE FROM annotations WHERE id = ?').run(span.id);
    }
    if (touched.size > 0) {
      const summary = rejected.map((s) => `reject ${s.label} [${s.start}, ${s.end})`).join('; ');
      finishEdit(ctx, example, 'reject', summary, touched, request.author);
    }
    return readExampleView(ctx.db, example.id);
  });
}
