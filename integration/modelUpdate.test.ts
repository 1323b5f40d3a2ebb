/**
 * One "Update the model from my annotations" cycle end to end in Node (issue 12): the real serve host with
 * the built-in sample ("Sample: People's Daily news to annotate") and the demo NER checkpoint, the Annotate
 * store as main.tsx makes it, and the inference worker's own model and training handlers (over a
 * MessageChannel, on tfjs WASM) fetching checkpoint bytes from the host and putting the trained folder back.
 *
 * A person's work is simulated through the API: the first sentences of the sample get the gold entities
 * of the same sentences in the built-in gold set and are marked done. The update fine-tunes the demo
 * model on them minus the held-out slice, publishes v1 in the library, switches suggestions to it and
 * scores v0 and v1 on the same slice; the learning curve comes back from the main side with 2 points. A
 * second update is cancelled mid-training: nothing new in the library, suggestions unchanged.
 *
 * NEZHA_UPDATE_EXAMPLES (default 40), NEZHA_UPDATE_STEPS (default 12; 0: NEZHA_UPDATE_EPOCHS decide) and
 * NEZHA_UPDATE_LR (default: the automatic rate) size the cycle; the figures are
 * printed (`[update-cycle]`), which is how the README's learning curve was measured.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StoreApi } from 'zustand';
import { startTfjsBackend } from '../electron/cli/nodeBackend';
import { dispatchRequest } from '../electron/ipc/dispatch';
import { createHandlers } from '../electron/ipc/handlers';
import type { ServeHost } from '../electron/serve/host';
import { startTestServeHost } from './testServeHost';
import {
  checkpointFilePath,
  defaultSettings,
  trainingRunFilesPath,
  type CheckpointRecord,
  type ExampleView,
  type Transport,
} from '../shared/ipc';
import { createApi, type Api } from '../renderer/src/api/client';
import {
  createWorkerCaller,
  serveWorkerRequests,
  type MessageEndpoint,
  type WorkerHandlers,
} from '../renderer/src/inference/common/rpc';
import type { InferenceClient } from '../renderer/src/inference/ui/client';
import { createModelHandlers } from '../renderer/src/inference/worker/modelHandlers';
import { createTrainHandlers } from '../renderer/src/inference/worker/trainHandlers';
import type { Toast } from '../renderer/src/state/toasts';
import { createAnnotateStore, type AnnotateState } from '../renderer/src/views/annotate/store';

const doneCount = Number(process.env.NEZHA_UPDATE_EXAMPLES ?? 40);
const maxSteps = Number(process.env.NEZHA_UPDATE_STEPS ?? 12);
/** Unset: the update's automatic rate (3e-4 for the demo's size). */
const learningRate = process.env.NEZHA_UPDATE_LR ? Number(process.env.NEZHA_UPDATE_LR) : null;
const epochs = Number(process.env.NEZHA_UPDATE_EPOCHS ?? 3);
const author = 'tester';

let dir: string;
let host: ServeHost;
let api: Api;
let inference: InferenceClient;
let closeWorker: () => void;
let sampleId: string;
let demo: CheckpointRecord;
/** A sentence after the done ones with at least two gold entities (to see the new version's suggestions). */
let richPosition: number;

async function allExamples(datasetId: string): Promise<ExampleView[]> {
  const items: ExampleView[] = [];
  for (let offset = 0; ;) {
    const page = await api.examples.list({ datasetId, offset, limit: 500 });
    items.push(...page.items);
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total) return items;
  }
}

