/**
 * The worker's training methods end to end in Node: the fixture token-classification checkpoint served by
 * the real serve host, fetched over HTTP, fine-tuned on 24 People's Daily sentences on the tfjs CPU backend
 * through the worker protocol (over a MessageChannel, as postMessage carries it). The worker puts the run's
 * bytes on the host itself (state snapshots, the finished HF folder) and reads the state back to resume;
 * the UI thread's side of the channel sees only steps and sizes. Checks the streamed progress, the saved
 * snapshots, the folder published into the library, and that a run paused mid-way and resumed from the
 * host's saved state ends with the same weights as an uninterrupted run.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServeHost } from '../testServeHost';
import { type ServeHost } from '../../electron/serve/host';
import { importDataset } from '../../shared/datasets/importDataset';
import type { NerExample } from '../../shared/datasets/types';
import {
  checkpointFilePath,
  trainingRunFilesPath,
  type CheckpointRecord,
  type TrainingRunInput,
} from '../../shared/ipc';
import { DEFAULT_TRAINING_SETTINGS, decodeTrainingState, type TrainingSettings } from '../../shared/training';
import type { WorkerProgress } from '../../renderer/src/inference/common/protocol';
import {
  createWorkerCaller,
  serveWorkerRequests,
  type MessageEndpoint,
  type WorkerHandlers,
} from '../../renderer/src/inference/common/rpc';
import { createTrainHandlers } from '../../renderer/src/inference/worker/trainHandlers';
import type { TrainStartRequest } from '../../renderer/src/inference/common/protocol/train';

const root = resolve(__dirname, '../..');
let dir: string;
let host: ServeHost;
let checkpoint: CheckpointRecord;
let records: NerExample[];

beforeAll(async () => {
  await tf.setBackend('cpu');
  ({ host, dir } = await startTestServeHost('nezha-train-worker-'));
  checkpoint = await host.services.checkpoints.import(
    join(root, 'fixtures/nezha-tiny/token-classification'),
    'tiny NER',
  );
  const source = readFileSync(join(root, 'fixtures/datasets/peoples_daily_ner/example.dev'), 'utf8');
  const blocks = source
    .replace(/\r/g, '')
    .split(/\n\s*\n/)
    .slice(0, 24)
    .join('\n\n');
  records = importDataset(new TextEncoder().encode(`${blocks}\n`), { file: 'pd24.txt' })
    .records as NerExample[];
});
afterAll(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

function connect() {
  const handlers = createTrainHandlers({ headers: { authorization: `Bearer ${host.token}` } });
  const channel = new MessageChannel();
  serveWorkerRequests(channel.port2 as unknown as MessageEndpoint, handlers as unknown as WorkerHandlers);
  const caller = createWorkerCaller(channel.port1 as unknown as MessageEndpoint);
  channel.port1.start();
  channel.port2.start();
  return { caller, close: () => (channel.port1.close(), channel.port2.close()) };
}

const settings: TrainingSettings = {
  ...DEFAULT_TRAINING_SETTINGS,
  task: 'token-classification',
  maxSteps: 6,
  batchSize: 4,
  learningRate: 5e-3,
  evalEverySteps: 3,
};

/** The main side's record of a run, which the Train view saves before it starts the worker. */
const recordRun = (id: string) =>
  host.services.trainingRuns.save({
    id,
    name: id,
    checkpointId: checkpoint.id,
    datasetId: 'pd24',
    task: 'token-classification',
    settings: {},
    status: 'running',
    step: 0,
    totalSteps: settings.maxSteps,
    lossHistory: [],
    devHistory: [],
    precision: null,
    error: null,
  } satisfies TrainingRunInput);

/** The run's published folder, read from the library as any checkpoint is. */
async function publish(runId: string): Promise<Map<string, Buffer>> {
  const record = await host.services.trainingRuns.publish(
    runId,
    `${runId} trained`,
    host.services.checkpoints,
  );
  return new Map(record.files.map((file) => [file, readFileSync(join(record.path, file))]));
}

const request = (runId: string, extra: Partial<TrainStartRequest> = {}): TrainStartRequest => ({
  runId,
  runFilesUrl: `${host.origin}${trainingRunFilesPath(runId)}`,
  checkpoint: {
    name: checkpoint.name,
    files: checkpoint.files.map((file) => ({
      file,
      url: `${host.origin}${checkpointFilePath(checkpoint.id, file)}`,
    })),
  },
  data: { task: 'token-classification', records },
  settings,
  maxLength: 64,
  devFraction: 0.25,
  ...extra,
});

