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
import type {
  AnnotationOp,
  AnnotationSource,
  AnnotationSpan,
  ExampleStatus,
  ExampleView,
} from '../../shared/ipc';
import { codePointLength, OffsetMap } from '../../shared/datasets';
import { transaction } from './database';
import { ServiceError } from './errors';

interface SpanRow {
  id: number;
  example_id: number;
  start: number;
  end: number;
  label: string;
  source: AnnotationSource;
  author: string | null;
  score: number | null;
  checkpoint_id: string | null;
  created_at: string;
}

interface ExampleRow {
  id: number;
  dataset_id: string;
  idx: number;
  text: string;
  split: string | null;
  meta_json: string | null;
  status: ExampleStatus;
  revision: number;
  uncertainty: number | null;
  updated_at: string | null;
  can_undo: number;
  can_redo: number;
}

/** A span as stored in a history entry (enough to restore it under the same id). */
type StoredSpan = Omit<SpanRow, 'example_id'>;

export const exampleColumns = `e.id, e.dataset_id, e.idx, e.text, e.split, e.meta_json, e.status, e.revision,
  e.uncertainty, e.updated_at,
  EXISTS (SELECT 1 FROM example_history h WHERE h.example_id = e.id AND h.state = 'applied') AS can_undo,
  EXISTS (SELECT 1 FROM example_history h WHERE h.example_id = e.id AND h.state = 'undone') AS can_redo`;

function toSpan(row: SpanRow): AnnotationSpan {
  return {
    id: row.id,
    start: row.start,
    end: row.end,
    label: row.label,
    source: row.source,
    author: row.author,
    score: row.score,
    checkpointId: row.checkpoint_id,
    createdAt: row.created_at,
  };
}

function byStart(
  a: { start: number; end: number; id: number },
  b: { start: number; end: number; id: number },
) {
  return a.start - b.start || a.end - b.end || a.id - b.id;
}

/** Builds the views of examples from their rows and all their spans (any order). */
export function toExampleViews(rows: ExampleRow[], spans: SpanRow[]): ExampleView[] {
  const byExample = new Map<number, SpanRow[]>();
  for (const span of spans) {
    let list = byExample.get(span.example_id);
    if (!list) byExample.set(span.example_id, (list = []));
    list.push(span);
  }
  return rows.map((row) => {
    const all = (byExample.get(row.id) ?? []).sort(byStart);
    return {
      id: row.id,
      datasetId: row.dataset_id,
      index: row.idx,
      text: row.text,
      split: row.split,
      status: row.status,
      revision: row.revision,
      updatedAt: row.updated_at,
      spans: all.filter((s) => s.source !== 'model').map(toSpan),
      modelSpans: all.filter((s) => s.source === 'model').map(toSpan),
      uncertainty: row.uncertainty,
      record: row.meta_json === null ? null : (JSON.parse(row.meta_json) as unknown),
      canUndo: row.can_undo === 1,
      canRedo: row.can_redo === 1,
    };
  });
}

/** Reads examples by id (in the order given) with their spans. */
export function readExampleViews(db: DatabaseSync, ids: readonly number[]): ExampleView[] {
  if (ids.length === 0) return [];
  const placeholders = ids.map(() => '?').join(', ');
  const rows = db
    .prepare(`SELECT ${exampleColumns} FROM examples e WHERE e.id IN (${placeholders})`)
    .all(...ids) as unknown as ExampleRow[];
  const spans = db
    .prepare(`SELECT * FROM annotations WHERE example_id IN (${placeholders})`)
    .all(...ids) as unknown as SpanRow[];
  const views = new Map(toExampleViews(rows, spans).map((view) => [view.id, view]));
  return ids.flatMap((id) => views.get(id) ?? []);
}

export function readExampleView(db: DatabaseSync, exampleId: number): ExampleView {
  const [view] = readExampleViews(db, [exampleId]);
  if (!view)
    throw new ServiceError('not-found', `Example ${exampleId} does not exist (was its dataset removed?).`);
  return view;
}

export interface PredictedSpan {
  start: number;
  end: number;
  label: string;
  score: number;
}

