/** A person's edits of one example: span ops, adjudication into gold, and the example's status. */
import type { AnnotationOp, ExampleStatus, ExampleView, SuggestionDecision } from '../../../shared/ipc';
import { codePointLength, OffsetMap } from '../../../shared/datasets';
import { transaction } from '../database';
import { ServiceError } from '../errors';
import { decisionsOf, recordDecision, suggestionKey, type TouchedDecisions } from './decisions';
import { ADJUDICATE_OP, finishEdit } from './history';
import {
  checkLabel,
  exampleRow,
  insertSpan,
  inVersionOf,
  labelNames,
  overlaps,
  spanRows,
  stored,
  type AnnotationContext,
  type SpanRow,
  type StoredSpan,
} from './rows';
import { readExampleView } from './views';

/** Applies edits in order, all or nothing; an invalid op names itself and the conflicting span. */
export function applyEdits(
  ctx: AnnotationContext,
  request: {
    exampleId: number;
    ops: readonly AnnotationOp[];
    author: string;
    expectedRevision?: number;
  },
): ExampleView {
  const { exampleId, ops, author } = request;
  return transaction(ctx.db, () => {
    const example = exampleRow(ctx.db, exampleId);
    if (request.expectedRevision !== undefined && request.expectedRevision !== example.revision) {
      throw new ServiceError(
        'bad-request',
        `Example #${example.idx + 1} changed since you loaded it (revision ${request.expectedRevision}, now ` +
          `${example.revision}); reload it and edit again.`,
      );
    }
    const text = new OffsetMap(example.text);
    const length = codePointLength(example.text);
    const labels = labelNames(ctx.db, example.dataset_id);
    const spans = spanRows(ctx.db, exampleId);
    const touched = new Map<number, StoredSpan | null>();
    const decisions: TouchedDecisions = new Map();
    const decided = new Map<string, SuggestionDecision>(
      [...decisionsOf(ctx.db, exampleId, author)].map(([key, row]) => [key, row.decision]),
    );
    const remember = (span: SpanRow) => {
      if (!touched.has(span.id)) touched.set(span.id, stored(span));
    };
    const describe = (span: Pick<SpanRow, 'start' | 'end' | 'label'>) =>
      `${span.label} [${span.start}, ${span.end}) ${JSON.stringify(text.slice(span.start, Math.min(span.end, length)))}`;
    const summary: string[] = [];
    ops.forEach((op, index) => {
      const where = `Edit ${index + 1} of ${ops.length} on example #${example.idx + 1}`;
      if (op.op === 'add') {
        if (op.start >= op.end || op.end > length) {
          throw new ServiceError(
            'bad-request',
            `${where}: span [${op.start}, ${op.end}) is not inside the text (0..${length} code points) or is empty; ` +
              'start must be less than end.',
          );
        }
        checkLabel(ctx.db, labels, op.label, where, example.dataset_id);
        const conflict = spans.find((s) => inVersionOf(s, author) && s.start < op.end && op.start < s.end);
        if (conflict) {
          throw new ServiceError(
            'bad-request',
            `${where}: ${describe(op)} overlaps the ${conflict.source} span #${conflict.id} ${describe(conflict)}; ` +
              'remove or shorten that span first.',
          );
        }
        const created = insertSpan(ctx, example, {
          start: op.start,
          end: op.end,
          label: op.label,
          source: 'annotator',
          author,
          score: null,
          checkpoint_id: null,
          origin: 'manual',
        });
        spans.push(created);
        touched.set(created.id, null);
        summary.push(`add ${describe(op)}`);
      } else {
        const span = spans.find((s) => s.id === op.spanId);
        if (!span) {
          throw new ServiceError(
            'not-found',
            `${where}: span #${op.spanId} is not on this example (it may have been removed already); reload the example.`,
          );
        }
        if (span.source === 'annotator' && span.author !== author) {
          throw new ServiceError(
            'bad-request',
            `${where}: span #${span.id} ${describe(span)} is in ${span.author}'s version, not ${author}'s; ` +
              'each annotator edits their own spans (adjudicate in Review).',
          );
        }
        if (span.source === 'model') {
          const decision = decided.get(suggestionKey(span));
          if (decision) {
            throw new ServiceError(
              'bad-request',
              `${where}: suggestion #${span.id} ${describe(span)} was ${decision} by ${author} already; reload the example.`,
            );
          }
          if (op.op === 'remove') {
            // Removing a suggestion rejects it (the row stays: other annotators still see it pending).
            recordDecision(ctx, example, span, author, 'rejected', null, decisions);
            decided.set(suggestionKey(span), 'rejected');
            summary.push(`reject ${describe(span)}`);
            return;
          }
          // Relabelling a suggestion accepts it with the new label: it joins the working annotation.
          checkLabel(ctx.db, labels, op.label, where, example.dataset_id);
          const conflict = spans.find((s) => inVersionOf(s, author) && overlaps(s, span));
          if (conflict) {
            throw new ServiceError(
              'bad-request',
              `${where}: accepting ${describe(span)} as ${op.label} would overlap the ${conflict.source} span ` +
                `#${conflict.id} ${describe(conflict)}; remove that span first.`,
            );
          }
          const created = insertSpan(ctx, example, {
            start: span.start,
            end: span.end,
            label: op.label,
            source: 'annotator',
            author,
            score: span.score,
            checkpoint_id: span.checkpoint_id,
            origin: 'prediction-changed',
          });
          spans.push(created);
          touched.set(created.id, null);
          recordDecision(ctx, example, span, author, 'accepted', created.id, decisions);
          decided.set(suggestionKey(span), 'accepted');
          summary.push(`accept ${describe(span)} as ${op.label}`);
          return;
        }
        remember(span);
        if (op.op === 'remove') {
          ctx.db.prepare('DELETE FROM annotations WHERE id = ?').run(span.id);
          spans.splice(spans.indexOf(span), 1);
          summary.push(`remove ${describe(span)}`);
        } else {
          checkLabel(ctx.db, labels, op.label, where, example.dataset_id);
          // A gold span relabelled becomes this annotator's; an accepted suggestion relabelled is a changed one.
          const origin =
            span.origin === 'prediction' || span.origin === 'prediction-changed'
              ? 'prediction-changed'
              : 'manual';
          summary.push(`relabel ${describe(span)} → ${op.label}`);
          ctx.db
            .prepare(
              "UPDATE annotations SET label = ?, source = 'annotator', author = ?, origin = ? WHERE id = ?",
            )
            .run(op.label, author, origin, span.id);
          Object.assign(span, { label: op.label, source: 'annotator', author, origin });
        }
      }
    });
    finishEdit(ctx, example, 'apply', summary.join('; '), touched, author, decisions);
    return readExampleView(ctx.db, exampleId);
  });
}

