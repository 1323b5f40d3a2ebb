/**
 * The Annotate store against the real main side: services on a temp data folder, the same
 * dispatch (zod validation → handler → envelope) both transports use, and the typed client. A
 * transport gate holds responses back to check that "Saved" waits for the acknowledgement.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dispatchRequest } from '../electron/ipc/dispatch';
import { createHandlers } from '../electron/ipc/handlers';
import { createServices, type Services } from '../electron/services/services';
import type { Transport } from '../shared/ipc';
import { createApi, type Api } from '../renderer/src/api/client';
import { useToasts } from '../renderer/src/state/toasts';
import { exampleCache, filterFor, useAnnotate } from '../renderer/src/views/annotate/store';

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

beforeEach(async () => {
  gate = null;
  failChannel = null;
  useToasts.setState({ toasts: [] });
  await useAnnotate.getState().open(api, datasetId);
  await useAnnotate.getState().goTo(api, 1);
});

const state = () => useAnnotate.getState();
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('Annotate store over the real dataset store', () => {
  it('opens a dataset: labels, counts and the first page, not the whole corpus', async () => {
    await state().open(api, datasetId);
    expect(state().total).toBe(12);
    expect(state().current?.index).toBe(0);
    expect(
      state()
        .labels.map((l) => l.name)
        .sort(),
    ).toEqual(['LOC', 'ORG', 'PER']);
    expect(state().stats?.total).toBe(12);
    expect(exampleCache.get(11)?.index).toBe(11);
    await state().step(api, 1);
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
    const labelling = state().labelSelection(api, 'LOC');
    await flush();
    expect(state().save.state).toBe('saving');
    expect(state().current?.spans).toHaveLength(2);
    release();
    await labelling;
    expect(state().save.state).toBe('saved');
    const added = state().current?.spans.find((s) => s.label === 'LOC');
    expect(added).toMatchObject({ start: 17, end: 21, source: 'annotator' });
    // The list row shows the edit too, and it is in the database for a fresh query.
    expect(exampleCache.get(1)?.spans).toHaveLength(3);
    const fresh = await api.examples.get({ exampleId: state().current!.id });
    expect(fresh.spans.map((s) => s.label)).toEqual(['ORG', 'ORG', 'LOC']);
  });

  it('a failed write says "Not saved", never "Saved"', async () => {
    failChannel = 'annotations.apply';
    state().setSelection({ anchor: 0, focus: 2 });
    await state().labelSelection(api, 'PER');
    expect(state().save).toMatchObject({
      state: 'error',
      message: expect.stringContaining('connection lost'),
    });
    expect(state().current?.spans.some((s) => s.start === 0)).toBe(false);
  });

  it('refuses an overlapping span before asking the main side, with a toast', async () => {
    const before = requests.length;
    state().setSelection({ anchor: 14, focus: 18 }); // 日队的雨: crosses 广州松日队
    await state().labelSelection(api, 'LOC');
    expect(requests.length).toBe(before);
    const toast = useToasts.getState().toasts.at(-1);
    expect(toast?.title).toBe('Span refused');
    expect(toast?.detail).toContain('广州松日队');
  });

  it('relabel, remove by Delete target, undo and redo through the stored history', async () => {
    const org = state().current!.spans[0];
    await state().relabelSpan(api, org.id, 'LOC');
    expect(state().current!.spans[0].label).toBe('LOC');
    state().setSelection({ anchor: 6, focus: 6 }); // caret inside the first span
    await state().removeSpan(api);
    expect(state().current!.spans.map((s) => s.start)).not.toContain(5);
    await state().undo(api);
    expect(state().current!.spans[0]).toMatchObject({ start: 5, label: 'LOC' });
    await state().undo(api);
    expect(state().current!.spans[0]).toMatchObject({ start: 5, label: 'ORG' });
    await state().redo(api);
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
    await state().goTo(api, 1);
    expect(state().current!.modelSpans).toHaveLength(view.modelSpans.length);
    await state().acceptAllAndNext(api);
    expect(state().position).toBe(2);
    const after = await api.examples.get({ exampleId: current.id });
    expect(after.status).toBe('done');
    expect(after.spans.map((s) => [s.start, s.end, s.label, s.source])).toContainEqual([
      0,
      2,
      'PER',
      'annotator',
    ]);
    expect(after.modelSpans.map((s) => [s.start, s.label])).toEqual([[9, 'LOC']]);
    await flush();
  });

  it('filters and orders with the store’s query', async () => {
    await state().setQuery(api, { quick: 'all', search: '胡', searchIn: 'text' });
    expect(state().total).toBeGreaterThan(0);
    for (let i = 0; i < state().total; i++) expect(exampleCache.get(i)?.text).toContain('胡');
    await state().setQuery(api, { search: '', quick: 'all' });
    expect(state().total).toBe(12);
    expect(
      filterFor({ quick: 'low-confidence', search: ' 北京 ', searchIn: 'entity', order: 'index' }),
    ).toEqual({
      lowConfidenceBelow: 0.6,
      entityText: '北京',
    });
  });
});
