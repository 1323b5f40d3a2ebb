/**
 * The Annotate store against the real main side: services on a temp data folder, the same
 * dispatch (zod validation → handler → envelope) both transports use, and the typed client. A
 * transport gate holds responses back to check that "Saved" waits for the acknowledgement. Each test
 * creates its own store with createAnnotateStore, as main.tsx does, with a dictionary tagger standing in
 * for the inference worker.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { dictionaryTagger, taggerRecord } from './fakeTagger';
import { dispatchRequest } from '../electron/ipc/dispatch';
import { createHandlers } from '../electron/ipc/handlers';
import { createServices, type Services } from '../electron/services/services';
import { defaultSettings, type Settings, type Transport } from '../shared/ipc';
import { createApi, type Api } from '../renderer/src/api/client';
import type { Toast } from '../renderer/src/state/toasts';
import type { ViewStoreDeps } from '../renderer/src/state/viewStore';
import { createAnnotateStore, filterFor, type AnnotateState } from '../renderer/src/views/annotate/store';
import type { StoreApi } from 'zustand';

let dir: string;
let services: Services;
let api: Api;
let datasetId: string;
const requests: string[] = [];
/** While set, every response waits for it (a slow or stuck main side). */
let gate: Promise<void> | null = null;
/** While set, requests on this channel fail in the transport (connection lost). */
let failChannel: string | null = null;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-annotate-store-'));
  services = await createServices({ dataDir: join(dir, 'data'), resourcesDir: null, host: 'serve' });
  const handlers = createHandlers(services);
  const transport: Transport = {
    async request(channel, payload) {
      requests.push(channel);
      if (channel === failChannel) throw new Error('connection lost');
      const result = await dispatchRequest(handlers, channel, payload);
      if (gate) await gate;
      return result;
    },
    subscribe: () => () => {},
    checkpointFileUrl: () => '',
    trainingRunFilesUrl: () => '',
  };
  api = createApi(transport);
  // The first 12 sentences of People's Daily (sentence 2: 相比之下，青岛海牛队和广州松日队的雨中之战…).
  const source = readFileSync('fixtures/datasets/peoples_daily_ner/example.dev', 'utf8');
  const file = join(dir, 'pd12.txt');
  writeFileSync(
    file,
    source
      .replace(/\r/g, '')
      .split(/\n\s*\n/)
      .slice(0, 12)
      .join('\n\n') + '\n',
  );
  datasetId = (await api.datasets.import({ path: file, name: 'pd12' })).dataset.id;
});

