import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../shared/ipc';
import { createHandlers } from '../ipc/handlers';
import { dispatchRequest } from '../ipc/dispatch';
import { createServices, type Services } from '../services/services';
import { createOrtSession } from './ortSession';

/*
 * checkpoints.exportOnnx through the handler registry (zod validation, the envelope): the file lands next to
 * the library entry by default or at the given path, progress events reach 100, a bad path is refused with
 * what to do, and jobs.cancel stops an export before anything is written.
 */

const repoRoot = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'nezha-onnx-ipc-'));
let services: Services;
let id: string;
const folder = join(dir, 'tiny-ner');

beforeAll(async () => {
  services = await createServices({
    dataDir: join(dir, 'data'),
    resourcesDir: join(repoRoot, 'resources'),
    host: 'serve',
  });
  cpSync(join(repoRoot, 'fixtures/nezha-tiny/token-classification'), folder, { recursive: true });
  id = (await services.checkpoints.import(folder, 'tiny ner')).id;
});
afterAll(() => {
  services.close();
  rmSync(dir, { recursive: true, force: true });
});

function progressOf(jobId: string): ProgressEvent[] {
  const seen: ProgressEvent[] = [];
  services.events.listen((channel, payload) => {
    if (channel === 'progress' && (payload as ProgressEvent).jobId === jobId)
      seen.push(payload as ProgressEvent);
  });
  return seen;
}

describe('checkpoints.exportOnnx', () => {
  it('writes model.onnx next to the library entry, with progress to 100%', async () => {
    const handlers = createHandlers(services);
    const events = progressOf('export-1');
    const result = await dispatchRequest(handlers, 'checkpoints.exportOnnx', { id, jobId: 'export-1' });
    expect(result).toMatchObject({ ok: true });
    const summary = (result as { ok: true; result: { path: string; className: string; outputs: string[] } })
      .result;
    expect(summary.path).toBe(join(folder, 'model.onnx'));
    expect(summary).toMatchObject({ className: 'NezhaForTokenClassification', outputs: ['logits'] });
    expect(events.at(-1)).toMatchObject({ kind: 'onnx-export', done: 100, total: 100, message: 'Done' });
    expect(events.map((e) => e.message)).toContain('Building the ONNX graph');
    const session = await createOrtSession(summary.path, { threads: 1 });
    expect(session.outputNames).toEqual(['logits']);
    await session.release();
  });

  it('writes where the person picked, as the class asked for; refuses a path without .onnx', async () => {
    const handlers = createHandlers(services);
    const target = join(dir, 'picked', 'base.onnx');
    const missing = await dispatchRequest(handlers, 'checkpoints.exportOnnx', {
      id,
      path: target,
      className: 'NezhaModel',
    });
    expect(missing).toMatchObject({
      ok: false,
      error: {
        code: 'bad-request',
        message: expect.stringMatching(/cannot write .*base\.onnx.*Pick another place/),
      },
    });
    mkdirSync(join(dir, 'picked'));
    const ok = await dispatchRequest(handlers, 'checkpoints.exportOnnx', {
      id,
      path: target,
      className: 'NezhaModel',
    });
    expect(ok).toMatchObject({
      ok: true,
      result: { path: target, className: 'NezhaModel', outputs: ['last_hidden_state', 'pooler_output'] },
    });
    const invalid = await dispatchRequest(handlers, 'checkpoints.exportOnnx', {
      id,
      path: join(dir, 'x.bin'),
    });
    expect(invalid).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(/\.onnx/) },
    });
  });

  it('jobs.cancel stops the export; nothing is written', async () => {
    const handlers = createHandlers(services);
    const target = join(dir, 'cancelled.onnx');
    const running = dispatchRequest(handlers, 'checkpoints.exportOnnx', {
      id,
      path: target,
      jobId: 'export-cancel',
    });
    expect(services.jobs.cancel('export-cancel')).toBe(true);
    expect(await running).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir).some((name) => name.includes('partial'))).toBe(false);
  });
});
