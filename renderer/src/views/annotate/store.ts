/**
 * The Annotate view's state: which dataset and example are open, the paged example list, the
 * selection, the save indicator and the model in the loop. Every edit goes to the main side as one
 * transaction (annotations.apply / undo / redo / acceptModel …) and the view shows what came back,
 * so "Saved" is only ever shown for writes the main side acknowledged.
 */
import { create } from 'zustand';
import type {
  AnnotationOp,
  CheckpointRecord,
  DatasetDetail,
  DatasetStats,
  ExampleFilter,
  ExampleView,
  LabelDefinition,
} from '../../../../shared/ipc';
import type { Api } from '../../api/client';
import type { InferenceClient } from '../../inference/ui/client';
import { useSettings } from '../../state/settings';
import { useToasts } from '../../state/toasts';
import { PageCache } from './pageCache';
import { moveCaret, selectedRange, type CaretMove, type TextSelection } from './selection';
import { checkNewSpan, planAcceptAll, spanAt } from './spans';

export type QuickFilter = 'all' | 'unannotated' | 'disagreement' | 'low-confidence';
export type ListOrder = 'index' | 'uncertainty';

export interface ListQuery {
  quick: QuickFilter;
  /** Search words; empty for none. */
  search: string;
  searchIn: 'text' | 'entity';
  order: ListOrder;
}

export type SaveState =
  | { state: 'idle' }
  | { state: 'saving'; pending: number }
  | { state: 'saved'; at: number }
  | { state: 'error'; message: string };

export type ModelState =
  | { state: 'none' }
  | { state: 'loading'; checkpointId: string; message: string }
  | { state: 'ready'; checkpointId: string }
  | { state: 'running'; checkpointId: string }
  | { state: 'error'; checkpointId: string; message: string };

/** Below this model score a suggestion counts as low confidence (filter and highlight). */
export const lowConfidenceThreshold = 0.6;
export const pageSize = 100;
/** The author of every edit: the annotator name setting (OS user name by default, editable in the header). */
const currentAuthor = (): string => useSettings.getState().settings.annotatorName;

/**
 * The version the current annotator edits: gold spans and their own annotator spans. Another author's
 * spans are hidden (double annotation stays independent; the Review mode shows both) and never block a
 * new span, matching the main side's per-author overlap check.
 */
export function ownVersion(view: ExampleView, author: string = currentAuthor()): ExampleView {
  const spans = view.spans.filter((s) => s.source !== 'annotator' || s.author === author);
  return spans.length === view.spans.length ? view : { ...view, spans };
}

export function filterFor(query: ListQuery): ExampleFilter | undefined {
  const filter: ExampleFilter = {};
  if (query.quick === 'unannotated') filter.status = 'unannotated';
  if (query.quick === 'disagreement') filter.disagreement = true;
  if (query.quick === 'low-confidence') filter.lowConfidenceBelow = lowConfidenceThreshold;
  const search = query.search.trim();
  if (search) {
    if (query.searchIn === 'entity') filter.entityText = search.slice(0, 500);
    else filter.text = search.slice(0, 500);
  }
  return Object.keys(filter).length ? filter : undefined;
}

interface AnnotateState {
  datasetId: string | null;
  dataset: DatasetDetail | null;
  labels: LabelDefinition[];
  stats: DatasetStats | null;
  openError: string | null;
  query: ListQuery;
  /** Examples matching the query (all pages). */
  total: number;
  /** Bumped whenever the page cache changes, so the list re-renders. */
  listVersion: number;
  /** List position of the open example. */
  position: number;
  current: ExampleView | null;
  selection: TextSelection | null;
  /** The working span whose menu is open (click, or Delete target). */
  pickedSpanId: number | null;
  save: SaveState;
  model: ModelState;
  /** Pre-annotate the open and the next example whenever one is opened. */
  autoPreannotate: boolean;

  open(api: Api, datasetId: string): Promise<void>;
  setQuery(api: Api, query: Partial<ListQuery>): Promise<void>;
  ensureRange(api: Api, from: number, to: number): void;
  goTo(api: Api, position: number): Promise<void>;
  step(api: Api, delta: number): Promise<void>;
  setSelection(selection: TextSelection | null): void;
  moveCaret(move: CaretMove): void;
  pickSpan(spanId: number | null): void;
  labelSelection(api: Api, label: string): Promise<void>;
  relabelSpan(api: Api, spanId: number, label: string): Promise<void>;
  removeSpan(api: Api, spanId?: number): Promise<void>;
  undo(api: Api): Promise<void>;
  redo(api: Api): Promise<void>;
  acceptModel(api: Api, spanIds?: number[]): Promise<void>;
  rejectModel(api: Api, spanIds?: number[]): Promise<void>;
  acceptAllAndNext(api: Api): Promise<void>;
  markDone(api: Api): Promise<void>;
  pickCheckpoint(api: Api, inference: InferenceClient, checkpoint: CheckpointRecord | null): Promise<void>;
  /** Run the picked checkpoint on these examples and store its suggestions (`force`: again, even if done before). */
  preannotate(api: Api, inference: InferenceClient, examples: ExampleView[], force?: boolean): Promise<void>;
  setAutoPreannotate(api: Api, on: boolean): void;
}