afterAll(async () => {
  // Let the debounced stats refresh land before the database closes.
  await new Promise((resolve) => setTimeout(resolve, 400));
  services?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A store with its own dependencies, as main.tsx makes one; toasts and settings are the test's. */
function makeStore(
  settings: Partial<Settings> = {},
  words: Record<string, string> = { 青岛: 'LOC', 广州: 'LOC', 博士: 'PER' },
) {
  const toasts: Omit<Toast, 'id' | 'count'>[] = [];
  const worker = dictionaryTagger(words);
  const current = { ...defaultSettings, annotatorName: 'tester', ...settings };
  const deps: ViewStoreDeps = {
    api,
    inference: worker.client,
    settings: () => current,
    toast: (toast) => toasts.push(toast),
  };
  return { store: createAnnotateStore(deps), toasts, worker, settings: current };
}

let store: StoreApi<AnnotateState>;
let toasts: Omit<Toast, 'id' | 'count'>[];

beforeEach(async () => {
  gate = null;
  failChannel = null;
  ({ store, toasts } = makeStore());
  await store.getState().open(datasetId);
  await store.getState().goTo(1);
});

const state = () => store.getState();
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('Annotate store over the real dataset store', () => {
  it('opens a dataset: labels, counts and the first page, not the whole corpus', async () => {
    await state().open(datasetId);
    expect(state().total).toBe(12);
    // Reopened where this store left it (beforeEach's goTo(1)): Annotate remembers the position.
    expect(state().current?.index).toBe(1);
    await state().goTo(0);
    expect(state().current?.index).toBe(0);
    expect(
      state()
        .labels.map((l) => l.name)
        .sort(),
    ).toEqual(['LOC', 'ORG', 'PER']);
    expect(state().stats?.total).toBe(12);
    expect(state().examples.get(11)?.index).toBe(11);
    await state().step(1);
    expect(state().current?.text.startsWith('相比之下')).toBe(true);
    expect(state().current?.spans.map((s) => [s.start, s.end, s.label])).toEqual([
      [5, 10, 'ORG'],
      [11, 16, 'ORG'],
    ]);
  });

  it('shows "Saved" only once the main side acknowledged the edit', async () => {
    let release!: () => void;
    gate = new Promise((resolve) => (release = resolve));
    state().setSelection({ anchor: 17, focus: 21 });
    const labelling = state().labelSelection('LOC');
    await flush();
    expect(state().save.state).toBe('saving');
    expect(state().current?.spans).toHaveLength(2);
    release();
    await labelling;
    expect(state().save.state).toBe('saved');
    const added = state().current?.spans.find((s) => s.label === 'LOC');
    expect(added).toMatchObject({ start: 17, end: 21, source: 'annotator' });
    // The list row shows the edit too, and it is in the database for a fresh query.
    expect(state().examples.get(1)?.spans).toHaveLength(3);
    const fresh = await api.examples.get({ exampleId: state().current!.id });
    expect(fresh.spans.map((s) => s.label)).toEqual(['ORG', 'ORG', 'LOC']);
  });

  it('a failed write says "Not saved", never "Saved"', async () => {
    failChannel = 'annotations.apply';
    state().setSelection({ anchor: 0, focus: 2 });
    await state().labelSelection('PER');
    expect(state().save).toMatchObject({
      state: 'error',
      message: expect.stringContaining('connection lost'),
    });
    expect(state().current?.spans.some((s) => s.start === 0)).toBe(false);
  });

  it('refuses an overlapping span before asking the main side, with a toast', async () => {
    const before = requests.length;
    state().setSelection({ anchor: 14, focus: 18 }); // 日队的雨: crosses 广州松日队
    await state().labelSelection('LOC');
    expect(requests.length).toBe(before);
    const toast = toasts.at(-1);
    expect(toast?.title).toBe('Span refused');
    expect(toast?.detail).toContain('广州松日队');
  });

  it('relabel, remove by Delete target, undo and redo through the stored history', async () => {
    const org = state().current!.spans[0];
    await state().relabelSpan(org.id, 'LOC');
    expect(state().current!.spans[0].label).toBe('LOC');
    state().setSelection({ anchor: 6, focus: 6 }); // caret inside the first span
    await state().removeSpan();
    expect(state().current!.spans.map((s) => s.start)).not.toContain(5);
    await state().undo();
    expect(state().current!.spans[0]).toMatchObject({ start: 5, label: 'LOC' });
    await state().undo();
    expect(state().current!.spans[0]).toMatchObject({ start: 5, label: 'ORG' });
    await state().redo();
    expect(state().current!.spans[0]).toMatchObject({ start: 5, label: 'LOC' });
    expect(state().save.state).toBe('saved');
  });

  it('accept-and-next takes the suggestions that fit, marks done and moves on', async () => {
    const current = state().current!;
    const view = await api.annotations.saveModelPredictions({
      exampleId: current.id,
      checkpointId: 'demo',
      spans: [
        { start: 0, end: 2, label: 'PER', score: 0.9 }, // free
        { start: 9, end: 12, label: 'LOC', score: 0.8 }, // crosses both gold ORG spans: left alone
      ],
    });
    await state().goTo(1);
    expect(state().current!.modelSpans).toHaveLength(view.modelSpans.length);
    // The suggestions are shown (and taken) for the checkpoint in the loop only.
    store.setState({ model: { state: 'ready', checkpointId: 'demo' } });
    await state().acceptAllAndNext();
    expect(state().position).toBe(2);
    const after = await api.examples.get({ exampleId: current.id });
    expect(after.status).toBe('done');
    expect(after.spans.map((s) => [s.start, s.end, s.label, s.source])).toContainEqual([
      0,
      2,
      'PER',
      'annotator',
    ]);
    // Both suggestions stay stored; the accepted one carries the decision, the other is still pending.
    expect(after.modelSpans.map((s) => [s.start, s.label, s.decisions])).toEqual([
      [0, 'PER', [{ author: 'tester', decision: 'accepted' }]],
      [9, 'LOC', []],
    ]);
    expect(after.spans.find((s) => s.start === 0)).toMatchObject({
      origin: 'prediction',
      checkpointId: 'demo',
      score: 0.9,
    });
    await flush();
  });

  it('filters and orders with the store’s query', async () => {
    await state().setQuery({ quick: 'all', search: '胡', searchIn: 'text' });
    expect(state().total).toBeGreaterThan(0);
    for (let i = 0; i < state().total; i++) expect(state().examples.get(i)?.text).toContain('胡');
    await state().setQuery({ search: '', quick: 'all' });
    expect(state().total).toBe(12);
    expect(
      filterFor({ quick: 'low-confidence', search: ' 北京 ', searchIn: 'entity', order: 'index' }),
    ).toEqual({
      lowConfidenceBelow: 0.6,
      entityText: '北京',
    });
  });

  it('two stores share nothing: not the open dataset, the page cache, the position nor the toasts', async () => {
    const other = makeStore();
    expect(other.store.getState()).toMatchObject({ datasetId: null, total: 0, current: null });
    expect(other.store.getState().examples).not.toBe(state().examples);
    expect(other.store.getState().examples.loadedPages).toBe(0);

    await other.store.getState().open(datasetId);
    await other.store.getState().goTo(3);
    expect(other.store.getState().position).toBe(3);
    expect(state().position).toBe(1);

    other.store.getState().setSelection({ anchor: 0, focus: 2 });
    expect(state().selection).toBeNull();
    await other.store.getState().undo(); // example #4 has no edit yet
    expect(other.toasts.map((t) => t.title)).toEqual(['Nothing to undo']);
    expect(toasts).toEqual([]);
    expect(state().save.state).toBe('idle');
  });

  it('saves every edit under the annotator name the settings hold at that moment', async () => {
    const { store: mine, settings } = makeStore({ annotatorName: 'first' });
    await mine.getState().open(datasetId);
    await mine.getState().goTo(5); // 当前国有大中型企业改制中存在的问题。
    mine.getState().setSelection({ anchor: 2, focus: 4 });
    await mine.getState().labelSelection('ORG');
    settings.annotatorName = 'second';
    mine.getState().setSelection({ anchor: 6, focus: 8 });
    await mine.getState().labelSelection('ORG');
    const stored = await api.examples.get({ exampleId: mine.getState().current!.id });
    expect(stored.spans.map((s) => [s.start, s.author])).toEqual(
      expect.arrayContaining([
        [2, 'first'],
        [6, 'second'],
      ]),
    );
    // Each annotator sees their own version: 'second' does not see the span 'first' added.
    expect(mine.getState().current!.spans.map((s) => s.start)).toEqual([6]);
  });

  it('pre-annotates the open and the next example once a checkpoint is loaded, and not twice', async () => {
    const { store: mine, worker } = makeStore();
    await mine.getState().open(datasetId);
    await mine.getState().goTo(1);
    await mine.getState().pickCheckpoint(taggerRecord('dictionary'));
    await vi.waitFor(() => expect(mine.getState().model.state).toBe('ready'));
    await vi.waitFor(() => expect(mine.getState().save.state).toBe('saved'));
    expect(worker.runs).toHaveLength(1);
    expect(worker.runs[0].map((text) => text.slice(0, 4))).toEqual(['相比之下', '理由多多']);
    const suggested = (position: number) =>
      mine
        .getState()
        .examples.get(position)!
        .modelSpans.filter((s) => s.checkpointId === 'dictionary')
        .map((s) => [s.start, s.end, s.label]);
    expect(suggested(1)).toEqual([
      [5, 7, 'LOC'],
      [11, 13, 'LOC'],
    ]);
    expect(mine.getState().current!.modelSpans.length).toBeGreaterThanOrEqual(2);
    expect(suggested(2)).toEqual([[25, 27, 'PER']]);

    // Moving on runs only the example not seen yet (#4, the one after #3); coming back runs nothing.
    await mine.getState().goTo(2);
    await mine.getState().goTo(1);
    expect(worker.runs.slice(1).map((texts) => texts.map((text) => text.slice(0, 4)))).toEqual([
      ['分工，各'],
    ]);
    await mine.getState().preannotate([mine.getState().current!], true);
    expect(worker.runs).toHaveLength(3);
  });

  it('a checkpoint picked while another loads wins, so a late load never takes over', async () => {
    const { store: mine, worker } = makeStore();
    await mine.getState().open(datasetId);
    const release = worker.holdLoads();
    const loading = mine.getState().pickCheckpoint(taggerRecord('slow'));
    expect(mine.getState().model).toMatchObject({ state: 'loading', checkpointId: 'slow' });
    await mine.getState().pickCheckpoint(null);
    release();
    await loading;
    expect(mine.getState().model.state).toBe('none');
    expect(worker.runs).toHaveLength(0);
  });
});

describe('decisions are data', () => {
  // Sentence #9: 对贫困母亲，只要我们帮她们一点点，她们就能站起来，就能多接受一些教育，就能多一些尊严。
  const words = { 母亲: 'PER', 教育: 'ORG', 尊严: 'LOC' };
  const live = (s: StoreApi<AnnotateState>, author: string) => {
    const { current, model } = s.getState();
    const checkpointId = model.state === 'none' ? null : model.checkpointId;
    return (current?.modelSpans ?? []).filter(
      (m) => m.checkpointId === checkpointId && !m.decisions?.some((d) => d.author === author),
    );
  };

  it('rejected suggestions stay rejected after a reload and a model re-run; Accept all adds only pending ones', async () => {
    const first = makeStore({ annotatorName: 'rita' }, words);
    await first.store.getState().open(datasetId);
    await first.store.getState().goTo(8);
    await first.store.getState().pickCheckpoint(taggerRecord('dict'));
    await vi.waitFor(() => expect(live(first.store, 'rita')).toHaveLength(3));
    const [mother, education] = live(first.store, 'rita').filter((m) => m.label !== 'LOC');
    await first.store.getState().rejectModel([mother.id]);
    await first.store.getState().rejectModel([education.id]);
    expect(live(first.store, 'rita').map((m) => m.label)).toEqual(['LOC']);

    // "Reload": a new store, the same checkpoint picked again. #9 has this checkpoint's stored predictions
    // (predictedBy), so opening it does not run the model again; the rejections stay.
    const second = makeStore({ annotatorName: 'rita' }, words);
    await second.store.getState().open(datasetId);
    await second.store.getState().goTo(8);
    await second.store.getState().pickCheckpoint(taggerRecord('dict'));
    await vi.waitFor(() => expect(second.store.getState().model.state).toBe('ready'));
    await flush();
    expect(second.worker.runs).toHaveLength(0); // #9 and #10 were both predicted by the first store
    // A model run without the re-run flag (another window, another background run) keeps them rejected too.
    await second.store.getState().preannotate([{ ...second.store.getState().current!, predictedBy: null }]);
    expect(second.worker.runs).toHaveLength(1);
    expect(live(second.store, 'rita').map((m) => m.label)).toEqual(['LOC']);
    // "No model": nothing shown, and Enter takes nothing.
    await second.store.getState().pickCheckpoint(null);
    expect(live(second.store, 'rita')).toEqual([]);
    await second.store.getState().acceptModel();
    expect(second.store.getState().current!.spans.filter((s) => s.author === 'rita')).toEqual([]);
    // Back to the checkpoint: Accept all (Enter) adds the pending suggestion only.
    await second.store.getState().pickCheckpoint(taggerRecord('dict'));
    await second.store.getState().acceptAllAndNext();
    const stored = await api.examples.get({
      exampleId: mother.id > 0 ? first.store.getState().current!.id : 0,
    });
    expect(stored.spans.filter((s) => s.author === 'rita').map((s) => [s.label, s.origin])).toEqual([
      ['LOC', 'prediction'],
    ]);
    // Another annotator still has all three pending.
    expect(stored.modelSpans.filter((m) => !m.decisions?.some((d) => d.author === 'olga'))).toHaveLength(3);

    // "Run now" is an explicit re-run: the rejected suggestions come back for rita.
    await second.store.getState().goTo(8);
    await second.store.getState().preannotate([second.store.getState().current!], true);
    expect(
      live(second.store, 'rita')
        .map((m) => m.label)
        .sort(),
    ).toEqual(['ORG', 'PER']);
  });

  it("A's undo leaves B's edit: undo/redo act on the current annotator's own edits", async () => {
    const a = makeStore({ annotatorName: 'A' });
    const b = makeStore({ annotatorName: 'B' });
    const openAt9 = async (s: StoreApi<AnnotateState>) => {
      await s.getState().open(datasetId); // a fresh read of the example as stored now
      await s.getState().goTo(9); // 小小的纪念章托在手心，殷红得像一滴血、一蓬火。
    };
    await openAt9(a.store);
    a.store.getState().setSelection({ anchor: 3, focus: 6 });
    await a.store.getState().labelSelection('ORG'); // 纪念章
    await openAt9(b.store);
    b.store.getState().setSelection({ anchor: 8, focus: 10 });
    await b.store.getState().labelSelection('LOC'); // 手心
    expect(b.toasts).toEqual([]);
    await openAt9(a.store);
    expect(a.store.getState().current!.canUndo).toBe(true);
    await a.store.getState().undo();
    const stored = await api.examples.get({ exampleId: a.store.getState().current!.id });
    expect(stored.spans.map((s) => [s.start, s.end, s.author])).toEqual([[8, 10, 'B']]);
    expect(a.store.getState().current!.canUndo).toBe(false);
    expect(a.store.getState().current!.canRedo).toBe(true);
    await a.store.getState().undo();
    expect(a.toasts.map((t) => t.title)).toEqual(['Nothing to undo']);
    await openAt9(b.store);
    expect(b.store.getState().current!.canRedo).toBe(false);
    await b.store.getState().undo();
    expect((await api.examples.get({ exampleId: stored.id })).spans).toEqual([]);
    await openAt9(a.store);
    await a.store.getState().redo();
    expect(a.store.getState().current!.spans.map((s) => [s.start, s.author])).toEqual([[3, 'A']]);
    expect(b.toasts).toEqual([]);
  });
});
