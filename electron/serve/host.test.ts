import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServeHost, type ServeHost } from './host';

const resourcesDir = resolve(__dirname, '../../resources');
const demoId = 'builtin-nezha-tiny-token-classification';
const demoWeights = readFileSync(
  join(resourcesDir, 'checkpoints/nezha-tiny-token-classification/model.safetensors'),
);

let dir: string;
let host: ServeHost;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-serve-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Nezha Studio</title>');
  writeFileSync(join(rendererDir, 'assets', 'tfjs-backend-wasm.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
  writeFileSync(join(dir, 'secret.txt'), 'outside the renderer');
  host = await startServeHost({ dataDir: join(dir, 'data'), rendererDir, resourcesDir });
});
afterAll(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

const cookie = () => `nezha_token=${host.token}`;

/** A raw request, so paths are sent exactly as written (fetch would normalise "..") and Host can be forged. */
function raw(path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
  }>((done, fail) => {
    const req = httpRequest({ host: '127.0.0.1', port: host.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', fail);
    req.end();
  });
}

function api(channel: string, body: unknown, headers: Record<string, string> = { cookie: cookie() }) {
  return fetch(`${host.origin}/api/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('serve host', () => {
  it('listens on 127.0.0.1 only, on the port in its URL', async () => {
    expect(host.origin).toBe(`http://127.0.0.1:${host.port}`);
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token).toMatch(/^[0-9a-f]{64}$/);
    expect(host.address).toMatchObject({ address: '127.0.0.1', family: 'IPv4', port: host.port });
    // And not reachable on the machine's other addresses, where it has any.
    const external = Object.values(networkInterfaces())
      .flat()
      .find((entry) => entry && entry.family === 'IPv4' && !entry.internal);
    if (external) {
      const outcome = await new Promise<string>((done) => {
        const socket = connect(host.port, external.address);
        socket.once('connect', () => (socket.destroy(), done('connected')));
        socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'error'));
      });
      expect(outcome).toBe('ECONNREFUSED');
    }
  });

  it('refuses every request without the token with a JSON 401', async () => {
    for (const path of [
      '/',
      '/index.html',
      '/api/checkpoints.list',
      `/files/checkpoints/${demoId}/config.json`,
    ]) {
      const response = await raw(path, {}, path.startsWith('/api/') ? 'POST' : 'GET');
      expect(response.status, path).toBe(401);
      expect(JSON.parse(response.body.toString())).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(response.headers['content-security-policy']).toBeDefined();
    }
    expect((await raw('/', { cookie: 'nezha_token=wrong' })).status).toBe(401);
    expect((await raw('/?token=' + 'a'.repeat(64))).status).toBe(401);
  });

  it('refuses any other Host header (DNS rebinding)', async () => {
    for (const hostHeader of [`evil.example:${host.port}`, `localhost:${host.port}`, '127.0.0.1']) {
      const response = await raw('/', { cookie: cookie(), host: hostHeader });
      expect(response.status, hostHeader).toBe(403);
    }
  });

  it('serves index.html for ?token=, setting the HttpOnly cookie and the security headers', async () => {
    const response = await fetch(host.url);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Nezha Studio</title>');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('set-cookie')).toBe(
      `nezha_token=${host.token}; HttpOnly; SameSite=Strict; Path=/`,
    );
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${host.port}`);
    expect(csp).toContain("'wasm-unsafe-eval'");
    expect(csp).toContain("worker-src 'self' blob:");
    expect(csp).not.toMatch(/'unsafe-eval'|https?:\/\/(?!127\.0\.0\.1)/);
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('serves wasm with its MIME type and refuses paths outside the renderer', async () => {
    const wasm = await raw('/assets/tfjs-backend-wasm.wasm', { cookie: cookie() });
    expect(wasm.status).toBe(200);
    expect(wasm.headers['content-type']).toBe('application/wasm');
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
    ]) {
      const response = await raw(path, { cookie: cookie() });
      expect([403, 404], path).toContain(response.status);
      expect(response.body.toString()).not.toContain('outside the renderer');
    }
    expect((await raw('/missing.js', { cookie: cookie() })).status).toBe(404);
    // Browsers fetch /favicon.ico unasked; the app icon answers it so no 404 lands in the console.
    const favicon = await raw('/favicon.ico', { cookie: cookie() });
    expect(favicon.status).toBe(200);
    expect(favicon.headers['content-type']).toBe('image/png');
    expect(favicon.body.equals(readFileSync(join(resourcesDir, 'icon.png')))).toBe(true);
  });

  it('answers a request over HTTP with the IpcResult envelope (cookie or bearer token)', async () => {
    const list = await api('checkpoints.list', undefined);
    expect(list.status).toBe(200);
    const body = (await list.json()) as { ok: boolean; result: { id: string; name: string }[] };
    expect(body.ok).toBe(true);
    expect(body.result.map((c) => c.name)).toContain('NEZHA tiny (random weights, for testing)');

    const updated = await api(
      'settings.update',
      { theme: 'dark' },
      { authorization: `Bearer ${host.token}` },
    );
    expect(await updated.json()).toEqual({
      ok: true,
      result: { theme: 'dark', backend: 'auto', annotatorName: expect.any(String) },
    });
    expect(await (await api('settings.get', {})).json()).toEqual({
      ok: true,
      result: { theme: 'dark', backend: 'auto', annotatorName: expect.any(String) },
    });
  });

  it('maps errors to 400/403/404 with the error payload', async () => {
    const bad = await api('settings.update', { theme: 42 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      ok: false,
      error: { code: 'bad-request', channel: 'settings.update' },
    });
    expect((await api('no.such.channel', {})).status).toBe(400);
    expect((await api('checkpoints.remove', { id: demoId })).status).toBe(403);
    expect((await api('checkpoints.get', { id: 'nope' })).status).toBe(404);
    const notJson = await fetch(`${host.origin}/api/settings.get`, {
      method: 'POST',
      headers: { cookie: cookie() },
      body: '{',
    });
    expect(notJson.status).toBe(400);
    const foreign = await api('checkpoints.list', undefined, {
      cookie: cookie(),
      origin: 'https://evil.example',
    });
    expect(foreign.status).toBe(403);
    expect(
      (await fetch(`${host.origin}/api/checkpoints.list`, { headers: { cookie: cookie() } })).status,
    ).toBe(405);
  });

  it('serves checkpoint bytes with Range: 200, 206, 416', async () => {
    const path = `/files/checkpoints/${demoId}/model.safetensors`;
    const whole = await raw(path, { cookie: cookie() });
    expect(whole.status).toBe(200);
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.body.equals(demoWeights)).toBe(true);

    const first8 = await raw(path, { cookie: cookie(), range: 'bytes=0-7' });
    expect(first8.status).toBe(206);
    expect(first8.headers['content-range']).toBe(`bytes 0-7/${demoWeights.length}`);
    expect(first8.body.equals(demoWeights.subarray(0, 8))).toBe(true);

    const tail = await raw(path, { cookie: cookie(), range: 'bytes=-5' });
    expect(tail.status).toBe(206);
    expect(tail.body.equals(demoWeights.subarray(demoWeights.length - 5))).toBe(true);

    const beyond = await raw(path, { cookie: cookie(), range: `bytes=${demoWeights.length}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${demoWeights.length}`);
  });

  it('serves only files listed in the checkpoint record (no traversal)', async () => {
    for (const path of [
      `/files/checkpoints/${demoId}/../index.json`,
      `/files/checkpoints/${demoId}/..%2Findex.json`,
      `/files/checkpoints/${demoId}/%2e%2e/%2e%2e/%2e%2e/package.json`,
      `/files/checkpoints/${demoId}/README.md`,
      `/files/checkpoints/nope/config.json`,
      `/files/checkpoints/..%2F..%2F/etc/passwd`,
    ]) {
      const response = await raw(path, { cookie: cookie() });
      expect(response.status, path).toBe(404);
      expect(JSON.parse(response.body.toString())).toMatchObject({ ok: false });
    }
  });

  it("serves a dataset's benchmark data file with the token: the bytes hash to prepareData's sha256", async () => {
    const heldout = host.services.datasetStore.list().find((d) => d.name.includes('held-out'))!;
    const prepared = (await (await api('benchmarks.prepareData', { datasetId: heldout.id })).json()) as {
      ok: true;
      result: { path: string; sha256: string; bytes: number; count: number };
    };
    expect(prepared.ok).toBe(true);
    const { path, sha256, bytes, count } = prepared.result;
    expect(path).toBe(`/files/datasets/${heldout.id}/benchmark.json`);
    expect(count).toBe(heldout.exampleCount);

    expect((await raw(path)).status).toBe(401);
    expect((await raw(path, { cookie: 'nezha_token=wrong' })).status).toBe(401);
    const file = await raw(path, { authorization: `Bearer ${host.token}` });
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(file.headers.etag).toBe(`"${sha256}"`);
    expect(file.body.length).toBe(bytes);
    expect(createHash('sha256').update(file.body).digest('hex')).toBe(sha256);
    expect(JSON.parse(file.body.toString('utf8'))).toMatchObject({ task: 'ner' });
    // The same byte path as checkpoint files: Range works too.
    const head = await raw(path, { cookie: cookie(), range: 'bytes=0-9' });
    expect(head.status).toBe(206);
    expect(head.body.equals(file.body.subarray(0, 10))).toBe(true);

    for (const missing of [
      '/files/datasets/no-such-dataset/benchmark.json',
      `/files/datasets/${heldout.id}/other.json`,
      `/files/datasets/${heldout.id}/../benchmark.json`,
      '/files/datasets/benchmark.json',
    ]) {
      const response = await raw(missing, { cookie: cookie() });
      expect(response.status, missing).toBe(404);
      expect(JSON.parse(response.body.toString())).toMatchObject({ ok: false, error: { code: 'not-found' } });
    }
  });

  it('pushes events over the WebSocket, only to clients with the token and the host origin', async () => {
    const wsUrl = `ws://127.0.0.1:${host.port}/events`;
    const client = new WebSocket(wsUrl, { headers: { cookie: cookie() }, origin: host.origin });
    await new Promise((ok, fail) => {
      client.once('open', ok);
      client.once('error', fail);
    });
    const received = new Promise<unknown>((ok) =>
      client.once('message', (data) => ok(JSON.parse(String(data)))),
    );
    host.services.events.emit('progress', { jobId: 'j1', kind: 'import', done: 1, total: 2 });
    expect(await received).toEqual({
      channel: 'progress',
      payload: { jobId: 'j1', kind: 'import', done: 1, total: 2 },
    });
    client.close();

    const refused = async (options: WebSocket.ClientOptions) => {
      const socket = new WebSocket(wsUrl, options);
      return new Promise<number>((ok) => {
        socket.once('unexpected-response', (_req, res) => ok(res.statusCode ?? 0));
        socket.once('open', () => ok(101));
        socket.once('error', () => ok(-1));
      });
    };
    expect(await refused({ origin: host.origin })).toBe(401);
    expect(await refused({ headers: { cookie: cookie() }, origin: 'https://evil.example' })).toBe(403);
    expect(await refused({ headers: { cookie: cookie() } })).toBe(403);
  });
});