export class AnnotationService {
  constructor(
    private readonly db: DatabaseSync,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  get(exampleId: number): ExampleView {
    return readExampleView(this.db, exampleId);
  }

  /** Applies edits in order, all or nothing; an invalid op names itself and the conflicting span. */
  apply(request: {
    exampleId: number;
    ops: readonly AnnotationOp[];
    author: string;
    expectedRevision?: number;
  }): ExampleView {
    const { exampleId, ops, author } = request;
    return transaction(this.db, () => {
      const example = this.exampleRow(exampleId);
      if (request.expectedRevision !== undefined && request.expectedRevision !== example.revision) {
        throw new ServiceError(
          'bad-request',
          `Example #${example.idx + 1} changed since you loaded it (revision ${request.expectedRevision}, now ` +
            `${example.revision}); reload it and edit again.`,
        );
      }
      const text = new OffsetMap(example.text);
      const length = codePointLength(example.text);
      const labels = this.labelNames(example.dataset_id);
      const spans = this.spanRows(exampleId);
      const touched = new Map<number, StoredSpan | null>();
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
          this.checkLabel(labels, op.label, where, example.dataset_id);
          const conflict = spans.find((s) => inVersionOf(s, author) && s.start < op.end && op.start < s.end);
          if (conflict) {
            throw new ServiceError(
              'bad-request',
              `${where}: ${describe(op)} overlaps the ${conflict.source} span #${conflict.id} ${describe(conflict)}; ` +
                'remove or shorten that span first.',
            );
          }
          const created = this.insertSpan(example, {
            start: op.start,
            end: op.end,
            label: op.label,
            source: 'annotator',
            author,
            score: null,
            checkpoint_id: null,
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
          remember(span);
          if (op.op === 'remove') {
            this.db.prepare('DELETE FROM annotations WHERE id = ?').run(span.id);
            spans.splice(spans.indexOf(span), 1);
            summary.push(`remove ${describe(span)}`);
          } else {
            this.checkLabel(labels, op.label, where, example.dataset_id);
            if (span.source === 'model') {
              // Relabelling a suggestion accepts it with the new label: it joins the working annotation.
              const conflict = spans.find((s) => inVersionOf(s, author) && overlaps(s, span));
              if (conflict) {
                throw new ServiceError(
                  'bad-request',
                  `${where}: accepting ${describe(span)} as ${op.label} would overlap the ${conflict.source} span ` +
                    `#${conflict.id} ${describe(conflict)}; remove that span first.`,
                );
              }
            }
            summary.push(`relabel ${describe(span)} → ${op.label}`);
            this.db
              .prepare("UPDATE annotations SET label = ?, source = 'annotator', author = ? WHERE id = ?")
              .run(op.label, author, span.id);
            Object.assign(span, { label: op.label, source: 'annotator', author });
          }
        }
      });
      this.finishEdit(example, 'apply', summary.join('; '), touched, author);
      return readExampleView(this.db, exampleId);
    });
  }

  undo(exampleId: number): ExampleView {
    return this.stepHistory(exampleId, 'undo');
  }

  redo(exampleId: number): ExampleView {
    return this.stepHistory(exampleId, 'redo');
  }

  /**
   * undo: the latest applied entry goes back to its before state and becomes 'undone'; redo: the first
   * undone entry (the most recently undone) goes forward to its after state and becomes 'applied' again.
   */
  private stepHistory(exampleId: number, direction: 'undo' | 'redo'): ExampleView {
    const undo = direction === 'undo';
    return transaction(this.db, () => {
      const example = this.exampleRow(exampleId);
      const entry = this.db
        .prepare(
          undo
            ? "SELECT id, before_json, after_json FROM example_history WHERE example_id = ? AND state = 'applied' ORDER BY id DESC LIMIT 1"
            : "SELECT id, before_json, after_json FROM example_history WHERE example_id = ? AND state = 'undone' ORDER BY id ASC LIMIT 1",
        )
        .get(exampleId) as { id: number; before_json: string; after_json: string } | undefined;
      if (!entry)
        throw new ServiceError('bad-request', `Nothing to ${direction} on example #${example.idx + 1}.`);
      const before = JSON.parse(entry.before_json);
      const after = JSON.parse(entry.after_json);
      if (undo) this.replay(example, after, before);
      else this.replay(example, before, after);
      this.db
        .prepare('UPDATE example_history SET state = ? WHERE id = ?')
        .run(undo ? 'undone' : 'applied', entry.id);
      this.touchExample(example);
      return readExampleView(this.db, exampleId);
    });
  }

