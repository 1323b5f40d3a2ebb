/**
 * Where Annotate was (issue 12), kept on the main side (`annotateSession.*`) so a page reload or a restart
 * opens the same dataset, at the same example, with the same checkpoint in the loop; and which dataset it
 * opens the first time (never a read-only benchmark gold set while another corpus exists). Also "Annotate a
 * copy" of a read-only dataset (`datasets.copy`).
 */
import type { AnnotateSession, DatasetRecord } from '../../../../../shared/ipc';
import type { AnnotateState, SessionSlice } from './types';
import type { AnnotateCore } from './writes';

export type { SessionSlice };

/**
 * The dataset Annotate opens when the route names none: the remembered one while it is still a NER corpus
 * here, else the first corpus that is not read-only, else the first (shown read-only).
 */
export function defaultAnnotateDataset(
  corpora: readonly Pick<DatasetRecord, 'id' | 'readOnly'>[],
  session: Pick<AnnotateSession, 'datasetId'> | null,
): string | undefined {
  const remembered = session?.datasetId;
  if (remembered && corpora.some((d) => d.id === remembered)) return remembered;
  return (corpora.find((d) => !d.readOnly) ?? corpora[0])?.id;
}

/** The list position to open a dataset at: the remembered example index while the list is in file order. */
export function restoredPosition(state: Pick<AnnotateState, 'session' | 'query'>, datasetId: string): number {
  const { query, session } = state;
  const fileOrder = query.order === 'index' && query.quick === 'all' && query.search.trim() === '';
  return fileOrder ? (session?.positions[datasetId] ?? 0) : 0;
}

export function createSessionSlice(core: AnnotateCore): SessionSlice {
  const { deps, get, set } = core;
  let loading: Promise<AnnotateSession | null> | null = null;
  let checkpointRestored = false;
  /** Saves go out one at a time; while one is in flight only the latest patch waits. */
  let inFlight = false;
  let pending: Parameters<typeof deps.api.annotateSession.save>[0] | null = null;

  const flush = () => {
    if (inFlight || !pending) return;
    const patch = pending;
    pending = null;
    inFlight = true;
    deps.api.annotateSession
      .save(patch)
      .catch(() => undefined) // toasted by the client; the place is simply not remembered
      .finally(() => {
        inFlight = false;
        flush();
      });
  };
  const save = (patch: NonNullable<typeof pending>) => {
    pending = { ...(pending ?? {}), ...patch };
    flush();
  };

  return {
    session: null,
    sessionLoaded: false,
    copying: false,

    loadSession() {
      loading ??= deps.api.annotateSession
        .get()
        .then((session) => {
          set({ session, sessionLoaded: true });
          return session;
        })
        .catch(() => {
          set({ sessionLoaded: true });
          return null;
        });
      return loading;
    },

    async restoreCheckpoint(taggers) {
      if (checkpointRestored) return;
      const session = await get().loadSession();
      if (checkpointRestored) return;
      checkpointRestored = true;
      if (get().model.state !== 'none' || !session?.checkpointId) return;
      const checkpoint = taggers.find((c) => c.id === session.checkpointId);
      if (checkpoint) await get().pickCheckpoint(checkpoint);
    },

    rememberCheckpoint(checkpointId) {
      checkpointRestored = true; // a pick made by the person is never overridden by the restore
      const session = get().session;
      if (session) set({ session: { ...session, checkpointId } });
      save({ checkpointId });
    },

    rememberPlace(datasetId, exampleIndex) {
      const session = get().session;
      if (session)
        set({
          session: {
            ...session,
            datasetId,
            positions:
              exampleIndex === null ? session.positions : { ...session.positions, [datasetId]: exampleIndex },
          },
        });
      save(exampleIndex === null ? { datasetId } : { datasetId, position: { datasetId, exampleIndex } });
    },

    async annotateCopy() {
      const { dataset } = get();
      if (!dataset || get().copying) return null;
      set({ copying: true });
      try {
        const copy = await deps.api.datasets.copy({ id: dataset.id });
        core.notify(
          `Copied “${dataset.name}”`,
          `“${copy.name}” has its ${copy.exampleCount} examples and spans and is yours to edit; the original stays as it is.`,
          'info',
        );
        return copy.id;
      } catch {
        return null; // toasted by the client
      } finally {
        set({ copying: false });
      }
    },
  };
}
