import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { TrainingRunInput } from '../../shared/ipc';
import { dispatchRequest } from '../ipc/dispatch';
import { createHandlers } from '../ipc/handlers';
import { createServices } from './services';

const dataDir = mkdtempSync(join(tmpdir(), 'nezha-training-runs-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const fixture = join(import.meta.dirname, '../../fixtures/nezha-tiny/token-classification');

const run: TrainingRunInput = {
  id: 'run-1',
  name: 'tiny NER',
  checkpointId: 'ckpt',
  datasetId: 'ds',
  task: 'token-classification',
  settings: { learningRate: 5e-5, epochs: 3, optimizer: 'adamw' },
  status: 'running',
  step: 2,
  totalSteps: 10,
  lossHistory: [{ step: 1, loss: 2.5, learningRate: 1e-5 }],
  devHistory: [],
  precision: 'fp32 used',
  error: null,
};

async function* chunksOf(bytes: Uint8Array, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += size) yield bytes.subarray(at, at + size);
}

it('saves a run, streams its state in, finds it again, publishes the output into the library', async () => {
  const services = await createServices({
    dataDir,
    resourcesDir: null,
    host: 'serve',
    maxTrainingFileBytes: 4 * 1024 * 1024,
  });
  const store = services.trainingRuns;
  const handlers = createHandlers(services);
  const call = async (channel: string, payload: unknown) => {
    const envelope = await dispatchRequest(handlers, channel, payload);
    if (!envelope.ok) throw new Error(envelope.error.message);
    return envelope.result;
  };

  const saved = (await call('trainingRuns.save', { run })) as { createdAt: string; stateStep: null };
  expect(saved.stateStep).toBeNull();
  await call('trainingRuns.save', { run: { ...run, status: 'paused', step: 5 } });
  const listed = (await call('trainingRuns.list', {})) as TrainingRunInput[];
  expect(listed.map((r) => [r.id, r.status, r.step])).toEqual([['run-1', 'paused', 5]]);

  // A state of many chunks arrives whole; its step is recorded on the run.
  const state = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
  expect(await store.receiveFile(run.id, { kind: 'state', step: 5 }, chunksOf(state))).toEqual({
    bytes: state.byteLength,
  });
  expect(((await call('trainingRuns.get', { runId: run.id })) as { stateStep: number }).stateStep).toBe(5);
  const saved5 = await store.stateFile(run.id);
  expect(saved5.size).toBe(state.byteLength);
  expect(readFileSync(saved5.path).equals(Buffer.from(state))).toBe(true);

  // Over the limit (declared or streamed), a bad output name, an unknown run: refused, nothing kept.
  await expect(
    store.receiveFile(run.id, { kind: 'state', step: 6 }, chunksOf(new Uint8Array(10)), 8 * 1024 * 1024),
  ).rejects.toThrow(/over the 4194304-byte limit .* nothing was saved/);
  await expect(
    store.receiveFile(run.id, { kind: 'state', step: 6 }, chunksOf(new Uint8Array(4 * 1024 * 1024 + 1))),
  ).rejects.toThrow(/over the 4194304-byte limit/);
  for (const file of ['../evil.json', 'sub/config.json', '.config.json', 'notes.txt'])
    await expect(
      store.receiveFile(run.id, { kind: 'output', file }, chunksOf(new Uint8Array(1))),
      file,
    ).rejects.toThrow(/is not a file a trained HF folder holds/);
  await expect(
    store.receiveFile('no-such-run', { kind: 'state', step: 1 }, chunksOf(new Uint8Array(1))),
  ).rejects.toThrow(/No training run "no-such-run"/);
  expect(readFileSync((await store.stateFile(run.id)).path).equals(Buffer.from(state))).toBe(true);
  expect(((await call('trainingRuns.get', { runId: run.id })) as { stateStep: number }).stateStep).toBe(5);
  expect(readdirSync(join(dataDir, 'training-runs', run.id)).sort()).toEqual([
    'run.json',
    'training_state.safetensors',
  ]);
  await expect(call('trainingRuns.publish', { runId: run.id, name: 'x' })).rejects.toThrow(
    /no finished output \(config.json missing/,
  );

  // Publish: the fixture folder's files uploaded as the worker would, then moved into the library.
  for (const file of readdirSync(fixture))
    await store.receiveFile(run.id, { kind: 'output', file }, chunksOf(readFileSync(join(fixture, file))));
  const record = (await call('trainingRuns.publish', { runId: run.id, name: 'trained NER' })) as {
    id: string;
    name: string;
    path: string;
    architecture: string;
    labels: string[];
  };
  expect(record.name).toBe('trained NER');
  expect(record.path).toBe(join(dataDir, 'checkpoints', 'trained', run.id));
  expect(record.architecture).toBe('NezhaForTokenClassification');
  expect(
    readFileSync(join(record.path, 'model.safetensors')).equals(
      readFileSync(join(fixture, 'model.safetensors')),
    ),
  ).toBe(true);
  const checkpoints = (await call('checkpoints.list', {})) as { id: string }[];
  expect(checkpoints.map((c) => c.id)).toContain(record.id);
  expect(
    ((await call('trainingRuns.get', { runId: run.id })) as { resultCheckpointId: string })
      .resultCheckpointId,
  ).toBe(record.id);
  await expect(call('trainingRuns.publish', { runId: run.id, name: 'again' })).rejects.toThrow(
    /no finished output/,
  );

  expect(await call('trainingRuns.remove', { runId: run.id })).toEqual({ removed: true });
  expect(await call('trainingRuns.list', {})).toEqual([]);
  await expect(call('trainingRuns.get', { runId: run.id })).rejects.toThrow(/No training run "run-1"/);
  services.close();
});
