/**
 * The Annotate store's background pre-annotation and queue (issue 12) against the real main side (services on
 * a temp folder, the IPC dispatch both transports use, the typed client), with a scripted stand-in for the
 * inference worker: per-text entities and token uncertainty, runs that can be held and cancelled, loads that
 * can be held or fail, and a log of every call.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { taggerRecord } from './fakeTagger';
import { dispatchRequest } from '../electron/ipc/dispatch';
import { createHandlers } from '../electron/ipc/handlers';
import { createServices, type Services } from '../electron/services/services';
import { defaultSettings, type ExampleView, type Transport } from '../shared/ipc';
import { createApi, type Api } from '../renderer/src/api/client';
import type { InferenceClient } from '../renderer/src/inference/ui/client';
import type { ViewStoreDeps } from '../renderer/src/state/viewStore';
import { createAnnotateStore } from '../renderer/src/views/annotate/store';
import { chunkSize } from '../renderer/src/views/annotate/state/preannotate';

let dir: string;
let services: Services;
let api: Api;
let datasetId: string;
const count = 45;
const texts = readFileSync('resources/datasets/peoples-daily-sample.jsonl', 'utf8')
  .split('\n')
  .filter(Boolean)
  .slice(0, count)
  .map((line) => (JSON.parse(line) as { text: string }).text);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-preannotate-store-'));
  services = await createServices({ dataDir: join(dir, 'data'), resourcesDir: null, host: 'serve' });
  const handlers = createHandlers(services);
  const transport: Transport = {
    request: (channel, payload) => dispatchRequest(handlers, channel, payload),
    subscribe: () => () => {},
    checkpointFileUrl: () => '',
    trainingRunFilesUrl: () => '',
  };
  api = createApi(transport);
  const file = join(dir, 'sample.jsonl');
  writeFileSync(file, texts.map((text) => JSON.stringify({ text, spans: [] })).join('\n') + '\n');
  datasetId = (await api.datasets.import({ path: file, name: 'sample' })).dataset.id;
  await api.labels.update({ datasetId, labels: [{ name: 'LOC' }, { name: 'PER' }, { name: 'ORG' }] });
});
afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 400)); // the debounced stats refresh
  services?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The scripted uncertainty of a text: distinct per sentence, so the queue order is checkable. */
const uncertaintyOf = (text: string) => (Array.from(text).length % 97) / 100;

/** A worker stand-in: tags 北京/中国 as LOC (score 0.8), reports uncertaintyOf, logs every call. */
function scriptedWorker() {
  const calls: { method: string; payload: Record<string, unknown> }[] = [];
  const runs: { texts: string[]; jobId?: string }[] = [];
  const loadGates = new Map<string, { promise: Promise<void>; open(): void; fail(error: Error): void }>();
  let runGate: { promise: Promise<void>; open(): void } | null = null;
  /** The run (0-based) that waits for a cancel; null: none. */
  let heldRun: number | null = null;
  const cancelled = new Set<string>();
  const call = async (method: string, payload: Record<string, unknown>) => {
    calls.push({ method, payload });
    switch (method) {
      case 'load': {
        await loadGates.get(payload.id as string)?.promise;
        return {};
      }
      case 'release':
        return { released: null, evicted: [], memory: {} };
      case 'cancel':
        cancelled.add(payload.jobId as string);
        runGate?.open();
        return { cancelled: true };
      case 'runPipeline': {
        const { request, jobId } = payload as { request: { texts: string[] }; jobId?: string };
        runs.push({ texts: request.texts, jobId });
        if (runGate && (heldRun === null || heldRun === runs.length - 1)) await runGate.promise;
        if (jobId && cancelled.has(jobId)) throw new Error('Cancelled.');
        const entities = request.texts.map((text) => {
          const chars = Array.from(text);
          const found = [];
          for (let i = 0; i + 1 < chars.length; i++) {
            const word = chars[i] + chars[i + 1];
            if (word === '北京' || word === '中国')
              found.push({
                type: 'LOC',
                score: 0.8,
                text: word,
                start: i,
                end: i + 2,
                startUtf16: 0,
                endUtf16: 0,
              });
          }
          return found;
        });
        return {
          result: { task: 'token-classification', entities, uncertainty: request.texts.map(uncertaintyOf) },
          ms: 0,
          backend: 'test',
        };
      }
    }
    throw new Error(`The scripted worker has no method ${method}`);
  };
  const client: InferenceClient = {
    call: call as unknown as InferenceClient['call'],
    onBackend: () => () => {},
    onCrash: () => () => {},
    terminate: () => {},
  };
  return {
    client,
    calls,
    runs,
    /** Hold the load of `id` until open() (or fail it). */
    holdLoad(id: string) {
      let open!: () => void;
      let fail!: (error: Error) => void;
      const promise = new Promise<void>((resolve, reject) => ((open = resolve), (fail = reject)));
      loadGates.set(id, { promise, open, fail });
      return { open, fail };
    },
    /** Hold run number `index` (0-based) until a cancel lets it go. */
    holdRunAt(index: number) {
      heldRun = index;
      let open!: () => void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      runGate = { promise, open };
    },
    /** Hold every run until a cancel (or the returned function) lets it go. */
    holdRuns() {
      heldRun = null;
      let open!: () => void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      runGate = { promise, open };
      return () => {
        runGate = null;
        open();
      };
    },
  };
}