  /**
   * Replaces this checkpoint's suggestions on the example and stores the example's uncertainty (for the
   * active-learning order): the given one, else 1 - the lowest span score (0 with no spans).
   */
  saveModelPredictions(request: {
    exampleId: number;
    checkpointId: string;
    spans: readonly PredictedSpan[];
    uncertainty?: number;
  }): ExampleView {
    return transaction(this.db, () => {
      const example = this.exampleRow(request.exampleId);
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
      this.db
        .prepare("DELETE FROM annotations WHERE example_id = ? AND source = 'model' AND checkpoint_id = ?")
        .run(example.id, request.checkpointId);
      for (const span of request.spans) {
        this.insertSpan(example, {
          ...span,
          source: 'model',
          author: null,
          checkpoint_id: request.checkpointId,
        });
      }
      const uncertainty =
        request.uncertainty ??
        (request.spans.length === 0 ? 0 : 1 - Math.min(...request.spans.map((s) => s.score)));
      this.db
        .prepare('UPDATE examples SET uncertainty = ?, revision = revision + 1, updated_at = ? WHERE id = ?')
        .run(uncertainty, this.now(), example.id);
      return readExampleView(this.db, example.id);
    });
  }

  /**
   * Turns model suggestions into annotator spans. Named spans that overlap the working annotation are
   * refused with a message; "accept all" (no ids) accepts the ones that fit, best score first, and
   * leaves the others as suggestions.
   */
  acceptModel(request: { exampleId: number; spanIds?: readonly number[]; author: string }): ExampleView {
    return transaction(this.db, () => {
      const example = this.exampleRow(request.exampleId);
      const spans = this.spanRows(example.id);
      const candidates = this.pickModelSpans(example, spans, request.spanIds);
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
        this.db
          .prepare("UPDATE annotations SET source = 'annotator', author = ? WHERE id = ?")
          .run(request.author, span.id);
        span.source = 'annotator';
        summary.push(`accept ${span.label} [${span.start}, ${span.end})`);
      }
      if (touched.size > 0) this.finishEdit(example, 'accept', summary.join('; '), touched, request.author);
      return readExampleView(this.db, example.id);
    });
  }

  rejectModel(request: { exampleId: number; spanIds?: readonly number[]; author: string }): ExampleView {
    return transaction(this.db, () => {
      const example = this.exampleRow(request.exampleId);
      const spans = this.spanRows(example.id);
      const rejected = this.pickModelSpans(example, spans, request.spanIds);
      const touched = new Map<number, StoredSpan | null>();
      for (const span of rejected) {
        touched.set(span.id, stored(span));
        this.db.prepare('DELETE FROM annotations WHERE id = ?').run(span.id);
      }
      if (touched.size > 0) {
        const summary = rejected.map((s) => `reject ${s.label} [${s.start}, ${s.end})`).join('; ');
        this.finishEdit(example, 'reject', summary, touched, request.author);
      }
      return readExampleView(this.db, example.id);
    });
  }

  /**
   * Adjudication: replaces the example's gold spans with `spans` (one transaction, one history entry that
   * undo/redo replay). Annotators' spans stay as they are, so the review can be repeated.
   */
  setGold(request: {
    exampleId: number;
    spans: readonly { start: number; end: number; label: string }[];
    author: string;
    expectedRevision?: number;
  }): ExampleView {
    return transaction(this.db, () => {
      const example = this.exampleRow(request.exampleId);
      if (request.expectedRevision !== undefined && request.expectedRevision !== example.revision) {
        throw new ServiceError(
          'bad-request',
          `Example #${example.idx + 1} changed since you loaded it (revision ${request.expectedRevision}, now ` +
            `${example.revision}); reload it and adjudicate again.`,
        );
      }
      const length = codePointLength(example.text);
      const labels = this.labelNames(example.dataset_id);
      const sorted = [...request.spans].sort((a, b) => a.start - b.start || a.end - b.end);
      sorted.forEach((span, index) => {
        const where = `Gold span ${index + 1} of ${sorted.length} on example #${example.idx + 1}`;
        if (!(span.start >= 0 && span.start < span.end && span.end <= length)) {
          throw new ServiceError(
            'bad-request',
            `${where}: [${span.start}, ${span.end}) is not inside the text (0..${length} code points) or is empty.`,
          );
        }
        this.checkLabel(labels, span.label, where, example.dataset_id);
        const previous = sorted[index - 1];
        if (previous && overlaps(previous, span)) {
          throw new ServiceError(
            'bad-request',
            `${where}: ${span.label} [${span.start}, ${span.end}) overlaps ${previous.label} ` +
              `[${previous.start}, ${previous.end}); gold spans must not overlap, pick one of them.`,
          );
        }
      });
      const current = this.spanRows(example.id).filter((s) => s.source === 'gold');
      const key = (s: { start: number; end: number; label: string }) => `${s.start}:${s.end}:${s.label}`;
      const wanted = new Set(sorted.map(key));
      const kept = new Set(current.map(key));
      const touched = new Map<number, StoredSpan | null>();
      const summary: string[] = [];
      for (const span of current) {
        if (wanted.has(key(span))) continue;
        touched.set(span.id, stored(span));
        this.db.prepare('DELETE FROM annotations WHERE id = ?').run(span.id);
        summary.push(`remove gold ${span.label} [${span.start}, ${span.end})`);
      }
      for (const span of sorted) {
        if (kept.has(key(span))) continue;
        const created = this.insertSpan(example, {
          start: span.start,
          end: span.end,
          label: span.label,
          source: 'gold',
          author: request.author,
          score: null,
          checkpoint_id: null,
        });
        touched.set(created.id, null);
        summary.push(`gold ${span.label} [${span.start}, ${span.end})`);
      }
      if (touched.size > 0)
        this.finishEdit(example, 'adjudicate', summary.join('; '), touched, request.author);
      return readExampleView(this.db, example.id);
    });
  }

  setStatus(request: { exampleId: number; status: ExampleStatus; author: string }): ExampleView {
    return transaction(this.db, () => {
      const example = this.exampleRow(request.exampleId);
      if (example.status !== request.status) {
        this.db
          .prepare('UPDATE examples SET status = ?, revision = revision + 1, updated_at = ? WHERE id = ?')
          .run(request.status, this.now(), example.id);
      }
      return readExampleView(this.db, example.id);
    });
  }

  // -------------------------------------------------------------------------------------------

  private exampleRow(exampleId: number): ExampleRow {
    const row = this.db.prepare(`SELECT ${exampleColumns} FROM examples e WHERE e.id = ?`).get(exampleId) as
      ExampleRow | undefined;
    if (!row)
      throw new ServiceError('not-found', `Example ${exampleId} does not exist (was its dataset removed?).`);
    return row;
  }

  private spanRows(exampleId: number): SpanRow[] {
    return this.db
      .prepare('SELECT * FROM annotations WHERE example_id = ? ORDER BY start, end, id')
      .all(exampleId) as unknown as SpanRow[];
  }

  private labelNames(datasetId: string): Set<string> {
    const rows = this.db
      .prepare('SELECT name FROM dataset_labels WHERE dataset_id = ? ORDER BY position, name')
      .all(datasetId) as {
      name: string;
    }[];
    return new Set(rows.map((r) => r.name));
  }

  private checkLabel(labels: Set<string>, label: string, where: string, datasetId: string): void {
    if (labels.has(label)) return;
    throw new ServiceError(
      'bad-request',
      `${where}: label ${JSON.stringify(label)} is not in the label set of dataset "${this.datasetName(datasetId)}" ` +
        `(${[...labels].join(', ') || 'empty'}); add it with labels.update first.`,
    );
  }

  private datasetName(datasetId: string): string {
    const row = this.db.prepare('SELECT name FROM datasets WHERE id = ?').get(datasetId) as
      { name: string } | undefined;
    return row?.name ?? datasetId;
  }

  private pickModelSpans(
    example: ExampleRow,
    spans: SpanRow[],
    ids: readonly number[] | undefined,
  ): SpanRow[] {
    const model = spans.filter((s) => s.source === 'model');
    if (ids === undefined) return model;
    return ids.map((id) => {
      const span = model.find((s) => s.id === id);
      if (!span) {
        throw new ServiceError(
          'not-found',
          `Span #${id} is not a model suggestion on example #${example.idx + 1} (accepted or rejected already?); reload the example.`,
        );
      }
      return span;
    });
  }

  private insertSpan(example: ExampleRow, span: Omit<SpanRow, 'id' | 'example_id' | 'created_at'>): SpanRow {
    const createdAt = this.now();
    const result = this.db
      .prepare(
        `INSERT INTO annotations (example_id, dataset_id, start, end, label, source, author, score, checkpoint_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        example.id,
        example.dataset_id,
        span.start,
        span.end,
        span.label,
        span.source,
        span.author,
        span.score,
        span.checkpoint_id,
        createdAt,
      );
    return { ...span, id: Number(result.lastInsertRowid), example_id: example.id, created_at: createdAt };
  }

  /** History entry (before = touched spans as they were, null = did not exist), redo stack dropped. */
  private finishEdit(
    example: ExampleRow,
    op: string,
    summary: string,
    touched: Map<number, StoredSpan | null>,
    author: string,
  ): void {
    const ids = [...touched.keys()];
    const now = this.now();
    const after = new Map<number, StoredSpan>();
    if (ids.length > 0) {
      const rows = this.db
        .prepare(`SELECT * FROM annotations WHERE id IN (${ids.map(() => '?').join(', ')})`)
        .all(...ids) as unknown as SpanRow[];
      for (const row of rows) after.set(row.id, stored(row));
    }
    const before = ids.flatMap((id) => touched.get(id) ?? []);
    this.db
      .prepare("UPDATE example_history SET state = 'discarded' WHERE example_id = ? AND state = 'undone'")
      .run(example.id);
    this.db
      .prepare(
        `INSERT INTO example_history (example_id, op, before_json, after_json, author, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        example.id,
        `${op}: ${summary}`,
        JSON.stringify({ ids, spans: before }),
        JSON.stringify({ ids, spans: [...after.values()] }),
        author,
        now,
      );
    this.db
      .prepare(
        `UPDATE examples SET revision = revision + 1, updated_at = ?,
           status = CASE status WHEN 'unannotated' THEN 'in-progress' ELSE status END
         WHERE id = ?`,
      )
      .run(now, example.id);
  }

  /** Moves the touched spans from state `from` to state `to` (both as stored in a history entry). */
  private replay(
    example: ExampleRow,
    from: { ids: number[]; spans: StoredSpan[] },
    to: { ids: number[]; spans: StoredSpan[] },
  ): void {
    const keep = new Set(to.spans.map((s) => s.id));
    for (const id of from.ids)
      if (!keep.has(id)) this.db.prepare('DELETE FROM annotations WHERE id = ?').run(id);
    for (const span of to.spans) {
      this.db
        .prepare(
          `INSERT OR REPLACE INTO annotations (id, example_id, dataset_id, start, end, label, source, author, score,
             checkpoint_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          span.id,
          example.id,
          example.dataset_id,
          span.start,
          span.end,
          span.label,
          span.source,
          span.author,
          span.score,
          span.checkpoint_id,
          span.created_at,
        );
    }
  }

  private touchExample(example: ExampleRow): void {
    this.db
      .prepare('UPDATE examples SET revision = revision + 1, updated_at = ? WHERE id = ?')
      .run(this.now(), example.id);
  }
}

/**
 * Whether a span belongs to the version `author` edits: the gold spans and that author's own spans. Two
 * annotators' versions may overlap each other (double annotation for review); one version never overlaps.
 */
function inVersionOf(span: Pick<SpanRow, 'source' | 'author'>, author: string): boolean {
  return span.source === 'gold' || (span.source === 'annotator' && span.author === author);
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

function stored(row: SpanRow): StoredSpan {
  const { example_id: _exampleId, ...rest } = row;
  return { ...rest };
}
