/**
 * Review of double annotation: two annotators' versions of a dataset side by side, their agreement
 * (shared/metrics/agreement: exact-match span P/R/F1 and Cohen's kappa on character tags) and
 * adjudication into the gold version (AnnotationService.setGold, with history).
 *
 * An annotator's version of an example is the annotator spans they authored. An example is compared
 * when BOTH annotators edited it (a history entry by each; adjudication entries do not count), so an
 * example only one of them reached does not count as a disagreement. Everything reads the dataset in
 * pages of `pageSize` examples (keyset on id), never the whole corpus at once.
 */
import type { DatabaseSync } from 'node:sqlite';
import { AgreementAccumulator, agreeingSpans } from '../../shared/metrics/agreement';
import type {
  ExampleView,
  ReviewAgreement,
  ReviewAuthor,
  ReviewItem,
  ReviewPage,
  ReviewSpan,
} from '../../shared/ipc';
import { codePointLength } from '../../shared/datasets';
import type { AnnotationService } from './annotations';
import { annotatorEdit } from './annotations/history';
import { ServiceError } from './errors';

interface Pair {
  datasetId: string;
  authorA: string;
  authorB: string;
}

interface ComparedRow {
  id: number;
  idx: number;
  text: string;
  revision: number;
}

interface SpanRow extends ReviewSpan {
  example_id: number;
  source: 'gold' | 'annotator';
  author: string | null;
}

export class ReviewService {
  constructor(
    private readonly db: DatabaseSync,
    private readonly annotations: AnnotationService,
    private readonly pageSize = 500,
  ) {}

  /** Authors of annotator spans in the dataset, with how many spans and examples each has. */
  authors(datasetId: string): ReviewAuthor[] {
    this.requireDataset(datasetId);
    const rows = this.db
      .prepare(
        `SELECT author, COUNT(*) AS spans, COUNT(DISTINCT example_id) AS examples FROM annotations
         WHERE dataset_id = ? AND source = 'annotator' AND author IS NOT NULL
         GROUP BY author ORDER BY author`,
      )
      .all(datasetId) as unknown as ReviewAuthor[];
    return rows.map((r) => ({ author: r.author, spans: Number(r.spans), examples: Number(r.examples) }));
  }

  /** Agreement of A and B over every example both edited. */
  agreement(pair: Pair): ReviewAgreement {
    this.checkPair(pair);
    const accumulator = new AgreementAccumulator();
    let disagreeing = 0;
    for (const page of this.comparedPages(pair)) {
      const spans = this.spansOf(
        page.map((e) => e.id),
        pair,
      );
      for (const example of page) {
        const { a, b } = spans.get(example.id) ?? { a: [], b: [], gold: [] };
        accumulator.add(codePointLength(example.text), a, b);
        if (!sameSpans(a, b)) disagreeing += 1;
      }
    }
    const report = accumulator.report();
    return { ...pair, ...report, disagreeing };
  }

  /** A page of compared examples with both versions and the gold spans. */
  examples(request: Pair & { offset: number; limit: number; onlyDisagreements?: boolean }): ReviewPage {
    this.checkPair(request);
    const items: ReviewItem[] = [];
    let total = 0;
    for (const page of this.comparedPages(request)) {
      const spans = this.spansOf(
        page.map((e) => e.id),
        request,
      );
      for (const example of page) {
        const versions = spans.get(example.id) ?? { a: [], b: [], gold: [] };
        const agree = sameSpans(versions.a, versions.b);
        if (request.onlyDisagreements && agree) continue;
        if (total >= request.offset && items.length < request.limit) {
          items.push({
            exampleId: example.id,
            index: example.idx,
            text: example.text,
            revision: example.revision,
            a: versions.a,
            b: versions.b,
            gold: versions.gold,
            agree,
          });
        }
        total += 1;
      }
    }
    return { total, offset: request.offset, items };
  }

  /** Saves one example's adjudicated spans as its gold version (history entry; undo restores). */
  adjudicate(request: {
    exampleId: number;
    spans: readonly ReviewSpan[];
    author: string;
    expectedRevision?: number;
  }): ExampleView {
    return this.annotations.setGold(request);
  }