const toast = (title: string, detail?: string, kind: 'error' | 'info' = 'error') =>
  useToasts.getState().push({ kind, title, detail });

/** The list's pages (outside React state: only `listVersion` tells components it changed). */
export const exampleCache = new PageCache<ExampleView>(pageSize, 12);

/** Edits are written one after another, so each sees the revision the previous one produced. */
let writeQueue: Promise<unknown> = Promise.resolve();
let statsTimer: ReturnType<typeof setTimeout> | null = null;
/** Checkpoints whose predictions were already asked for, per example (so re-opening does not re-run). */
const predicted = new Set<string>();
let openToken = 0;

export const useAnnotate = create<AnnotateState>()((set, get) => {
  const bumpList = () => set({ listVersion: get().listVersion + 1 });

  const refreshStats = (api: Api) => {
    if (statsTimer) clearTimeout(statsTimer);
    statsTimer = setTimeout(() => {
      const datasetId = get().datasetId;
      if (!datasetId) return;
      void api.datasets
        .stats({ id: datasetId })
        .then((stats) => get().datasetId === datasetId && set({ stats }))
        .catch(() => {});
    }, 250);
  };

  /** Show an example the main side returned: open view, list row and stats. */
  const adopt = (api: Api, view: ExampleView, changed = true) => {
    const index = exampleCache.findIndex((item) => item.id === view.id);
    if (index >= 0) exampleCache.replace(index, view);
    const current = get().current;
    if (current?.id === view.id) {
      const picked = get().pickedSpanId;
      set({
        current: ownVersion(view),
        pickedSpanId: picked !== null && view.spans.some((s) => s.id === picked) ? picked : null,
      });
    }
    bumpList();
    if (changed) refreshStats(api);
  };

  /** Run one acknowledged write; the indicator says "Saving…" until every queued write came back. */
  const write = (api: Api, work: () => Promise<ExampleView>): Promise<void> => {
    const save = get().save;
    set({ save: { state: 'saving', pending: (save.state === 'saving' ? save.pending : 0) + 1 } });
    const run = writeQueue.then(async () => {
      try {
        const view = await work();
        adopt(api, view);
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
  };

  const currentOrWarn = (): ExampleView | null => {
    const current = get().current;
    if (!current) toast('No example is open', 'Pick an example in the list first.');
    return current;
  };

  const apply = (api: Api, ops: AnnotationOp[]) => {
    const current = get().current;
    if (!current) return Promise.resolve();
    return write(api, () =>
      api.annotations.apply({
        exampleId: current.id,
        ops,
        author: currentAuthor(),
        expectedRevision: get().current?.id === current.id ? get().current?.revision : undefined,
      }),
    );
  };

  const loadPage = async (api: Api, page: number) => {
    const { datasetId, query } = get();
    if (!datasetId) return;
    exampleCache.markPending(page);
    const generation = exampleCache.generation;
    try {
      const result = await api.examples.list({
        datasetId,
        offset: page * pageSize,
        limit: pageSize,
        filter: filterFor(query),
        order: query.order,
      });
      if (exampleCache.put(page, result.items, generation)) set({ total: result.total });
      bumpList();
    } catch {
      exampleCache.fail(page);
    }
  };

  const maybePreannotate = (api: Api) => {
    const runner = preannotateHook;
    if (!runner || !get().autoPreannotate) return;
    const position = get().position;
    const targets = [exampleCache.get(position), exampleCache.get(position + 1)].filter(
      (e): e is ExampleView => Boolean(e),
    );
    if (targets.length) void runner(api, targets);
  };

  return {
    datasetId: null,
    dataset: null,
    labels: [],
    stats: null,
    openError: null,
    query: { quick: 'all', search: '', searchIn: 'text', order: 'index' },
    total: 0,
    listVersion: 0,
    position: 0,
    current: null,
    selection: null,
    pickedSpanId: null,
    save: { state: 'idle' },
    model: { state: 'none' },
    autoPreannotate: true,

    async open(api, datasetId) {
      const token = ++openToken;
      exampleCache.clear();
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
          api.datasets.get({ id: datasetId }),
          api.labels.list({ datasetId }),
          api.datasets.stats({ id: datasetId }),
        ]);
        if (token !== openToken) return;
        set({ dataset, labels, stats });
        await loadPage(api, 0);
        if (token !== openToken) return;
        await get().goTo(api, 0);
      } catch (error) {
        if (token === openToken) set({ openError: (error as Error).message });
      }
    },

    async setQuery(api, change) {
      exampleCache.clear();
      set({ query: { ...get().query, ...change }, total: 0, position: 0, current: null, selection: null });
      await loadPage(api, 0);
      await get().goTo(api, 0);
    },

    ensureRange(api, from, to) {
      for (const page of exampleCache.missingPages(from, to)) void loadPage(api, page);
    },

    async goTo(api, position) {
      const { total } = get();
      if (total === 0) {
        set({ current: null, position: 0 });
        return;
      }
      const target = Math.max(0, Math.min(total - 1, position));
      if (!exampleCache.get(target)) await loadPage(api, exampleCache.pageOf(target));
      const example = exampleCache.get(target) ?? null;
      set({
        position: target,
        current: example && ownVersion(example),
        selection: null,
        pickedSpanId: null,
      });
      // Keep the next page warm so J/Enter never waits on the store.
      get().ensureRange(api, target, target + 2);
      if (example) {
        // The page may be older than the example (another window, a pre-annotation run): show the stored state.
        try {
          const fresh = await api.examples.get({ exampleId: example.id });
          if (get().current?.id === fresh.id) adopt(api, fresh, false);
        } catch {
          // toasted by the client; the cached copy stays on screen
        }
      }
      maybePreannotate(api);
    },

    step(api, delta) {
      return get().goTo(api, get().position + delta);
    },

    setSelection(selection) {
      set({ selection, pickedSpanId: null });
    },

    moveCaret(move) {
      const current = get().current;
      if (!current) return;
      set({
        selection: moveCaret(get().selection, move, Array.from(current.text).length),
        pickedSpanId: null,
      });
    },

    pickSpan(spanId) {
      set({ pickedSpanId: spanId, selection: null });
    },

    async labelSelection(api, label) {
      const current = currentOrWarn();
      if (!current) return;
      const picked = get().pickedSpanId;
      if (picked !== null) return get().relabelSpan(api, picked, label);
      const range = selectedRange(get().selection);
      if (!range) {
        toast(
          'Select characters first',
          `Drag over the characters (or Shift+→) then press the key for ${label}.`,
          'info',
        );
        return;
      }
      const check = checkNewSpan(current.text, current.spans, range, label);
      if (!check.ok) {
        toast('Span refused', check.reason);
        return;
      }
      set({ selection: null });
      await apply(api, [{ op: 'add', start: range.start, end: range.end, label }]);
    },

    async relabelSpan(api, spanId, label) {
      const current = get().current;
      const span = current?.spans.find((s) => s.id === spanId);
      if (!span || span.label === label) return;
      set({ pickedSpanId: null });
      await apply(api, [{ op: 'relabel', spanId, label }]);
    },

    async removeSpan(api, spanId) {
      const current = get().current;
      if (!current) return;
      let id = spanId ?? get().pickedSpanId;
      if (id === null || id === undefined) {
        // No span picked: the one under the caret or covering the selection.
        const range = selectedRange(get().selection);
        const at =
          range ??
          (get().selection ? { start: get().selection!.focus, end: get().selection!.focus + 1 } : null);
        id = at ? (spanAt(current.spans, at.start)?.id ?? null) : null;
      }
      if (id === null || id === undefined) {
        toast('Nothing to remove', 'Click a span (or put the caret on it) and press Delete.', 'info');
        return;
      }
      set({ pickedSpanId: null });
      await apply(api, [{ op: 'remove', spanId: id }]);
    },

    async undo(api) {
      const current = currentOrWarn();
      if (!current) return;
      if (!current.canUndo) {
        toast('Nothing to undo', `Example #${current.index + 1} has no earlier edit.`, 'info');
        return;
      }
      await write(api, () => api.annotations.undo({ exampleId: current.id, author: currentAuthor() }));
    },

    async redo(api) {
      const current = currentOrWarn();
      if (!current) return;
      if (!current.canRedo) {
        toast('Nothing to redo', `Example #${current.index + 1} has no undone edit.`, 'info');
        return;
      }
      await write(api, () => api.annotations.redo({ exampleId: current.id, author: currentAuthor() }));
    },

    async acceptModel(api, spanIds) {
      const current = currentOrWarn();
      if (!current || current.modelSpans.length === 0) return;
      const plan = planAcceptAll(
        current.spans,
        spanIds ? current.modelSpans.filter((s) => spanIds.includes(s.id)) : current.modelSpans,
      );
      if (plan.conflicts.length && spanIds)
        toast(
          'Suggestion overlaps a span',
          plan.conflicts
            .map((s) => `${s.label} ${s.start}–${s.end} overlaps an existing span: remove that span first.`)
            .join(' '),
        );
      if (plan.accept.length)
        await write(api, () =>
          api.annotations.acceptModel({
            exampleId: current.id,
            spanIds: plan.accept.map((s) => s.id),
            author: currentAuthor(),
          }),
        );
      if (plan.duplicates.length)
        await write(api, () =>
          api.annotations.rejectModel({
            exampleId: current.id,
            spanIds: plan.duplicates.map((s) => s.id),
            author: currentAuthor(),
          }),
        );
      if (plan.conflicts.length && !spanIds)
        toast(
          `${plan.conflicts.length} suggestion${plan.conflicts.length > 1 ? 's' : ''} left for you`,
          'They overlap a span you already have; accept or reject them one by one.',
          'info',
        );
    },

    async rejectModel(api, spanIds) {
      const current = currentOrWarn();
      if (!current || current.modelSpans.length === 0) return;
      await write(api, () =>
        api.annotations.rejectModel({
          exampleId: current.id,
          ...(spanIds ? { spanIds } : {}),
          author: currentAuthor(),
        }),
      );
    },

    async acceptAllAndNext(api) {
      const current = currentOrWarn();
      if (!current) return;
      await get().acceptModel(api);
      await get().markDone(api);
      if (get().save.state !== 'error') await get().step(api, 1);
    },

    async markDone(api) {
      const current = currentOrWarn();
      if (!current || current.status === 'done') return;
      await write(api, () =>
        api.examples.setStatus({ exampleId: current.id, status: 'done', author: currentAuthor() }),
      );
    },

    async pickCheckpoint(api, inference, checkpoint) {
      if (!checkpoint) {
        preannotateHook = null;
        set({ model: { state: 'none' } });
        return;
      }
      set({ model: { state: 'loading', checkpointId: checkpoint.id, message: 'Loading weights…' } });
      try {
        await inference.call(
          'load',
          {
            id: checkpoint.id,
            name: checkpoint.name,
            files: checkpoint.files.map((file) => ({
              file,
              url: api.checkpointFileUrl(checkpoint.id, file),
            })),
          },
          {
            onProgress: (p) =>
              set({
                model: {
                  state: 'loading',
                  checkpointId: checkpoint.id,
                  message: p.total
                    ? `Loading weights… ${Math.round((100 * p.done) / p.total)}%`
                    : 'Loading weights…',
                },
              }),
          },
        );
        set({ model: { state: 'ready', checkpointId: checkpoint.id } });
        preannotateHook = (hookApi, examples) => get().preannotate(hookApi, inference, examples);
        maybePreannotate(api);
      } catch (error) {
        set({ model: { state: 'error', checkpointId: checkpoint.id, message: (error as Error).message } });
      }
    },

    async preannotate(api, inference, examples, force = false) {
      const model = get().model;
      if (model.state !== 'ready' && model.state !== 'running') return;
      const checkpointId = model.checkpointId;
      const todo = examples.filter(
        (e) => (force || !predicted.has(`${checkpointId}:${e.id}`)) && e.text.length > 0,
      );
      if (!todo.length) return;
      for (const e of todo) predicted.add(`${checkpointId}:${e.id}`);
      set({ model: { state: 'running', checkpointId } });
      try {
        const response = await inference.call('runPipeline', {
          id: checkpointId,
          request: { task: 'token-classification', texts: todo.map((e) => e.text), aggregation: 'simple' },
        });
        if (response.result.task !== 'token-classification')
          throw new Error('The worker answered another task.');
        const entities = response.result.entities;
        for (let i = 0; i < todo.length; i++) {
          const spans = (entities[i] ?? [])
            .filter((entity) => entity.end > entity.start)
            .map((entity) => ({
              start: entity.start,
              end: entity.end,
              label: entity.type,
              score: Math.max(0, Math.min(1, entity.score)),
            }));
          await write(api, () =>
            api.annotations.saveModelPredictions({ exampleId: todo[i].id, checkpointId, spans }),
          );
        }
        if (get().model.state === 'running') set({ model: { state: 'ready', checkpointId } });
      } catch (error) {
        for (const e of todo) predicted.delete(`${checkpointId}:${e.id}`);
        set({ model: { state: 'error', checkpointId, message: (error as Error).message } });
      }
    },

    setAutoPreannotate(api, on) {
      set({ autoPreannotate: on });
      if (on) maybePreannotate(api);
    },
  };
});

/** Set once a checkpoint is loaded: runs the worker on examples as they are opened. */
let preannotateHook: ((api: Api, examples: ExampleView[]) => Promise<void>) | null = null;
