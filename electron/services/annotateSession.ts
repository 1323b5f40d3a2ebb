/**
 * Where Annotate was (issue 12): the open dataset, the checkpoint in the loop and the example index per
 * dataset, kept in the settings table (one main-side value) so a page reload, a restart or another window
 * opens the same place. Ids that no longer exist are dropped when read.
 */
import type { DatabaseSync } from 'node:sqlite';
import { emptyAnnotateSession, type AnnotateSession } from '../../shared/ipc';
import type { SettingsService } from './settings';

const key = 'annotate.session';
/** Datasets whose position is kept (the most recently opened ones). */
export const maxRememberedPositions = 200;

export interface AnnotateSessionPatch {
  datasetId?: string | null;
  checkpointId?: string | null;
  position?: { datasetId: string; exampleIndex: number };
}

export class AnnotateSessionStore {
  constructor(
    private readonly db: DatabaseSync,
    private readonly settings: SettingsService,
  ) {}

  get(): AnnotateSession {
    const stored = this.settings.getInternal<Partial<AnnotateSession>>(key);
    const session: AnnotateSession = {
      datasetId: typeof stored?.datasetId === 'string' ? stored.datasetId : null,
      checkpointId: typeof stored?.checkpointId === 'string' ? stored.checkpointId : null,
      positions: {},
    };
    if (stored?.positions && typeof stored.positions === 'object') {
      for (const [datasetId, index] of Object.entries(stored.positions))
        if (Number.isInteger(index) && index >= 0) session.positions[datasetId] = index;
    }
    // A removed dataset or checkpoint is forgotten rather than reopened into an error.
    if (session.datasetId && !this.exists('datasets', session.datasetId)) session.datasetId = null;
    if (session.checkpointId && !this.exists('checkpoints', session.checkpointId))
      session.checkpointId = null;
    return session;
  }

  save(patch: AnnotateSessionPatch): AnnotateSession {
    const current = this.settings.getInternal<AnnotateSession>(key) ?? emptyAnnotateSession;
    const next: AnnotateSession = {
      datasetId: patch.datasetId !== undefined ? patch.datasetId : (current.datasetId ?? null),
      checkpointId: patch.checkpointId !== undefined ? patch.checkpointId : (current.checkpointId ?? null),
      positions: { ...(current.positions ?? {}) },
    };
    if (patch.position) {
      // Re-inserted so the object's key order is the recency order.
      delete next.positions[patch.position.datasetId];
      next.positions = { [patch.position.datasetId]: patch.position.exampleIndex, ...next.positions };
      const entries = Object.entries(next.positions);
      if (entries.length > maxRememberedPositions)
        next.positions = Object.fromEntries(entries.slice(0, maxRememberedPositions));
    }
    this.settings.setInternal(key, next);
    return this.get();
  }

  private exists(table: 'datasets' | 'checkpoints', id: string): boolean {
    return this.db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(id) !== undefined;
  }
}