function makeStore() {
  const worker = scriptedWorker();
  const toasts: unknown[] = [];
  const deps: ViewStoreDeps = {
    api,
    inference: worker.client,
    settings: () => ({ ...defaultSettings, annotatorName: 'tester' }),
    toast: (toast) => toasts.push(toast),
  };
  return { store: createAnnotateStore(deps), worker, toasts };
}

async function allExamples(): Promise<ExampleView[]> {
  return (await api.examples.list({ datasetId, limit: 500 })).items;
}

/** Reset the stored predictions and statuses between tests: a fresh copy of the dataset. */
beforeEach(async () => {
  const old = datasetId;
  const file = join(dir, 'sample.jsonl');
  datasetId = (await api.datasets.import({ path: file, name: `sample ${Date.now()}` })).dataset.id;
  await api.labels.update({ datasetId, labels: [{ name: 'LOC' }, { name: 'PER' }, { name: 'ORG' }] });
  await api.datasets.remove({ id: old }).catch(() => undefined);
});

describe('pre-annotate dataset (background, resumable)', () => {
  it('predicts every example not done in worker chunks, stores scores and uncertainty, and skips them next time', async () => {
    const { store, worker } = makeStore();
    const first = (await allExamples())[3];
    await api.examples.setStatus({ exampleId: first.id, status: 'done', author: 'tester' });
    await store.getState().open(datasetId);
    store.getState().setAutoPreannotate(false);
    await store.getState().pickCheckpoint(taggerRecord('ckpt-a'));
    expect(worker.calls.find((c) => c.method === 'load')?.payload).toMatchObject({ holder: 'annotate' });

    await store.getState().preannotateDataset();
    const run = store.getState().preannotation;
    expect(run).toMatchObject({ phase: 'done', checkpointId: 'ckpt-a', datasetId, done: count - 1 });
    expect(run.total).toBe(count - 1);
    expect(run.skipped).toBe(0);
    expect(run.rate).toBeGreaterThan(0);
    // The worker got chunks of at most chunkSize texts, each with a job id (what cancel stops).
    expect(worker.runs.map((r) => r.texts.length)).toEqual([chunkSize, count - 1 - chunkSize]);
    for (const r of worker.runs) expect(r.jobId).toMatch(/^preannotate-/);

    const stored = await allExamples();
    for (const example of stored) {
      if (example.id === first.id) {
        expect(example.predictedBy).toBeNull(); // done: left alone
        continue;
      }
      expect(example.predictedBy).toBe('ckpt-a');
      expect(example.uncertainty).toBeCloseTo(uncertaintyOf(example.text), 10);
      const expected = [...example.text.matchAll(/北京|中国/g)].length;
      expect(example.modelSpans.filter((s) => s.checkpointId === 'ckpt-a' && s.score === 0.8)).toHaveLength(
        expected,
      );
    }

    // A second run finds nothing to do: the stored predictions are the resume state.
    await store.getState().preannotateDataset();
    expect(store.getState().preannotation).toMatchObject({
      phase: 'done',
      done: 0,
      total: 0,
      skipped: count - 1,
    });
    expect(worker.runs).toHaveLength(2);
  });

  it('cancel stops between chunks; a new store (a reload) resumes with what is left', async () => {
    const { store, worker } = makeStore();
    await store.getState().open(datasetId);
    store.getState().setAutoPreannotate(false);
    await store.getState().pickCheckpoint(taggerRecord('ckpt-a'));
    worker.holdRunAt(1); // the first chunk goes through, the second waits in the "worker" until cancelled
    const running = store.getState().preannotateDataset();
    await vi.waitFor(() => expect(worker.runs).toHaveLength(2));
    await vi.waitFor(() => expect(store.getState().preannotation.done).toBe(chunkSize));
    expect(store.getState().preannotation.phase).toBe('running');
    await store.getState().cancelPreannotation();
    await running;
    expect(store.getState().preannotation).toMatchObject({
      phase: 'cancelled',
      done: chunkSize,
      total: count,
    });
    expect(worker.calls.filter((c) => c.method === 'cancel').map((c) => c.payload.jobId)).toEqual([
      worker.runs[1].jobId,
    ]);
    const predicted = (await allExamples()).filter((e) => e.predictedBy === 'ckpt-a');
    expect(predicted).toHaveLength(chunkSize);

    const reloaded = makeStore();
    await reloaded.store.getState().open(datasetId);
    reloaded.store.getState().setAutoPreannotate(false);
    await reloaded.store.getState().pickCheckpoint(taggerRecord('ckpt-a'));
    await reloaded.store.getState().preannotateDataset();
    expect(reloaded.store.getState().preannotation).toMatchObject({
      phase: 'done',
      done: count - chunkSize,
      total: count - chunkSize,
      skipped: chunkSize,
    });
    // Only the examples the cancelled run had not stored went to the worker.
    const predictedIds = new Set(predicted.map((e) => e.text));
    const resumed = reloaded.worker.runs.flatMap((r) => r.texts);
    expect(resumed).toHaveLength(count - chunkSize);
    for (const text of resumed) expect(predictedIds.has(text)).toBe(false);

    // Another checkpoint has its own resume state: everything is to do for it.
    await reloaded.store.getState().pickCheckpoint(taggerRecord('ckpt-b'));
    await reloaded.store.getState().preannotateDataset();
    expect(reloaded.store.getState().preannotation).toMatchObject({ checkpointId: 'ckpt-b', total: count });
  });

  it('stops when another checkpoint is picked mid-run, and refuses to start with no model', async () => {
    const { store, worker, toasts } = makeStore();
    await store.getState().open(datasetId);
    store.getState().setAutoPreannotate(false);
    await store.getState().preannotateDataset();
    expect(toasts).toMatchObject([{ title: 'No model is ready' }]);
    await store.getState().pickCheckpoint(taggerRecord('ckpt-a'));
    const release = worker.holdRuns();
    const running = store.getState().preannotateDataset();
    await vi.waitFor(() => expect(worker.runs).toHaveLength(1));
    await store.getState().pickCheckpoint(taggerRecord('ckpt-b'));
    release();
    await running;
    expect(store.getState().preannotation).toMatchObject({ phase: 'cancelled', checkpointId: 'ckpt-a' });
    expect(worker.runs).toHaveLength(1);
  });
});

