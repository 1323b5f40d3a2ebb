/**
 * Task routing across a team (issue 17). Each dataset has an overlap N (default 1): every example goes to
 * N annotators. An annotator's queue hands out the first example (file order) that they have not edited
 * and that still needs annotations, counting both annotators who edited it and leases others hold, so two
 * annotators are never handed the same single-overlap example at once. A lease is an expiring lock: an
 * annotator who walks away gives the example back when it runs out.
 *
 * "Worked on" means an edit by that author other than an adjudication (what review.ts compares), or that
 * they marked the example done (a sentence with no entities is finished without any edit).
 */
import type { AnnotatorProgress, DatasetProgress, TeamTask } from '../../../shared/ipc';
import { annotatorEdit, annotatorsOf, annotatorWorkedOn } from '../annotations/history';
import { transaction, type Database } from '../database';
import { ServiceError } from '../errors';

export const defaultLeaseMs = 15 * 60 * 1000;
export const maxOverlap = 50;

export interface TaskRouterOptions {
  now?: () => number;
  leaseMs?: number;
}

// Annotators who worked on an example (adjudications do not count).
const editorsOf = `SELECT COUNT(*) FROM (${annotatorsOf('e.id')}) editors`;

// A lease still holds a place only until its annotator has worked on the example (then they count as an editor).
const leaseOpen = `NOT ${annotatorWorkedOn('l.example_id', 'l.annotator')}`;

export class TaskRouter {
  private readonly now: () => number;
  readonly leaseMs: number;
  constructor(
    private readonly db: Database,
    options: TaskRouterOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.leaseMs = options.leaseMs ?? defaultLeaseMs;
  }

  overlap(datasetId: string): number {
    this.requireDataset(datasetId);
    const row = this.db.prepare('SELECT overlap FROM dataset_overlap WHERE dataset_id = ?').get(datasetId) as
      { overlap: number } | undefined;
    return row ? Number(row.overlap) : 1;
  }

  setOverlap(datasetId: string, overlap: number): { overlap: number } {
    if (!Number.isInteger(overlap) || overlap < 1 || overlap > maxOverlap)
      throw new ServiceError('bad-request', `Overlap must be an integer 1..${maxOverlap}, got ${overlap}.`);
    this.requireDataset(datasetId);
    this.db
      .prepare(
        `INSERT INTO dataset_overlap (dataset_id, overlap) VALUES (?, ?)
         ON CONFLICT (dataset_id) DO UPDATE SET overlap = excluded.overlap`,
      )
      .run(datasetId, overlap);
    return { overlap };
  }

  /**
   * The annotator's next example, leased to them: the one they already hold if its lease still runs, else
   * the first that needs them. null when nothing is left for them.
   */
  next(datasetId: string, annotator: string): TeamTask | null {
    const overlap = this.overlap(datasetId);
    return transaction(this.db, () => {
      const at = this.now();
      const held = this.db
        .prepare(
          `SELECT l.example_id FROM task_leases l WHERE l.dataset_id = ? AND l.annotator = ? AND l.expires_at > ?
           AND ${leaseOpen}
           ORDER BY l.example_id LIMIT 1`,
        )
        .get(datasetId, annotator, at) as { example_id: number } | undefined;
      const exampleId =
        held?.example_id ??
        (
          this.db
            .prepare(
              `SELECT e.id FROM examples e WHERE e.dataset_id = ?
               AND NOT ${annotatorWorkedOn('e.id', '?')}
               AND (${editorsOf}) + (SELECT COUNT(*) FROM task_leases l WHERE l.example_id = e.id
                                     AND l.annotator <> ? AND l.expires_at > ? AND ${leaseOpen}) < ?
               ORDER BY e.id LIMIT 1`,
            )
            .get(datasetId, annotator, annotator, annotator, at, overlap) as { id: number } | undefined
        )?.id;
      if (exampleId === undefined) return null;
      const leaseExpiresAt = at + this.leaseMs;
      this.db
        .prepare(
          `INSERT INTO task_leases (example_id, annotator, dataset_id, expires_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (example_id, annotator) DO UPDATE SET expires_at = excluded.expires_at`,
        )
        .run(Number(exampleId), annotator, datasetId, leaseExpiresAt);
      return { exampleId: Number(exampleId), leaseExpiresAt };
    });
  }