  /**
   * Adds every span A and B agree on to the gold version (of one example, or of every compared example),
   * keeping gold spans already there; an agreed span that overlaps a different gold span is skipped and
   * counted, so an earlier adjudication is never overwritten.
   */
  acceptAgreeing(request: Pair & { author: string; exampleId?: number }): {
    examples: number;
    spans: number;
    skipped: number;
  } {
    this.checkPair(request);
    let examples = 0;
    let added = 0;
    let skipped = 0;
    for (const page of this.comparedPages(request, request.exampleId)) {
      const spans = this.spansOf(
        page.map((e) => e.id),
        request,
      );
      for (const example of page) {
        const versions = spans.get(example.id);
        if (!versions) continue;
        const gold = versions.gold.map(plain);
        const goldKeys = new Set(gold.map(spanKey));
        const additions: ReviewSpan[] = [];
        for (const span of agreeingSpans(versions.a, versions.b)) {
          if (goldKeys.has(spanKey(span))) continue;
          if ([...gold, ...additions].some((g) => g.start < span.end && span.start < g.end)) {
            skipped += 1;
            continue;
          }
          additions.push(plain(span));
        }
        if (additions.length === 0) continue;
        this.annotations.setGold({
          exampleId: example.id,
          spans: [...gold, ...additions],
          author: request.author,
        });
        examples += 1;
        added += additions.length;
      }
    }
    return { examples, spans: added, skipped };
  }

  // -------------------------------------------------------------------------------------------

  /** Compared examples in id order, one page at a time (keyset pagination). */
  private *comparedPages(pair: Pair, onlyExampleId?: number): Generator<ComparedRow[]> {
    const statement = this.db.prepare(
      `SELECT e.id, e.idx, e.text, e.revision FROM examples e
       WHERE e.dataset_id = ? AND e.id > ? ${onlyExampleId === undefined ? '' : 'AND e.id = ?'}
         AND EXISTS (SELECT 1 FROM example_history h WHERE h.example_id = e.id AND h.author = ?
                     AND ${annotatorEdit('h')})
         AND EXISTS (SELECT 1 FROM example_history h WHERE h.example_id = e.id AND h.author = ?
                     AND ${annotatorEdit('h')})
       ORDER BY e.id LIMIT ?`,
    );
    let after = 0;
    for (;;) {
      const args: (string | number)[] = [pair.datasetId, after];
      if (onlyExampleId !== undefined) args.push(onlyExampleId);
      args.push(pair.authorA, pair.authorB, this.pageSize);
      const rows = statement.all(...args) as unknown as ComparedRow[];
      if (rows.length === 0) return;
      yield rows;
      after = rows[rows.length - 1]!.id;
      if (rows.length < this.pageSize) return;
    }
  }

  private spansOf(
    ids: readonly number[],
    pair: Pair,
  ): Map<number, { a: ReviewSpan[]; b: ReviewSpan[]; gold: ReviewSpan[] }> {
    const result = new Map<number, { a: ReviewSpan[]; b: ReviewSpan[]; gold: ReviewSpan[] }>();
    for (const id of ids) result.set(id, { a: [], b: [], gold: [] });
    if (ids.length === 0) return result;
    const rows = this.db
      .prepare(
        `SELECT id, example_id, start, end, label, source, author FROM annotations
         WHERE example_id IN (${ids.map(() => '?').join(', ')})
           AND (source = 'gold' OR (source = 'annotator' AND author IN (?, ?)))
         ORDER BY example_id, start, end, id`,
      )
      .all(...ids, pair.authorA, pair.authorB) as unknown as SpanRow[];
    for (const row of rows) {
      const versions = result.get(row.example_id)!;
      const span: ReviewSpan = { id: row.id, start: row.start, end: row.end, label: row.label };
      if (row.source === 'gold') versions.gold.push(span);
      if (row.source === 'annotator' && row.author === pair.authorA) versions.a.push(span);
      if (row.source === 'annotator' && row.author === pair.authorB) versions.b.push(span);
    }
    return result;
  }

  private checkPair(pair: Pair): void {
    this.requireDataset(pair.datasetId);
    if (pair.authorA === pair.authorB) {
      throw new ServiceError(
        'bad-request',
        `Review needs two different annotators; both are ${JSON.stringify(pair.authorA)}. Pick another annotator B.`,
      );
    }
  }

  private requireDataset(datasetId: string): void {
    const row = this.db.prepare('SELECT 1 FROM datasets WHERE id = ?').get(datasetId);
    if (!row) throw new ServiceError('not-found', `Dataset ${datasetId} does not exist (was it removed?).`);
  }
}

function spanKey(s: ReviewSpan): string {
  return `${s.start}:${s.end}:${s.label}`;
}

function plain(s: ReviewSpan): ReviewSpan {
  return { start: s.start, end: s.end, label: s.label };
}

function sameSpans(a: readonly ReviewSpan[], b: readonly ReviewSpan[]): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set(a.map(spanKey));
  return b.every((s) => keys.has(spanKey(s)));
}