describe('the queue: "Most uncertain first"', () => {
  it('lists undone examples by stored uncertainty, the unpredicted after in file order, done ones not at all', async () => {
    const { store } = makeStore();
    const examples = await allExamples();
    await store.getState().open(datasetId);
    store.getState().setAutoPreannotate(false);
    await store.getState().pickCheckpoint(taggerRecord('ckpt-a'));
    // Predict the first 30 only (as a cancelled run would), and mark the most uncertain of them done.
    for (const example of examples.slice(0, 30))
      await api.annotations.saveModelPredictions({
        exampleId: example.id,
        checkpointId: 'ckpt-a',
        spans: [],
        uncertainty: uncertaintyOf(example.text),
      });
    const byUncertainty = examples
      .slice(0, 30)
      .sort((a, b) => uncertaintyOf(b.text) - uncertaintyOf(a.text) || a.index - b.index);
    await api.examples.setStatus({ exampleId: byUncertainty[0].id, status: 'done', author: 'tester' });

    await store.getState().setQuery({ order: 'uncertainty' });
    const state = store.getState();
    expect(state.total).toBe(count - 1);
    const listed = Array.from({ length: state.total }, (_, i) => state.examples.get(i)!.index);
    expect(listed).toEqual([
      ...byUncertainty.slice(1).map((e) => e.index),
      ...examples.slice(30).map((e) => e.index),
    ]);
    // The queue opens on its head: the most uncertain example not done.
    expect(state.current?.index).toBe(byUncertainty[1].index);
  });

  it('after a background run in queue order, the list is fetched again and the open example stays open', async () => {
    const { store } = makeStore();
    await store.getState().open(datasetId);
    store.getState().setAutoPreannotate(false);
    await store.getState().setQuery({ order: 'uncertainty' });
    const opened = store.getState().current!;
    expect(opened.index).toBe(0); // nothing predicted yet: file order
    await store.getState().pickCheckpoint(taggerRecord('ckpt-a'));
    await store.getState().preannotateDataset();
    const state = store.getState();
    expect(state.current?.id).toBe(opened.id);
    expect(state.examples.get(state.position)?.id).toBe(opened.id);
    const first = state.examples.get(0)!;
    const max = Math.max(...texts.map(uncertaintyOf));
    expect(first.uncertainty).toBeCloseTo(max, 10);
  });
});

