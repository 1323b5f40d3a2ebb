/**
 * Issue 12's Annotate store changes against the real main side (services with the app's builtin resources,
 * the dispatch both transports use, the typed client), with a dictionary tagger standing in for the
 * inference worker: the read-only gold set (no edit sent, no suggestions, "Annotate a copy"), the place
 * remembered across stores (a reload), and the label mapping step before any suggestion.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dictionaryTagger, taggerRecord } from './fakeTagger';
import { dispatchRequest } from '../electron/ipc/dispatch';
import { createHandlers } from '../electron/ipc/handlers';
import { createServices, type Services } from '../electron/services/services';
import { defaultSettings, type Transport } from '../shared/ipc';
import { createApi, type Api } from '../renderer/src/api/client';
import type { Toast } from '../renderer/src/state/toasts';
import { defaultAnnotateDataset } from '../renderer/src/views/annotate/state/session';
import { createAnnotateStore } from '../renderer/src/views/annotate/store';

const gold = 'builtin-peoples-daily-heldout.txt';
const sample = 'builtin-peoples-daily-sample.jsonl';

let dir: string;
let services: Services;
let api: Api;
let cluenerId: string;
const requests: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-annotate-gold-'));
  services = await createServices({
    dataDir: join(dir, 'data'),
    resourcesDir: resolve('resources'),
    host: 'serve',
  });
  const handlers = createHandlers(services);
  const transport: Transport = {
    async request(channel, payload) {
      requests.push(channel);
      return dispatchRequest(handlers, channel, payload);
    },
    subscribe: () => () => {},
    checkpointFileUrl: () => '',
    trainingRunFilesUrl: () => '',
  };
  api = createApi(transport);
  // The first 10 CLUENER dev sentences: labels name/address/organization/…, not PER/LOC/ORG.
  const file = join(dir, 'cluener10.json');
  const lines = readFileSync('fixtures/datasets/cluener2020/dev.json', 'utf8').split('\n').slice(0, 10);
  writeFileSync(file, `${lines.join('\n')}\n`);
  cluenerId = (await api.datasets.import({ path: file, name: 'CLUENER 10' })).dataset.id;
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 400)); // the debounced stats refresh
  services?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A PER/LOC/ORG tagger, like the demo model. */
