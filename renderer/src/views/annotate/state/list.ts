/**
 * The open dataset and its example list: opening a dataset (labels, stats, the first page), the query
 * (filters, search, order), pages fetched on demand into the store's page cache, and moving between examples.
 */
import type { ExampleView } from '../../../../../shared/ipc';
import { PageCache } from '../pageCache';
import { preannotateOpen } from './model';
import { restoredPosition } from './session';
import { filterFor, maxCachedPages, ownVersion, pageSize, type ListSlice } from './types';
import type { AnnotateCore } from './writes';

export function createListSlice(core: AnnotateCore): ListSlice {
  const { deps, get, set } = core;
  const examples = new PageCache<ExampleView>(pageSize, maxCachedPages);
  /** Bumped by every `open`, so the answers for a dataset opened before are dropped. */
  let openToken = 0;

  const loadPage = async (page: number) => {
    const { datasetId, query } = get();
    if (!datasetId) return;
    examples.markPending(page);
    const generation = examples.generation;
    try {
      const result = await deps.api.examples.list({
        datasetId,
        offset: page * pageSize,
        limit: pageSize,
        filter: filterFor(query),
        order: query.order,
      });
      if (examples.put(page, result.items, generation)) set({ total: result.total });
      core.bumpList();
    } catch {
      examples.fail(page);
    }
  };

  return {
    datasetId: null,
    dataset: null,
    labels: [],
    stats: null,
    openError: null,
    query: { quick: 'all', search: '', searchIn: 'text', order: 'index' },
    total: 0,
    examples,
    listVersion: 0,
    position: 0,
    current: null,

    async open(datasetId) {
      const token = ++openToken;
      examples.clear();
      set({
        datasetId,
        dataset: null,
        labels: [],
        stats: null,
        openError: null,
        total: 0,
        position: 0,
        current: null,
        selection: null,
        pickedSpanId: null,
        save: { state: 'idle' },
      });
      try {
        const [dataset, labels, stats] = await Promise.all([
          deps.api.datasets.get({ id: datasetId }),
          deps.api.labels.list({ datasetId }),
          deps.api.datasets.stats({ id: datasetId }),
        ]);
        if (token !== openToken) return;
        set({ dataset, labels, stats });
        // The checkpoint in the loop may need a label mapping on this dataset (labelMapping.ts).
        void get().resolveLabelMapping();
        await get().loadSession();
        if (token !== openToken) return;
        get().rememberPlace(datasetId, null);
        void get().refreshTeamProgress();
        const start = restoredPosition(get(), datasetId);
        await loadPage(examples.pageOf(start));
        if (token !== openToken) return;
        await get().goTo(start);
      } catch (error) {
        if (token === openToken) set({ openError: (error as Error).message });
      }
    },

    async setQuery(change) {
      examples.clear();
      set({ query: { ...get().query, ...change }, total: 0, position: 0, current: null, selection: null });
      await loadPage(0);
      await get().goTo(0);
    },

    ensureRange(from, to) {
      for (const page of examples.missingPages(from, to)) void loadPage(page);
    },

    async goTo(position) {
      const { total } = get();
      if (total === 0) {
        set({ current: null, position: 0 });
        return;
      }
      const target = Math.max(0, Math.min(total - 1, position));
      if (!examples.get(target)) await loadPage(examples.pageOf(target));
      const example = examples.get(target) ?? null;
      set({
        position: target,
        current: example && ownVersion(example, core.author()),
        selection: null,
        pickedSpanId: null,
      });
      const datasetId = get().datasetId;
      if (example && datasetId) get().rememberPlace(datasetId, example.index);
      // Keep the next page warm so J/Enter never waits on the store.
      get().ensureRange(target, target + 2);
      if (example) {
        // The page may be older than the example (another window, a pre-annotation run): show the stored state.
        try {
          const fresh = await deps.api.examples.get({ exampleId: example.id });
          if (get().current?.id === fresh.id) core.adopt(fresh, false);
        } catch {
          // toasted by the client; the cached copy stays on screen
        }
      }
      preannotateOpen(core);
    },

    step(delta) {
      return get().goTo(get().position + delta);
    },

    async refreshList() {
      const { datasetId, current } = get();
      if (!datasetId) return;
      examples.clear();
      core.bumpList();
      await loadPage(0);
      if (get().datasetId !== datasetId) return;
      const index = current ? examples.findIndex((item) => item.id === current.id) : -1;
      if (index >= 0) set({ position: index });
      else if (!current) await get().goTo(0);
      else set({ position: Math.min(get().position, Math.max(0, get().total - 1)) });
    },
  };
}
