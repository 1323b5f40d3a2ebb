/**
 * The serve host's training file routes, as the inference worker uses them: PUT a state snapshot and the
 * finished folder's files as raw bytes, GET the state back with Range. Token and origin checked, names
 * limited to what a trained HF folder holds, uploads capped while streaming, and every refused or broken
 * upload leaves the previous file as it was and no temp file behind.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { trainingRunFilesPath, type TrainingRunInput } from '../../shared/ipc';
import { startServeHost, type ServeHost } from './host';

const limit = 64 * 1024;
let dir: string;
let host: ServeHost;
let runDir: string;

const run: TrainingRunInput = {
  id: 'run-7',
  name: 'tiny NER',
  checkpointId: 'ckpt',
  datasetId: 'ds',
  task: 'token-classification',
  settings: {},
  status: 'running',
  step: 0,
  totalSteps: 10,
  lossHistory: [],
  devHistory: [],
  precision: null,
  error: null,
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-serve-training-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Nezha Studio</title>');
  host = await startServeHost({
    dataDir: join(dir, 'data'),
    rendererDir,
    resourcesDir: join(dir, 'no-builtins'),
    maxTrainingFileBytes: limit,
  });
  await host.services.trainingRuns.save(run);
  runDir = join(dir, 'data', 'training-runs', run.id);
});
afterAll(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

const auth = () => ({ authorization: `Bearer ${host.token}` });
const url = (rest: string, runId = run.id) => `${host.origin}${trainingRunFilesPath(runId)}/${rest}`;
const bytes = (n: number, seed = 1) => new Uint8Array(n).map((_, i) => (i * 31 + seed) % 256);
const put = (
  rest: string,
  body: Uint8Array | ReadableStream<Uint8Array>,
  headers: Record<string, string> = auth(),
) => fetch(url(rest), { method: 'PUT', headers, body, duplex: 'half' } as RequestInit);
const savedState = () => readFileSync(join(runDir, 'training_state.safetensors'));
/** Nothing but the files in place: no temp file of a refused or broken upload. */
const runFiles = () => readdirSync(runDir).sort();

it('needs the token for PUT and GET', async () => {
  expect((await put('state?step=1', bytes(10), {})).status).toBe(401);
  expect((await put('state?step=1', bytes(10), { authorization: 'Bearer wrong' })).status).toBe(401);
  expect((await fetch(url('state'))).status).toBe(401);
  expect(runFiles()).toEqual(['run.json']);
});

it('refuses a PUT from a page on another origin', async () => {
  const response = await put('state?step=1', bytes(10), { ...auth(), origin: 'http://evil.example' });
  expect(response.status).toBe(403);
  expect(runFiles()).toEqual(['run.json']);
});

it('stores a state snapshot, records its step and serves it back whole, by range and by HEAD', async () => {
  expect((await fetch(url('state'), { headers: auth() })).status).toBe(404);
  const state = bytes(40_000);
  const response = await put('state?step=3', state);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ bytes: state.byteLength });
  expect((await host.services.trainingRuns.get(run.id)).stateStep).toBe(3);

  const whole = await fetch(url('state'), { headers: auth() });
  expect(whole.status).toBe(200);
  expect(Buffer.from(await whole.arrayBuffer()).equals(Buffer.from(state))).toBe(true);
  const part = await fetch(url('state'), { headers: { ...auth(), range: 'bytes=100-199' } });
  expect(part.status).toBe(206);
  expect(part.headers.get('content-range')).toBe(`bytes 100-199/${state.byteLength}`);
  expect(Buffer.from(await part.arrayBuffer()).equals(Buffer.from(state.subarray(100, 200)))).toBe(true);
  const head = await fetch(url('state'), { method: 'HEAD', headers: auth() });
  expect(head.headers.get('content-length')).toBe(String(state.byteLength));
});

it('stores an output file under its name and refuses names a trained folder does not hold (400)', async () => {
  const config = new TextEncoder().encode('{"model_type": "nezha"}');
  expect((await put('output/config.json', config)).status).toBe(200);
  expect(readFileSync(join(runDir, 'output', 'config.json'), 'utf8')).toBe('{"model_type": "nezha"}');
  for (const name of ['notes.txt', '..%2Frun.json', 'sub%2Fconfig.json', 'sub/config.json', '.config.json']) {
    const response = await put(`output/${name}`, config);
    expect(response.status, name).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      /not a file a trained HF folder holds/,
    );
  }
  expect(readdirSync(join(runDir, 'output'))).toEqual(['config.json']);
  expect((await put('state', bytes(10))).status).toBe(400);
  expect((await put('state?step=x', bytes(10))).status).toBe(400);
  const unknownRun = await fetch(url('state?step=1', 'nope'), { method: 'PUT', headers: auth(), body: 'x' });
  expect(unknownRun.status).toBe(404);
  expect((await fetch(url('state', 'nope'), { headers: auth() })).status).toBe(404);
  expect((await fetch(url('output/config.json'), { headers: auth() })).status).toBe(405);
});

it('refuses an upload over the limit, declared or streamed, keeping the previous state (413)', async () => {
  const before = bytes(1000, 7);
  expect((await put('state?step=4', before)).status).toBe(200);
  // Content-Length says too much: refused before a byte is written.
  const declared = await put('state?step=5', bytes(limit + 1));
  expect(declared.status).toBe(413);
  expect(((await declared.json()) as { error: { message: string } }).error.message).toMatch(
    new RegExp(`over the ${limit}-byte limit`),
  );
  // No length up front (chunked): refused once the streamed bytes pass the limit.
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent > limit * 4) return controller.close();
      sent += 8 * 1024;
      controller.enqueue(bytes(8 * 1024));
    },
  });
  const streamed = await put('state?step=5', stream);
  expect(streamed.status).toBe(413);
  expect(savedState().equals(Buffer.from(before))).toBe(true);
  expect((await host.services.trainingRuns.get(run.id)).stateStep).toBe(4);
  expect(runFiles()).toEqual(['output', 'run.json', 'training_state.safetensors']);
});

it('an upload that breaks off leaves the previous state intact and no temp file', async () => {
  const before = savedState();
  await new Promise<void>((done) => {
    const request = httpRequest({
      host: '127.0.0.1',
      port: host.port,
      method: 'PUT',
      path: `${trainingRunFilesPath(run.id)}/state?step=9`,
      headers: { ...auth(), 'content-length': '5000' },
    });
    request.on('error', () => done());
    request.write(Buffer.from(bytes(2000)), () => setTimeout(() => (request.destroy(), done()), 50));
  });
  // The host notices the closed connection a moment later and removes its temp file.
  await expect.poll(runFiles).toEqual(['output', 'run.json', 'training_state.safetensors']);
  expect(savedState().equals(before)).toBe(true);
  expect((await host.services.trainingRuns.get(run.id)).stateStep).toBe(4);
});
