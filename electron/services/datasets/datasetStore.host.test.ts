// The dataset store through the serve host's HTTP API, as the browser UI uses it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type {
  DatasetImportSummary,
  ExamplePage,
  ExampleView,
  IpcResult,
  ProgressEvent,
} from '../../../shared/ipc';
import { startServeHost, type ServeHost } from '../../serve/host';

const msraFile = resolve(__dirname, '../../../fixtures/datasets/msra_ner/msra_test_bio.txt');

let dir: string;
let host: ServeHost;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-store-host-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Nezha Studio</title>');
  host = await startServeHost({ dataDir: join(dir, 'data'), rendererDir });
});
afterAll(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function api<T>(channel: string, body: unknown): Promise<{ status: number; envelope: IpcResult<T> }> {
  const response = await fetch(`${host.origin}/api/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${host.token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, envelope: (await response.json()) as IpcResult<T> };
}

function result<T>(envelope: IpcResult<T>): T {
  if (!envelope.ok) throw new Error(`request failed: ${envelope.error.message}`);
  return envelope.result;
}

describe('dataset store over the serve host', () => {
  it('imports MSRA with progress on the WebSocket, lists a page, applies an edit and refuses an overlap', async () => {
    const socket = new WebSocket(`${host.origin.replace('http', 'ws')}/events`, {
      headers: { authorization: `Bearer ${host.token}` },
      origin: host.origin,
    });
    const progress: ProgressEvent[] = [];
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { channel: string; payload: ProgressEvent };
      if (message.channel === 'progress') progress.push(message.payload);
    });
    await new Promise((done, fail) => {
      socket.once('open', done);
      socket.once('error', fail);
    });

    const imported = await api<DatasetImportSummary>('datasets.import', { path: msraFile, jobId: 'http-1' });
    const summary = result(imported.envelope);
    expect(summary).toMatchObject({ jobId: 'http-1', examples: 3442, spans: 6190 });
    await new Promise((r) => setTimeout(r, 50));
    expect(progress.some((p) => p.jobId === 'http-1' && p.done === p.total)).toBe(true);
    socket.close();

    const page = result(
      (await api<ExamplePage>('examples.list', { datasetId: summary.dataset.id, offset: 2, limit: 3 }))
        .envelope,
    );
    expect(page.total).toBe(3442);
    expect(page.items.map((e) => e.index)).toEqual([2, 3, 4]);
    const target = page.items.find((e) => e.spans.length > 0)!;
    const gold = target.spans[0];

    const free = Array.from(target.text).findIndex(
      (_, i) =>
        i + 1 < Array.from(target.text).length && target.spans.every((s) => s.end <= i || s.start >= i + 2),
    );
    const edited = result(
      (
        await api<ExampleView>('annotations.apply', {
          exampleId: target.id,
          ops: [{ op: 'add', start: free, end: free + 2, label: 'ORG' }],
          author: 'http',
        })
      ).envelope,
    );
    expect(edited.spans.some((s) => s.start === free && s.source === 'annotator')).toBe(true);
    expect(edited.revision).toBe(target.revision + 1);

    const refused = await api('annotations.apply', {
      exampleId: target.id,
      ops: [{ op: 'add', start: gold.start, end: gold.end, label: 'PER' }],
      author: 'http',
    });
    expect(refused.status).toBe(400);
    expect(refused.envelope).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(/overlaps the gold span #\d+/) },
    });
    const badRequest = await api('annotations.apply', { exampleId: target.id, ops: [], author: 'http' });
    expect(badRequest.status).toBe(400);
    const reread = result((await api<ExampleView>('examples.get', { exampleId: target.id })).envelope);
    expect(reread.spans).toEqual(edited.spans);
  });
  it('cancels a running import from another HTTP request (jobs.cancel) and stores nothing', async () => {
    const file = join(dir, 'big.txt');
    const sentence = '张\tB-PER\n三\tI-PER\n在\tO\n北\tB-LOC\n京\tI-LOC\n\n';
    writeFileSync(file, sentence.repeat(60_000));
    const before = result((await api<unknown[]>('datasets.list', {})).envelope).length;
    // Another write sent while the import holds its transaction open (it has stored records) waits for it
    // instead of busy-waiting on SQLite's lock and failing.
    let settings: ReturnType<typeof api> | undefined;
    const stopListening = host.services.events.listen((channel, payload) => {
      const event = payload as ProgressEvent;
      if (channel === 'progress' && event.jobId === 'http-cancel' && event.message?.endsWith(' records'))
        settings ??= api('settings.update', { theme: 'dark' });
    });
    const pending = api('datasets.import', { path: file, jobId: 'http-cancel' });
    while (!settings) await new Promise((r) => setTimeout(r, 5));
    // Ask until the job is registered (the request may still be on its way), then cancel it.
    let cancelled = false;
    for (let attempt = 0; attempt < 200 && !cancelled; attempt++) {
      cancelled = result(
        (await api<{ cancelled: boolean }>('jobs.cancel', { jobId: 'http-cancel' })).envelope,
      ).cancelled;
    }
    expect(cancelled).toBe(true);
    const outcome = await pending;
    // Cancelling is not a server failure: 200 with ok:false and its own code (no browser console error).
    expect(outcome.status).toBe(200);
    expect(outcome.envelope).toMatchObject({
      ok: false,
      error: {
        code: 'cancelled',
        message: expect.stringMatching(/Import of big\.txt was cancelled; nothing was stored/),
      },
    });
    expect(result((await api<unknown[]>('datasets.list', {})).envelope)).toHaveLength(before);
    stopListening();
    expect((await settings).envelope).toMatchObject({ ok: true, result: { theme: 'dark' } });
  });
});