/**
 * Adjudication: replaces the example's gold spans with `spans` (one transaction, one history entry that
 * undo/redo replay). Annotators' spans stay as they are, so the review can be repeated.
 */
export function setGold(
  ctx: AnnotationContext,
  request: {
    exampleId: number;
    spans: readonly { start: number; end: number; label: string }[];
    author: string;
    expectedRevision?: number;
  },
): ExampleView {
  return transaction(ctx.db, () => {
    const example = exampleRow(ctx.db, request.exampleId);
    if (request.expectedRevision !== undefined && request.expectedRevision !== example.revision) {
      throw new ServiceError(
        'bad-request',
        `Example #${example.idx + 1} changed since you loaded it (revision ${request.expectedRevision}, now ` +
          `${example.revision}); reload it and adjudicate again.`,
      );
    }
    const length = codePointLength(example.text);
    const labels = labelNames(ctx.db, example.dataset_id);
    const sorted = [...request.spans].sort((a, b) => a.start - b.start || a.end - b.end);
    sorted.forEach((span, index) => {
      const where = `Gold span ${index + 1} of ${sorted.length} on example #${example.idx + 1}`;
      if (!(span.start >= 0 && span.start < span.end && span.end <= length)) {
        throw new ServiceError(
          'bad-request',
          `${where}: [${span.start}, ${span.end}) is not inside the text (0..${length} code points) or is empty.`,
        );
      }
      checkLabel(ctx.db, labels, span.label, where, example.dataset_id);
      const previous = sorted[index - 1];
      if (previous && overlaps(previous, span)) {
        throw new ServiceError(
          'bad-request',
          `${where}: ${span.label} [${span.start}, ${span.end}) overlaps ${previous.label} ` +
            `[${previous.start}, ${previous.end}); gold spans must not overlap, pick one of them.`,
        );
      }
    });
    const current = spanRows(ctx.db, example.id).filter((s) => s.source === 'gold');
    const key = (s: { start: number; end: number; label: string }) => `${s.start}:${s.end}:${s.label}`;
    const wanted = new Set(sorted.map(key));
    const kept = new Set(current.map(key));
    const touched = new Map<number, StoredSpan | null>();
    const summary: string[] = [];
    for (const span of current) {
      if (wanted.has(key(span))) continue;
      touched.set(span.id, stored(span));
      ctx.db.prepare('DELETE FROM annotations WHERE id = ?').run(span.id);
      summary.push(`remove gold ${span.label} [${span.start}, ${span.end})`);
    }
    for (const span of sorted) {
      if (kept.has(key(span))) continue;
      const created = insertSpan(ctx, example, {
        start: span.start,
        end: span.end,
        label: span.label,
        source: 'gold',
        author: request.author,
        score: null,
        checkpoint_id: null,
        origin: null,
      });
      touched.set(created.id, null);
      summary.push(`gold ${span.label} [${span.start}, ${span.end})`);
    }
    if (touched.size > 0)
      finishEdit(ctx, example, ADJUDICATE_OP, summary.join('; '), touched, request.author);
    return readExampleView(ctx.db, example.id);
  });
}

export function setStatus(
  ctx: AnnotationContext,
  request: { exampleId: number; status: ExampleStatus; author: string },
): ExampleView {
  return transaction(ctx.db, () => {
    const example = exampleRow(ctx.db, request.exampleId);
    if (example.status !== request.status) {
      ctx.db
        .prepare('UPDATE examples SET status = ?, revision = revision + 1, updated_at = ? WHERE id = ?')
        .run(request.status, ctx.now(), example.id);
    }
    // Who finished it (migration 10): the team queue counts a "done" without spans as a finished annotation.
    if (request.status === 'done')
      ctx.db
        .prepare(
          `INSERT INTO example_submissions (example_id, author, submitted_at) VALUES (?, ?, ?)
           ON CONFLICT (example_id, author) DO NOTHING`,
        )
        .run(example.id, request.author, ctx.now());
    else
      ctx.db
        .prepare('DELETE FROM example_submissions WHERE example_id = ? AND author = ?')
        .run(example.id, request.author);
    return readExampleView(ctx.db, example.id);
  });
}