  /** Gives a leased example back before its lease runs out (skip, or the annotator logs out). */
  release(exampleId: number, annotator: string): { released: boolean } {
    const result = this.db
      .prepare('DELETE FROM task_leases WHERE example_id = ? AND annotator = ?')
      .run(exampleId, annotator);
    return { released: Number(result.changes) > 0 };
  }

  /** Whether the annotator may work on the example now: they edited it, or they hold its lease. */
  isAssigned(exampleId: number, annotator: string): boolean {
    const row = this.db
      .prepare(
        `SELECT 1 AS ok FROM task_leases WHERE example_id = ? AND annotator = ? AND expires_at > ?
         UNION ALL SELECT 1 AS ok WHERE ${annotatorWorkedOn('?', '?')}`,
      )
      .get(exampleId, annotator, this.now(), exampleId, annotator, exampleId, annotator);
    return row !== undefined;
  }

  progress(datasetId: string): DatasetProgress {
    const overlap = this.overlap(datasetId);
    const totals = this.db
      .prepare(
        `SELECT COUNT(*) AS examples,
                COALESCE(SUM(CASE WHEN editors >= ? THEN 1 ELSE 0 END), 0) AS complete,
                COALESCE(SUM(CASE WHEN editors >= ? THEN ? ELSE editors END), 0) AS annotations
         FROM (SELECT e.id, (${editorsOf}) AS editors FROM examples e WHERE e.dataset_id = ?) counted`,
      )
      .get(overlap, overlap, overlap, datasetId) as {
      examples: number;
      complete: number;
      annotations: number;
    };
    const done = this.db
      .prepare(
        `SELECT w.author AS annotator, COUNT(DISTINCT w.example_id) AS done FROM (
           SELECT h.author, h.example_id FROM example_history h JOIN examples e ON e.id = h.example_id
           WHERE e.dataset_id = ? AND h.author IS NOT NULL AND ${annotatorEdit('h')}
           UNION SELECT s.author, s.example_id FROM example_submissions s JOIN examples e ON e.id = s.example_id
           WHERE e.dataset_id = ?) w
         GROUP BY w.author`,
      )
      .all(datasetId, datasetId) as unknown as { annotator: string; done: number }[];
    const leased = this.db
      .prepare(
        `SELECT l.annotator, COUNT(*) AS leased FROM task_leases l WHERE l.dataset_id = ? AND l.expires_at > ?
         AND ${leaseOpen} GROUP BY l.annotator`,
      )
      .all(datasetId, this.now()) as unknown as { annotator: string; leased: number }[];
    const byName = new Map<string, AnnotatorProgress>();
    for (const row of done)
      byName.set(row.annotator, { annotator: row.annotator, done: Number(row.done), leased: 0 });
    for (const row of leased) {
      const entry = byName.get(row.annotator) ?? { annotator: row.annotator, done: 0, leased: 0 };
      entry.leased = Number(row.leased);
      byName.set(row.annotator, entry);
    }
    const examples = Number(totals.examples);
    return {
      datasetId,
      overlap,
      examples,
      complete: Number(totals.complete),
      annotations: Number(totals.annotations),
      annotationsNeeded: examples * overlap,
      annotators: [...byName.values()].sort((a, b) => a.annotator.localeCompare(b.annotator)),
    };
  }

  private requireDataset(datasetId: string): void {
    if (!this.db.prepare('SELECT 1 FROM datasets WHERE id = ?').get(datasetId))
      throw new ServiceError('not-found', `Dataset ${datasetId} does not exist (was it removed?).`);
  }
}