beforeAll(async () => {
  expect(await startTfjsBackend('wasm')).toBeNull();
  ({ host, dir } = await startTestServeHost('nezha-model-update-'));
  const handlers = createHandlers(host.services);
  const transport: Transport = {
    request: (channel, payload) => dispatchRequest(handlers, channel, payload),
    subscribe: () => () => {},
    checkpointFileUrl: (id, file) => `${host.origin}${checkpointFilePath(id, file)}`,
    trainingRunFilesUrl: (runId) => `${host.origin}${trainingRunFilesPath(runId)}`,
  };
  api = createApi(transport);

  // The worker's handlers as worker.ts serves them, over a MessageChannel (Node has no cookie: a bearer token).
  const headers = { authorization: `Bearer ${host.token}` };
  const models = createModelHandlers({ headers });
  const workerHandlers = { ...models.handlers, ...createTrainHandlers({ headers }) };
  const channel = new MessageChannel();
  serveWorkerRequests(
    channel.port2 as unknown as MessageEndpoint,
    workerHandlers as unknown as WorkerHandlers,
  );
  const caller = createWorkerCaller(channel.port1 as unknown as MessageEndpoint);
  channel.port1.start();
  channel.port2.start();
  closeWorker = () => {
    models.registry.unloadAll();
    channel.port1.close();
    channel.port2.close();
  };
  inference = {
    call: (method, payload, options) => caller.call(method, payload, options),
    onBackend: () => () => {},
    onCrash: () => () => {},
    terminate: closeWorker,
  };

  const datasets = await api.datasets.list();
  const sample = datasets.find((d) => d.name.startsWith('Sample: People'));
  const gold = datasets.find((d) => d.name.startsWith("People's Daily NER held-out"));
  expect(sample && gold).toBeTruthy();
  sampleId = sample!.id;
  demo = (await api.checkpoints.list()).find((c) => c.name.startsWith('NEZHA demo NER'))!;
  expect(demo).toBeTruthy();

  // The person's work: the first sentences annotated with the gold set's entities for the same text, done.
  const goldByText = new Map((await allExamples(gold!.id)).map((e) => [e.text, e.spans]));
  const everyExample = await allExamples(sampleId);
  richPosition = everyExample.findIndex(
    (e, i) => i >= doneCount && (goldByText.get(e.text)?.length ?? 0) >= 2,
  );
  expect(richPosition).toBeGreaterThan(0);
  for (const example of everyExample.slice(0, doneCount)) {
    const spans = goldByText.get(example.text);
    expect(spans, `gold for sample #${example.index + 1}`).toBeDefined();
    if (spans!.length)
      await api.annotations.apply({
        exampleId: example.id,
        author,
        ops: spans!.map((s) => ({ op: 'add', start: s.start, end: s.end, label: s.label })),
      });
    await api.examples.setStatus({ exampleId: example.id, status: 'done', author });
  }
}, 120_000);

