/**
 * The Annotate store's model update (state/update.ts) against the real main side (services on a temp
 * folder, the IPC dispatch, the typed client) with a scripted stand-in for the inference worker, for what
 * a real training run makes slow or hard to provoke: refusals, a failing run, a cancel while the parent is
 * scored, a second update while one runs. One real cycle is integration/modelUpdate.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dispatchRequest } from '../electron/ipc/dispatch';
import { createHandlers } from '../electron/ipc/handlers';
import { createServices, type Services } from '../electron/services/services';
import { defaultSettings, type CheckpointRecord, type Transport } from '../shared/ipc';
import { createApi, type Api } from '../renderer/src/api/client';
import type { InferenceClient } from '../renderer/src/inference/ui/client';
import type { Toast } from '../renderer/src/state/toasts';
import { createAnnotateStore } from '../renderer/src/views/annotate/store';

const fixture = 'fixtures/nezha-tiny/token-classification';
let dir: string;
let services: Services;
let api: Api;
let datasetId: string;
let tagger: CheckpointRecord;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-update-store-'));
  services = await createServices({ dataDir: join(dir, 'data'), resourcesDir: null, host: 'serve' });
  const handlers = createHandlers(services);
  const transport: Transport = {
    request: (channel, payload) => dispatchRequest(handlers, channel, payload),
    subscribe: () => () => {},
    checkpointFileUrl: () => '',
    trainingRunFilesUrl: () => '',
  };
  api = createApi(transport);
  tagger = await api.checkpoints.import({ path: join(process.cwd(), fixture), name: 'tiny NER' });
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
  await new Promise((resolve) => setTimeout(resolve, 400)); // the debounced stats refresh
  services?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Script = {
  /** What trainStart does: throw, or wait for trainStop and answer cancelled. */
  train?: 'fail' | 'wait-for-stop';
  /** Hold runPipeline back until released (a slow scoring run). */
  holdScoring?: boolean;
};

function scriptedWorker(script: Script) {
  const calls: string[] = [];
  let stopped: (() => void) | null = null;
  let releaseScoring: (() => void) | null = null;
  const call = async (method: string, payload: unknown) => {
    calls.push(method);
    switch (method) {
      case 'load':
        return {};
      case 'runPipeline': {
        const { request, jobId } = payload as { request: { texts: string[] }; jobId?: string };
        if (jobId && script.holdScoring)
          await new Promise<void>((resolve) => {
            releaseScoring = resolve;
          });
        return {
          result: { task: 'token-classification', entities: request.texts.map(() => []) },
          ms: 0,
          backend: 'test',
        };
      }
      case 'cancel':
        releaseScoring?.();
        return { cancelled: true };
      case 'trainStart':
        if (script.train === 'fail')
          throw new Error(
            'Training ran out of the WASM backend’s 4 GiB memory (batch 8 × up to 128 tokens).',
          );
        await new Promise<void>((resolve) => (stopped = resolve));
        return {
          status: 'cancelled',
          steps: 1,
          totalSteps: 9,
          seconds: 0.1,
          bestMetric: null,
          bestStep: null,
          finalDev: null,
          precision: 'fp32 used',
          backend: 'test',
          lossHistory: [{ step: 1, loss: 2, learningRate: 1e-3 }],
          devHistory: [],
          savedStep: null,
          outputFiles: null,
        };
      case 'trainStop':
        stopped?.();
        return { stopped: true };
    }
    throw new Error(`The scripted worker has no method ${method}`);
  };
  const client: InferenceClient = {
    call: call as InferenceClient['call'],
    onBackend: () => () => {},
    onCrash: () => () => {},
    terminate: () => {},
  };
  return { client, calls };
}

async function makeStore(script: Script = {}) {
  const toasts: Omit<Toast, 'id' | 'count'>[] = [];
  const worker = scriptedWorker(script);
  const settings = { ...defaultSettings, annotatorName: 'tester' };
  const store = createAnnotateStore({
    api,
    inference: worker.client,
    settings: () => settings,
    toast: (toast) => toasts.push(toast),
  });
  await store.getState().open(datasetId);
  return { store, toasts, worker, state: () => store.getState() };
}

const markDone = async (count: number) => {
  const page = await api.examples.list({ datasetId, offset: 0, limit: 12 });
  for (const [i, example] of page.items.entries())
    await api.examples.setStatus({
      exampleId: example.id,
      status: i < count ? 'done' : 'unannotated',
      author: 'tester',
    });
};

