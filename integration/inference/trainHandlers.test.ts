/**
 * The worker's training methods end to end in Node: the fixture token-classification checkpoint served by
 * the real serve host, fetched over HTTP, fine-tuned on 24 People's Daily sentences on the tfjs CPU backend
 * through the worker protocol (over a MessageChannel, as postMessage carries it). Checks the streamed
 * progress and state snapshots, the HF folder it answers with, and that a run paused mid-way and resumed
 * from its state ends with the same weights as an uninterrupted run.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServeHost, type ServeHost } from '../../electron/serve/host';
import { importDataset } from '../../shared/datasets/importDataset';
import type { NerExample } from '../../shared/datasets/types';
import { checkpointFilePath, type CheckpointRecord } from '../../shared/ipc';
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
  dir = mkdtempSync(join(tmpdir(), 'nezha-train-worker-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Nezha Studio</title>');
  host = await startServeHost({
    dataDir: join(dir, 'data'),
    rendererDir,
    resourcesDir: join(root, 'resources'),
  });
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

const request = (runId: string, extra: Partial<TrainStartRequest> = {}): TrainStartRequest => ({
  runId,
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

it('trains through the worker protocol: progress, dev metrics, state snapshots, an HF folder', async () => {
  expect(records.length).toBe(24);
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
  const snapshots = events.flatMap((e) => (e.training?.state ? [e.training.state] : []));
  expect(snapshots.map((s) => s.step)).toEqual([2, 4, 6]);
  expect(decodeTrainingState(snapshots[0].bytes).step).toBe(2);

  const files = new Map(result.files!.map((f) => [f.name, f.bytes]));
  for (const name of [
    'config.json',
    'model.safetensors',
    'vocab.txt',
    'training_args.json',
    'training_record.json',
  ])
    expect(files.has(name), name).toBe(true);
  const config = JSON.parse(new TextDecoder().decode(files.get('config.json')));
  expect(config.architectures).toEqual(['NezhaForTokenClassification']);
  expect(Object.values(config.id2label)).toContain('B-LOC');
  const record = JSON.parse(new TextDecoder().decode(files.get('training_record.json')));
  expect(record.lossCurve).toHaveLength(6);
  expect(record.devCurve).toHaveLength(2);
  expect(result.state).toBeNull();

  // Paused after a step, resumed from the state it answered with: the same weights as the full run.
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
  expect(paused.files).toBeNull();
  const resumed = await second.caller.call('trainStart', request('paused', { resumeState: paused.state! }));
  second.close();
  expect(resumed.status).toBe('completed');
  expect(resumed.lossHistory).toEqual(result.lossHistory);
  const resumedWeights = resumed.files!.find((f) => f.name === 'model.safetensors')!.bytes;
  expect(Buffer.from(resumedWeights).equals(Buffer.from(files.get('model.safetensors')!))).toBe(true);
  expect(await connect().caller.call('trainStop', { runId: 'nothing', reason: 'cancel' })).toEqual({
    stopped: false,
  });
}, 300_000);
