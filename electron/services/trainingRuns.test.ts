import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { TRAINING_UPLOAD_CHUNK_BYTES, type TrainingRunInput } from '../../shared/ipc';
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

async function upload(
  call: (channel: string, payload: unknown) => Promise<unknown>,
  kind: 'state' | 'output',
  file: string,
  bytes: Uint8Array,
  stateStep?: number,
): Promise<void> {
  let offset = 0;
  do {
    const chunk = bytes.subarray(offset, offset + TRAINING_UPLOAD_CHUNK_BYTES);
    const last = offset + chunk.byteLength >= bytes.byteLength;
    await call('trainingRuns.writeFile', {
      runId: run.id,
      kind,
      file,
      offset,
      data: Buffer.from(chunk).toString('base64'),
      last,
      ...(stateStep !== undefined ? { stateStep } : {}),
    });
    offset += chunk.byteLength;
  } while (offset < bytes.byteLength);
}

it('saves a run, stores its state in chunks, reads it back, publishes the output into the library', async () => {
  const services = await createServices({ dataDir, resourcesDir: null, host: 'serve' });
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

  // A state bigger than one chunk, so the append path is used; bytes come back identical.
  const state = new Uint8Array(TRAINING_UPLOAD_CHUNK_BYTES * 2 + 12345).map((_, i) => (i * 7919) % 251);
  await upload(call, 'state', '', state, 5);
  expect(((await call('trainingRuns.get', { runId: run.id })) as { stateStep: number }).stateStep).toBe(5);
  const parts: Buffer[] = [];
  let total = Infinity;
  for (let offset = 0; offset < total;) {
    const slice = (await call('trainingRuns.readState', {
      runId: run.id,
      offset,
      length: TRAINING_UPLOAD_CHUNK_BYTES,
    })) as { data: string; total: number };
    total = slice.total;
    const bytes = Buffer.from(slice.data, 'base64');
    parts.push(bytes);
    offset += bytes.byteLength;
  }
  expect(Buffer.concat(parts).equals(Buffer.from(state))).toBe(true);

  // Out-of-order chunk, path traversal and a non-base64 payload are refused with the reason.
  await expect(
    call('trainingRuns.writeFile', {
      runId: run.id,
      kind: 'state',
      file: '',
      offset: 99,
      data: '',
      last: false,
    }),
  ).rejects.toThrow(/chunk at byte 99, but 0 bytes were received/);
  await expect(
    call('trainingRuns.writeFile', {
      runId: run.id,
      kind: 'output',
      file: '../evil.json',
      offset: 0,
      data: '',
      last: true,
    }),
  ).rejects.toThrow(/not a plain file name/);
  await expect(
    call('trainingRuns.writeFile', {
      runId: run.id,
      kind: 'state',
      file: '',
      offset: 0,
      data: '%%%',
      last: true,
    }),
  ).rejects.toThrow(/data: expected base64/);
  await expect(call('trainingRuns.publish', { runId: run.id, name: 'x' })).rejects.toThrow(
    /no finished output \(config.json missing/,
  );

  // Publish: the fixture folder's files uploaded as the worker would, then moved into the library.
  for (const file of readdirSync(fixture))
    await upload(call, 'output', file, readFileSync(join(fixture, file)));
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