const tagger = (id: string) => taggerRecord(id, ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG']);

function makeStore(words: Record<string, string> = {}) {
  const toasts: Omit<Toast, 'id' | 'count'>[] = [];
  const worker = dictionaryTagger(words);
  const store = createAnnotateStore({
    api,
    inference: worker.client,
    settings: () => ({ ...defaultSettings, annotatorName: 'tester' }),
    toast: (toast) => toasts.push(toast),
  });
  return { store, toasts, worker };
}

/** The main side's answer once the store's fire-and-forget saves landed. */
const savedSession = () => api.annotateSession.get();

describe('the read-only gold set in Annotate', () => {
  it('sends no edit and runs no model on it; "Annotate a copy" opens an editable copy', async () => {
    const { store, toasts, worker } = makeStore({ 中国: 'LOC' });
    const state = () => store.getState();
    await state().open(gold);
    expect(state().dataset?.readOnly).toBe(true);
    const spansBefore = state().current!.spans.length;
    requests.length = 0;
    state().setSelection({ anchor: 0, focus: 2 });
    await state().labelSelection('PER');
    await state().markDone();
    expect(requests.filter((c) => c.startsWith('annotations.') || c === 'examples.setStatus')).toEqual([]);
    expect(toasts.at(-1)?.title).toMatch(/is read-only/);
    expect(state().current!.spans).toHaveLength(spansBefore);
    await state().pickCheckpoint(tagger('demo-like'));
    await vi.waitFor(() => expect(state().model.state).toBe('ready'));
    await state().preannotate([state().current!], true);
    expect(worker.runs).toEqual([]);

    const copyId = await state().annotateCopy();
    expect(copyId).toBeTruthy();
    await state().open(copyId!);
    expect(state().dataset).toMatchObject({ readOnly: false, exampleCount: 348 });
    await state().goTo(0);
    state().setSelection({ anchor: 0, focus: 2 });
    await state().labelSelection('PER');
    await vi.waitFor(() => expect(state().save.state).toBe('saved'));
    expect(services.datasetStore.nerRecords(copyId!)[0].spans.length).toBe(
      services.datasetStore.nerRecords(gold)[0].spans.length + 1,
    );
    await state().pickCheckpoint(null);
  });

  it('opens a corpus that is not read-only gold when nothing is remembered', () => {
    const corpora = services.datasetStore.list().filter((d) => d.task === 'ner');
    expect(corpora[0].id).toBe(gold); // the list order puts the gold set first…
    expect(defaultAnnotateDataset(corpora, null)).toBe(sample); // …Annotate does not open it
    expect(defaultAnnotateDataset(corpora, { datasetId: cluenerId })).toBe(cluenerId);
    expect(defaultAnnotateDataset(corpora, { datasetId: 'removed' })).toBe(sample);
    expect(
      defaultAnnotateDataset(
        corpora.filter((d) => d.readOnly),
        null,
      ),
    ).toBe(gold);
  });
});

describe('Annotate remembers its place', () => {
  it('a new store (a reload) reopens the dataset at the same example with the same checkpoint', async () => {
    // A checkpoint of the library (a remembered id that is no longer there is forgotten).
    const demoId = services.checkpoints.list()[0].id;
    const demo = { ...tagger('demo'), id: demoId };
    const first = makeStore({ 中国: 'LOC' });
    await first.store.getState().open(sample);
    await first.store.getState().goTo(5);
    await first.store.getState().pickCheckpoint(demo);
    await vi.waitFor(async () =>
      expect(await savedSession()).toMatchObject({
        datasetId: sample,
        checkpointId: demoId,
        positions: { [sample]: 5 },
      }),
    );

    const reloaded = makeStore({ 中国: 'LOC' });
    const state = () => reloaded.store.getState();
    const session = await state().loadSession();
    const corpora = services.datasetStore.list().filter((d) => d.task === 'ner');
    expect(defaultAnnotateDataset(corpora, session)).toBe(sample);
    await state().open(sample);
    expect(state().current?.index).toBe(5);
    await state().restoreCheckpoint([tagger('other'), demo]);
    await vi.waitFor(() => expect(state().model).toEqual({ state: 'ready', checkpointId: demoId }));
    // A filtered list starts at its top: the remembered index is a file-order position.
    await state().setQuery({ quick: 'unannotated' });
    await state().open(sample);
    expect(state().position).toBe(0);
    await state().setQuery({ quick: 'all' });
    // "No model" is remembered too.
    await state().pickCheckpoint(null);
    await vi.waitFor(async () => expect((await savedSession()).checkpointId).toBeNull());
  });
});

describe('label mapping before suggestions', () => {
  const words = { 彭小军: 'PER', 台湾: 'LOC', 曼联: 'ORG' };

  it('shows the step, stores nothing until it is confirmed, then stores mapped suggestions', async () => {
    const { store, worker } = makeStore(words);
    const state = () => store.getState();
    await state().open(cluenerId);
    await state().goTo(0);
    requests.length = 0;
    await state().pickCheckpoint(tagger('demo-like'));
    await vi.waitFor(() => expect(state().labelMapping.state).toBe('needed'));
    const step = state().labelMapping;
    if (step.state !== 'needed') throw new Error('no step');
    expect(step.modelTypes).toEqual(['PER', 'LOC', 'ORG']);
    expect(step.draft).toEqual({ PER: null, LOC: null, ORG: null }); // no CLUENER label has those names
    await state().preannotate([state().current!], true);
    expect(worker.runs).toEqual([]);
    expect(requests).not.toContain('annotations.saveModelPredictions');

    state().setMappingTarget('PER', 'name');
    state().setMappingTarget('LOC', 'address');
    await state().confirmLabelMapping();
    expect(state().labelMapping).toMatchObject({
      state: 'ready',
      mapping: { PER: 'name', LOC: 'address', ORG: null },
    });
    await vi.waitFor(() => expect(state().save.state).toBe('saved'));
    expect(worker.runs).toHaveLength(1);
    const suggestions = (index: number) =>
      services.datasetStore
        .getExample(state().examples.get(index)!.id)
        .modelSpans.map((s) => [s.start, s.end, s.label]);
    // #1: 彭小军 (name) … 台湾 (address); #2: 曼联 was ORG, ignored, so nothing is stored for it.
    expect(suggestions(0)).toEqual([
      [0, 3, 'name'],
      [15, 17, 'address'],
    ]);
    expect(suggestions(1)).toEqual([]);
  });

  it('is asked once per (checkpoint, dataset): a new store uses the stored mapping; a matching dataset needs none', async () => {
    const { store, worker } = makeStore(words);
    const state = () => store.getState();
    await state().open(cluenerId);
    await state().pickCheckpoint(tagger('demo-like'));
    await vi.waitFor(() => expect(state().labelMapping.state).toBe('ready'));
    expect(state().labelMapping).toMatchObject({ mapping: { PER: 'name', LOC: 'address', ORG: null } });
    // The examples this checkpoint predicted before the "reload" keep their stored, mapped suggestions: no re-run.
    expect(state().examples.get(0)!.predictedBy).toBe(tagger('demo-like').id);
    expect(worker.runs).toEqual([]);

    // Editing reopens the step with the stored choice; the same checkpoint on People's Daily needs no step.
    state().editLabelMapping();
    expect(state().labelMapping).toMatchObject({
      state: 'needed',
      draft: { PER: 'name', LOC: 'address', ORG: null },
    });
    await state().open(sample);
    await vi.waitFor(() => expect(state().labelMapping).toMatchObject({ state: 'ready', mapping: null }));
    await state().pickCheckpoint(null);
    expect(state().labelMapping.state).toBe('none');
  });
});
