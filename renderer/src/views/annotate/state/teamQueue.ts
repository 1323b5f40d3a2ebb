/**
 * The team queue (serve --team, issue 17): on a team server the signed-in account takes its next example
 * from the dataset's queue (`team.next`, leased to them so no one else with a single-overlap example is
 * handed it), and Accept & next at the end of their list takes the next one. An annotator's list is exactly
 * what their queue handed them and what they edited (the server cuts it so).
 */
import type { DatasetProgress } from '../../../../../shared/ipc';
import type { AnnotateCore } from './writes';

export interface TeamQueueSlice {
  /** null off a team server; else the open dataset's progress once asked. */
  teamProgress: DatasetProgress | null;
  /** 'empty': the queue had nothing left for this account the last time it was asked. */
  queue: 'idle' | 'taking' | 'empty';
  /** Takes the next example from the queue and opens it. */
  takeNext(): Promise<void>;
  refreshTeamProgress(): Promise<void>;
}

export function createTeamQueueSlice(core: AnnotateCore): TeamQueueSlice {
  const { deps, get, set } = core;
  return {
    teamProgress: null,
    queue: 'idle',

    async refreshTeamProgress() {
      const datasetId = get().datasetId;
      if (!datasetId || !core.teamUser()) return;
      try {
        const progress = await deps.api.team.progress({ datasetId });
        if (get().datasetId === datasetId) set({ teamProgress: progress });
      } catch {
        // toasted by the client
      }
    },

    async takeNext() {
      const datasetId = get().datasetId;
      if (!datasetId || !core.teamUser() || get().queue === 'taking') return;
      set({ queue: 'taking' });
      try {
        const task = await deps.api.team.next({ datasetId, author: core.author() });
        if (get().datasetId !== datasetId) return;
        if (!task) {
          set({ queue: 'empty' });
          core.notify(
            'Your queue is empty',
            'Every example of this dataset has the annotations it needs.',
            'info',
          );
          return;
        }
        set({ queue: 'idle' });
        // The handed example joins the list (an annotator's list is their queue): open it there.
        await get().refreshList();
        const position = get().examples.findIndex((item) => item.id === task.exampleId);
        await get().goTo(position >= 0 ? position : get().total - 1);
      } catch {
        set({ queue: 'idle' });
      } finally {
        void get().refreshTeamProgress();
      }
    },
  };
}