it('trains through the worker protocol: progress, dev metrics, state snapshots on the host, an HF folder', async () => {
  expect(records.length).toBe(24);
  await recordRun('full');
  const { caller, close } = connect();
  const events: WorkerProgress[] = [];
  const result = await caller.call('trainStart', request('full', { saveEverySteps: 2 }), {
    onProgress: (p) => events.push(p),
  });
  close();
  expect(result.status).toBe('completed');
  expect(result.steps).toBe(6);
  expect(result.precision).toMatch(/^fp32 used/);
  const job = events.find((e) => e.training?.job)!.training!.job!;
  expect(job).toMatchObject({ trainRecords: 18, devRecords: 6, className: 'NezhaForTokenClassification' });
  const steps = events.flatMap((e) => (e.training?.progress?.kind === 'step' ? [e.training.progress] : []));
  expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(steps.every((s) => Number.isFinite(s.loss) && s.examplesPerSecond > 0)).toBe(true);
  const evals = events.flatMap((e) => (e.training?.progress?.kind === 'eval' ? [e.training.progress] : []));
  expect(evals.map((e) => e.step)).toEqual([3, 6]);
  expect(evals[0].dev!.metrics).toHaveProperty('entity_f1');

  // Snapshots went to the host; the UI thread's side heard only their steps and sizes.
  const saved = events.flatMap((e) => (e.training?.saved ? [e.training.saved] : []));
  expect(saved.map((s) => s.step)).toEqual([2, 4, 6]);
  const savedState = await host.services.trainingRuns.stateFile('full');
  expect(saved.at(-1)!.bytes).toBe(savedState.size);
  expect(decodeTrainingState(readFileSync(savedState.path)).step).toBe(6);
  expect((await host.services.trainingRuns.get('full')).stateStep).toBe(6);
  expect(JSON.stringify(events).length).toBeLessThan(200_000);
  expect(result.savedStep).toBeNull();

  const names = [
    'config.json',
    'model.safetensors',
    'vocab.txt',
    'training_args.json',
    'training_record.json',
  ];
  expect(result.outputFiles!.map((f) => f.name)).toEqual(expect.arrayContaining(names));
  const files = await publish('full');
  for (const { name, bytes } of result.outputFiles!) expect(files.get(name)?.byteLength, name).toBe(bytes);
  const config = JSON.parse(files.get('config.json')!.toString('utf8'));
  expect(config.architectures).toEqual(['NezhaForTokenClassification']);
  expect(Object.values(config.id2label)).toContain('B-LOC');
  const record = JSON.parse(files.get('training_record.json')!.toString('utf8'));
  expect(record.lossCurve).toHaveLength(6);
  expect(record.devCurve).toHaveLength(2);

  // Paused after a step, its state saved on the host; resumed from there: the same weights as the full run.
  await recordRun('paused');
  const second = connect();
  let stopAsked = false;
  const paused = await second.caller.call(
    'trainStart',
    request('paused', { settings: { ...settings, loadBestModelAtEnd: true } }),
    {
      onProgress: (p) => {
        if (!stopAsked && p.training?.progress?.step === 2) {
          stopAsked = true;
          void second.caller.call('trainStop', { runId: 'paused', reason: 'pause' });
        }
      },
    },
  );
  expect(paused.status).toBe('paused');
  expect(paused.steps).toBeGreaterThanOrEqual(2);
  expect(paused.steps).toBeLessThan(6);
  expect(paused.savedStep).toBe(paused.steps);
  expect(paused.outputFiles).toBeNull();
  expect((await host.services.trainingRuns.get('paused')).stateStep).toBe(paused.steps);
  const resumed = await second.caller.call('trainStart', request('paused', { resume: true }));
  second.close();
  expect(resumed.status).toBe('completed');
  expect(resumed.lossHistory).toEqual(result.lossHistory);
  expect((await publish('paused')).get('model.safetensors')!.equals(files.get('model.safetensors')!)).toBe(
    true,
  );
  expect(await connect().caller.call('trainStop', { runId: 'nothing', reason: 'cancel' })).toEqual({
    stopped: false,
  });
}, 300_000);

it('says why when the host refuses the bytes: a snapshot lost is reported, the run goes on; no state to resume fails', async () => {
  const { caller, close } = connect();
  // No record on the host for this run: every PUT is refused with 404.
  const events: WorkerProgress[] = [];
  const failure = await caller
    .call(
      'trainStart',
      request('unrecorded', { settings: { ...settings, maxSteps: 2 }, saveEverySteps: 1 }),
      {
        onProgress: (p) => events.push(p),
      },
    )
    .catch((error: unknown) => error as Error);
  expect(events.flatMap((e) => (e.training?.saveError ? [e.training.saveError] : []))).toHaveLength(2);
  expect(events.find((e) => e.training?.saveError)!.training!.saveError).toMatch(
    /Saving the state at step 1 \(\d+ bytes\) of run unrecorded .* was refused: HTTP 404: No training run "unrecorded"/,
  );
  expect(failure).toBeInstanceOf(Error);
  expect((failure as Error).message).toMatch(
    /Saving config.json \(\d+ bytes\) of run unrecorded .* HTTP 404/,
  );

  await recordRun('fresh');
  await expect(caller.call('trainStart', request('fresh', { resume: true }))).rejects.toThrow(
    /Reading the saved state of run fresh .* was refused: HTTP 404: Training run fresh has no saved state yet/,
  );
  close();
}, 120_000);