it('needs a model and two done examples; says so and starts nothing', async () => {
  await markDone(1);
  const { state, toasts, worker } = await makeStore();
  await state().updateModel();
  expect(toasts.at(-1)).toMatchObject({ title: 'No model to update' });
  expect(state().update.phase).toBe('idle');

  await state().pickCheckpoint(tagger);
  await state().updateModel();
  expect(state().update.phase).toBe('failed');
  expect(state().update.message).toMatch(/at least 2 done examples .* 1 is done/);
  expect(worker.calls).not.toContain('trainStart');
  expect(await api.trainingRuns.list()).toEqual([]);
});

it('a failing run is recorded as failed: nothing published, suggestions unchanged', async () => {
  await markDone(6);
  const { state, worker } = await makeStore({ train: 'fail' });
  await state().pickCheckpoint(tagger);
  const before = (await api.checkpoints.list()).length;
  await state().updateModel();
  const update = state().update;
  expect(update.phase).toBe('failed');
  expect(update.message).toMatch(/4 GiB memory/);
  expect(update.trainExamples + update.heldOutExamples).toBe(6);
  // The parent was scored before training (an empty tagger: F1 0 against the gold spans).
  expect(update.parentScore).toMatchObject({ f1: 0, examples: update.heldOutExamples });
  expect(worker.calls.filter((c) => c === 'trainStart')).toHaveLength(1);
  const run = await api.trainingRuns.get({ runId: update.runId! });
  expect(run).toMatchObject({ status: 'failed', checkpointId: tagger.id, resultCheckpointId: null });
  expect(run.error).toMatch(/4 GiB memory/);
  expect(run.modelUpdate).toMatchObject({
    version: 1,
    baseCheckpointId: tagger.id,
    parentCheckpointId: tagger.id,
    trainExamples: update.trainExamples,
    heldOutExamples: update.heldOutExamples,
    author: 'tester',
    score: null,
  });
  expect(run.name).toBe(`tiny NER · v1 (pd12, ${update.trainExamples} done)`);
  expect(await api.checkpoints.list()).toHaveLength(before);
  expect(state().model).toMatchObject({ checkpointId: tagger.id });
  // A failed run is no version: the curve stays empty.
  await state().loadCurve();
  expect(state().curve).toEqual({ checkpointId: tagger.id, version: 0, points: [] });
});

it('cancel while training: the run is cancelled, a second update meanwhile is refused', async () => {
  await markDone(6);
  const { state, toasts, worker } = await makeStore({ train: 'wait-for-stop' });
  await state().pickCheckpoint(tagger);
  const running = state().updateModel();
  await expect.poll(() => state().update.phase).toBe('training');
  await state().updateModel();
  expect(toasts.at(-1)).toMatchObject({ title: 'An update is already running' });
  await state().cancelUpdate();
  await running;
  expect(state().update.phase).toBe('cancelled');
  expect(worker.calls).toContain('trainStop');
  const run = await api.trainingRuns.get({ runId: state().update.runId! });
  expect(run).toMatchObject({ status: 'cancelled', step: 1, resultCheckpointId: null });
  expect(worker.calls.filter((c) => c === 'trainStart')).toHaveLength(1);
});

it('cancel while the parent is scored: the scoring job is cancelled and no run is trained', async () => {
  await markDone(6);
  const { state, worker } = await makeStore({ holdScoring: true });
  await state().pickCheckpoint(tagger);
  const runs = (await api.trainingRuns.list()).length;
  const running = state().updateModel();
  await expect.poll(() => state().update.phase).toBe('scoring-parent');
  await expect.poll(() => worker.calls.includes('runPipeline')).toBe(true);
  await state().cancelUpdate();
  await running;
  expect(state().update.phase).toBe('cancelled');
  expect(state().update.message).toMatch(/nothing was added/);
  expect(worker.calls).toContain('cancel');
  expect(worker.calls).not.toContain('trainStart');
  expect(await api.trainingRuns.list()).toHaveLength(runs);
});

it('keeps the options the person set', async () => {
  const { state } = await makeStore();
  state().setUpdateOptions({ maxSteps: 5, learningRate: 3e-4 });
  expect(state().updateOptions).toMatchObject({ maxSteps: 5, learningRate: 3e-4, epochs: 3 });
});
