/**
 * What every part of the Annotate store shares: its dependencies, the write queue ("Saved" only once the
 * main side acknowledged every queued write) and adopting what the main side returned into the open
 * example, the list and the stats. Created once per store, so two stores never share a queue or a timer.
 */
import type { ExampleView, TeamUser } from '../../../../../shared/ipc';
import type { ViewStoreDeps } from '../../../state/viewStore';
import { ownVersion, type AnnotateState } from './types';

/** How long the stats wait for more edits before they are fetched again. */
const statsDelayMs = 250;

export interface AnnotateCore {
  deps: ViewStoreDeps;
  get(): AnnotateState;
  set(partial: Partial<AnnotateState>): void;
  /**
   * The author of every edit: the signed-in account on a team server, else the annotator name setting (read
   * per edit: it can change in the header).
   */
  author(): string;
  /** The signed-in account on a team server; null elsewhere. */
  teamUser(): TeamUser | null;
  notify(title: string, detail?: string, kind?: 'error' | 'info'): void;
  /** The open example, or a toast saying to open one. */
  currentOrWarn(): ExampleView | null;
  /** Tell components the page cache changed. */
  bumpList(): void;
  /** Show an example the main side returned: open view, list row and (if it `changed`) stats. */
  adopt(view: ExampleView, changed?: boolean): void;
  /** Queue one acknowledged write; resolves once it came back (or failed, shown as "Not saved"). */
  write(work: () => Promise<ExampleView>): Promise<void>;
}

export function createAnnotateCore(
  deps: ViewStoreDeps,
  get: () => AnnotateState,
  set: (partial: Partial<AnnotateState>) => void,
): AnnotateCore {
  /** Edits are written one after another, so each sees the revision the previous one produced. */
  let writeQueue: Promise<unknown> = Promise.resolve();
  let statsTimer: ReturnType<typeof setTimeout> | null = null;
  const teamUser = () => deps.user?.() ?? null;
  const author = () => teamUser()?.name ?? deps.settings().annotatorName;

  const refreshStats = () => {
    if (statsTimer) clearTimeout(statsTimer);
    statsTimer = setTimeout(() => {
      statsTimer = null;
      const datasetId = get().datasetId;
      if (!datasetId) return;
      void deps.api.datasets
        .stats({ id: datasetId })
        .then((stats) => get().datasetId === datasetId && set({ stats }))
        .catch(() => {});
    }, statsDelayMs);
  };

  const core: AnnotateCore = {
    deps,
    get,
    set,
    author,
    teamUser,
    notify: (title, detail, kind = 'error') => deps.toast({ kind, title, detail }),
    currentOrWarn() {
      const current = get().current;
      if (!current) core.notify('No example is open', 'Pick an example in the list first.');
      return current;
    },
    bumpList: () => set({ listVersion: get().listVersion + 1 }),
    adopt(view, changed = true) {
      const { examples, current, pickedSpanId } = get();
      const index = examples.findIndex((item) => item.id === view.id);
      if (index >= 0) examples.replace(index, view);
      if (current?.id === view.id)
        set({
          current: ownVersion(view, author()),
          pickedSpanId:
            pickedSpanId !== null && view.spans.some((s) => s.id === pickedSpanId) ? pickedSpanId : null,
        });
      core.bumpList();
      if (changed) refreshStats();
    },
    write(work) {
      const dataset = get().dataset;
      if (dataset?.readOnly) {
        // The main side refuses it too; this only spares the request and says why at once.
        core.notify(
          `“${dataset.name}” is read-only`,
          'It is a benchmark gold set: annotate a copy to edit it.',
        );
        return Promise.resolve();
      }
      const save = get().save;
      set({ save: { state: 'saving', pending: (save.state === 'saving' ? save.pending : 0) + 1 } });
      const run = writeQueue.then(async () => {
        try {
          const view = await work();
          core.adopt(view);
          const now = get().save;
          const pending = now.state === 'saving' ? now.pending - 1 : 0;
          set({ save: pending > 0 ? { state: 'saving', pending } : { state: 'saved', at: Date.now() } });
        } catch (error) {
          // The client already toasted the failed request; the indicator must not claim "Saved".
          set({ save: { state: 'error', message: (error as Error).message } });
        }
      });
      writeQueue = run;
      return run;
    },
  };
  return core;
}