describe('checkpoint picks: the latest wins', () => {
  it('a superseded pick never marks its checkpoint ready nor shows its failure', async () => {
    const { store, worker } = makeStore();
    await store.getState().open(datasetId);
    store.getState().setAutoPreannotate(false);
    const slow = worker.holdLoad('slow');
    const failing = worker.holdLoad('failing');
    const first = store.getState().pickCheckpoint(taggerRecord('slow'));
    const second = store.getState().pickCheckpoint(taggerRecord('failing'));
    await store.getState().pickCheckpoint(taggerRecord('fast'));
    expect(store.getState().model).toMatchObject({ state: 'ready', checkpointId: 'fast' });
    slow.open();
    failing.fail(new Error('out of memory'));
    await Promise.all([first, second]);
    expect(store.getState().model).toMatchObject({ state: 'ready', checkpointId: 'fast' });
    // Every load was asked for under the view's holder (the worker moves that one reference to the latest).
    expect(
      worker.calls.filter((c) => c.method === 'load').map((c) => [c.payload.id, c.payload.holder]),
    ).toEqual([
      ['slow', 'annotate'],
      ['failing', 'annotate'],
      ['fast', 'annotate'],
    ]);
    // "No model" releases the view's reference.
    await store.getState().pickCheckpoint(null);
    expect(worker.calls.at(-1)).toMatchObject({ method: 'release', payload: { holder: 'annotate' } });
    expect(store.getState().model.state).toBe('none');
  });

  it('the latest pick that fails shows its error', async () => {
    const { store, worker } = makeStore();
    await store.getState().open(datasetId);
    worker.holdLoad('broken').fail(new Error('config.json is not valid JSON'));
    await store.getState().pickCheckpoint(taggerRecord('broken'));
    expect(store.getState().model).toMatchObject({
      state: 'error',
      checkpointId: 'broken',
      message: 'config.json is not valid JSON',
    });
  });

  it('opening an example this checkpoint already predicted (stored, e.g. before a reload) runs nothing', async () => {
    const examples = await allExamples();
    await api.annotations.saveModelPredictions({
      exampleId: examples[0].id,
      checkpointId: 'ckpt-a',
      spans: [],
    });
    await api.annotations.saveModelPredictions({
      exampleId: examples[1].id,
      checkpointId: 'ckpt-a',
      spans: [],
    });
    const { store, worker } = makeStore();
    await store.getState().open(datasetId);
    await store.getState().pickCheckpoint(taggerRecord('ckpt-a'));
    await vi.waitFor(() => expect(store.getState().model.state).toBe('ready'));
    expect(worker.runs).toHaveLength(0);
    await store.getState().goTo(1); // #2 is stored, #3 is not
    await vi.waitFor(() => expect(worker.runs).toHaveLength(1));
    expect(worker.runs[0].texts).toEqual([examples[2].text]);
  });
});