afterAll(async () => {
  closeWorker?.();
  await new Promise((r) => setTimeout(r, 400)); // the debounced stats refresh
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

function makeStore() {
  const toasts: Omit<Toast, 'id' | 'count'>[] = [];
  const settings = { ...defaultSettings, annotatorName: author };
  const store: StoreApi<AnnotateState> = createAnnotateStore({
    api,
    inference,
    settings: () => settings,
    toast: (toast) => toasts.push(toast),
  });
  return { store, toasts };
}

it('updates the model from the done examples: a new library version, suggestions switched, a 2-point curve', async () => {
  const { store, toasts } = makeStore();
  const state = () => store.getState();
  await state().open(sampleId);
  expect(state().stats?.done).toBe(doneCount);
  await state().pickCheckpoint(demo);
  await expect.poll(() => state().model).toEqual({ state: 'ready', checkpointId: demo.id });
  await state().loadCurve();
  expect(state().curve).toEqual({ checkpointId: demo.id, version: 0, points: [] });

  const libraryBefore = await api.checkpoints.list();
  state().setUpdateOptions({ maxSteps, epochs, batchSize: 8, learningRate, maxLength: 128 });
  const phases = new Set<string>();
  const unsubscribe = store.subscribe((s) => phases.add(s.update.phase));
  await state().updateModel();
  unsubscribe();
  const update = state().update;
  expect(update.phase, `${update.message} / ${toasts.map((t) => t.detail).join(' ')}`).toBe('finished');
  expect([...phases]).toEqual(
    expect.arrayContaining(['preparing', 'scoring-parent', 'training', 'publishing', 'switching', 'scoring']),
  );
  const heldOut = update.heldOutExamples;
  expect(heldOut).toBeGreaterThanOrEqual(1);
  expect(update.trainExamples + heldOut).toBe(doneCount);
  expect(update.done).toBe(heldOut);

  // A new library entry whose name says the base, the dataset and the examples; its record says the same.
  const library = await api.checkpoints.list();
  expect(library).toHaveLength(libraryBefore.length + 1);
  const v1 = library.find((c) => !libraryBefore.some((b) => b.id === c.id))!;
  expect(v1.name).toBe(
    `NEZHA demo NER (People's Daily, MSRA, CLUENER; trained in-app) · v1 (Sample: People's Daily news to annotate (348 sentences, unannotated), ${update.trainExamples} done)`,
  );
  expect(v1.architecture).toBe('NezhaForTokenClassification');
  expect(update.result?.id).toBe(v1.id);
  const record = JSON.parse(readFileSync(join(v1.path, 'training_record.json'), 'utf8'));
  expect(record.modelUpdate).toMatchObject({
    base: demo.name,
    parent: demo.name,
    version: 1,
    datasetId: sampleId,
    trainExamples: update.trainExamples,
    heldOutExamples: heldOut,
  });
  expect(record.trainRecords).toBe(update.trainExamples);
  const steps = maxSteps > 0 ? maxSteps : epochs * Math.ceil(update.trainExamples / 8);
  expect(record.steps).toBe(steps);

  // Suggestions switched: the new version is the model in the loop and pre-annotates the open example.
  expect(state().model).toMatchObject({ checkpointId: v1.id });
  expect(['ready', 'running']).toContain(state().model.state);
  await state().goTo(richPosition);
  const opened = state().current!.id;
  await expect
    .poll(async () => (await api.examples.get({ exampleId: opened })).modelSpans.map((s) => s.checkpointId), {
      timeout: 60_000,
    })
    .toContain(v1.id);

  // The curve, from the main side's run records: v0 (the demo) and v1 on the same held-out slice.
  const curve = state().curve!;
  expect(curve.version).toBe(1);
  expect(curve.points.map((p) => [p.version, p.checkpointId])).toEqual([
    [0, demo.id],
    [1, v1.id],
  ]);
  const [v0Point, v1Point] = curve.points;
  expect(v0Point.score).toEqual(update.parentScore);
  expect(v1Point.score).toEqual(update.score);
  expect(v1Point.parentScore).toEqual(update.parentScore);
  for (const score of [v0Point.score!, v1Point.score!]) {
    expect(score.examples).toBe(heldOut);
    expect(score.f1).toBeGreaterThanOrEqual(0);
    expect(score.ci[0]).toBeLessThanOrEqual(score.f1);
    expect(score.ci[1]).toBeGreaterThanOrEqual(score.f1);
  }
  // The demo model is not random: it finds entities on the held-out sentences before and after.
  expect(v0Point.score!.f1).toBeGreaterThan(0.2);
  expect(v1Point.score!.f1).toBeGreaterThan(0.2);
  const run = await api.trainingRuns.get({ runId: update.runId! });
  expect(run).toMatchObject({ status: 'completed', resultCheckpointId: v1.id, step: steps });
  expect(run.modelUpdate).toMatchObject({ version: 1, baseCheckpointId: demo.id, author });

  // The same curve for the base checkpoint (a reload that picks v0 again still shows the chain).
  expect((await api.trainingRuns.learningCurve({ checkpointId: demo.id })).points).toHaveLength(2);
  console.log(
    `[update-cycle] ${doneCount} done (${update.trainExamples} train / ${heldOut} held out), ${steps} steps at lr ${learningRate ?? 'auto'}, ` +
      `${update.seconds?.toFixed(1)} s: F1 v0 ${v0Point.score!.f1.toFixed(3)} [${v0Point.score!.ci.map((x) => x.toFixed(3)).join(', ')}]` +
      ` → v1 ${v1Point.score!.f1.toFixed(3)} [${v1Point.score!.ci.map((x) => x.toFixed(3)).join(', ')}]` +
      ` (P ${v0Point.score!.precision.toFixed(3)}→${v1Point.score!.precision.toFixed(3)}, R ${v0Point.score!.recall.toFixed(3)}→${v1Point.score!.recall.toFixed(3)}, ${v1Point.score!.goldEntities} gold entities)`,
  );

  // A second update from v1, cancelled while it trains: nothing is added, v1 still suggests.
  state().setUpdateOptions({ maxSteps: 200 });
  const second = state().updateModel();
  await expect.poll(() => state().update.phase, { timeout: 60_000 }).toBe('training');
  await expect.poll(() => state().update.done, { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
  await state().cancelUpdate();
  await second;
  expect(state().update.phase).toBe('cancelled');
  expect(state().update.message).toMatch(/nothing was added to the library/);
  expect(await api.checkpoints.list()).toHaveLength(library.length);
  expect(state().model).toMatchObject({ checkpointId: v1.id });
  expect((await api.trainingRuns.get({ runId: state().update.runId! })).status).toBe('cancelled');
  expect((await api.trainingRuns.learningCurve({ checkpointId: v1.id })).points).toHaveLength(2);
}, 600_000);
