/**
 * The typed client and the serve transport against the real serve host (electron/serve/host.ts):
 * the same HTTP + WebSocket protocol the browser uses, minus the cookie (a Bearer token instead,
 * which the host also accepts).
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServeHost } from './testServeHost';
import { startServeHost, type ServeHost } from '../electron/serve/host';
import { IpcError, type MainErrorEvent, type Transport } from '../shared/ipc';
import { createApi } from '../renderer/src/api/client';
import { serveTransport, type ConnectionState, type EventSocket } from '../renderer/src/api/transports/serve';

const resourcesDir = resolve(__dirname, '../resources');
let dir: string;
let host: ServeHost;

beforeAll(async () => {
  ({ host, dir } = await startTestServeHost('nezha-client-'));
});
afterAll(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What the browser does implicitly (Origin header, cookie), done explicitly for Node's `ws`. */
function socketFor(origin: string, token: string) {
  return (url: string) =>
    new WebSocket(url, { headers: { origin, authorization: `Bearer ${token}` } }) as unknown as EventSocket;
}

function waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const tick = () => {
      const value = check();
      if (value !== undefined) return resolvePromise(value);
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

describe('createApi over the serve transport', () => {
  it('generates namespaced methods from the channel map and lists the builtin checkpoint', async () => {
    const transport = serveTransport({ origin: host.origin, token: host.token });
    const api = createApi(transport);
    const checkpoints = await api.checkpoints.list();
    const demo = checkpoints.find((c) => c.builtin);
    expect(demo?.name).toMatch(/^NEZHA demo NER/);
    expect(demo?.architecture).toBe('NezhaForTokenClassification');
    const info = await api.app.info();
    expect(info.host).toBe('serve');
    expect(typeof api.datasets.remove).toBe('function');
    transport.close();
  });

  it('round-trips settings.update', async () => {
    const api = createApi(serveTransport({ origin: host.origin, token: host.token }));
    const updated = await api.settings.update({ theme: 'dark' });
    expect(updated.theme).toBe('dark');
    expect((await api.settings.get()).theme).toBe('dark');
    await api.settings.update({ theme: 'system' });
  });

  it('turns {ok:false} envelopes into IpcError with code and channel, and reports them', async () => {
    const reported: IpcError[] = [];
    const api = createApi(serveTransport({ origin: host.origin, token: host.token }), {
      onRequestError: (error) => reported.push(error),
    });
    const failure = await api.checkpoints.get({ id: 'no-such-checkpoint' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(IpcError);
    expect((failure as IpcError).code).toBe('not-found');
    expect((failure as IpcError).channel).toBe('checkpoints.get');
    const invalid = await api.settings.update({ theme: 'sepia' as 'dark' }).catch((error: unknown) => error);
    expect((invalid as IpcError).code).toBe('bad-request');
    expect((invalid as IpcError).message).toContain('theme');
    expect(reported.map((error) => error.channel)).toEqual(['checkpoints.get', 'settings.update']);
  });

  it('is refused without the token', async () => {
    const api = createApi(serveTransport({ origin: host.origin }));
    const failure = await api.checkpoints.list().catch((error: unknown) => error);
    expect((failure as IpcError).code).toBe('forbidden');
    expect((failure as IpcError).message).toMatch(/Missing token/);
  });

  it('says where it tried when the host is unreachable', async () => {
    const api = createApi(serveTransport({ origin: 'http://127.0.0.1:9' }));
    const failure = await api.app.info().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(IpcError);
    expect((failure as IpcError).code).toBe('failed');
    expect((failure as IpcError).message).toMatch(
      /cannot reach the Nezha Studio host at http:\/\/127\.0\.0\.1:9/,
    );
  });

  it('builds checkpoint file URLs the host serves with Range', async () => {
    const transport = serveTransport({ origin: host.origin, token: host.token });
    const api = createApi(transport);
    const demo = (await api.checkpoints.list()).find((c) => c.builtin)!;
    const url = api.checkpointFileUrl(demo.id, 'config.json');
    expect(url).toBe(`${host.origin}/files/checkpoints/${encodeURIComponent(demo.id)}/config.json`);
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${host.token}`, range: 'bytes=0-0' },
    });
    expect(response.status).toBe(206);
    expect(await response.text()).toBe('{');
  });

  it("builds a training run's file URL the host takes PUTs at", async () => {
    const api = createApi(serveTransport({ origin: host.origin, token: host.token }));
    expect(api.trainingRunFilesUrl('run a')).toBe(`${host.origin}/files/training/run%20a`);
    // The run does not exist: the route is there and says so (a missing route would be a 404 for the path).
    const response = await fetch(`${api.trainingRunFilesUrl('run-x')}/state`, {
      headers: { authorization: `Bearer ${host.token}` },
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      /No training run "run-x"/,
    );
  });
});

describe('events over the WebSocket', () => {
  it('delivers main.error events and reconnects after the host restarts', async () => {
    const states: ConnectionState[] = [];
    let current = host;
    const transport = serveTransport({
      origin: host.origin,
      token: host.token,
      openSocket: (url) => socketFor(current.origin, current.token)(url),
      reconnectDelayMs: { initial: 50, max: 200 },
      onConnectionChange: (state) => states.push(state),
    });
    const api = createApi(transport);
    const received: MainErrorEvent[] = [];
    api.on('main.error', (event) => received.push(event));
    await waitFor(() => (states.includes('open') ? true : undefined), 'the socket to open');

    host.services.events.emit('main.error', { message: 'disk full', detail: 'writing the database' });
    await waitFor(() => received[0], 'the first event');
    expect(received[0]).toEqual({ message: 'disk full', detail: 'writing the database' });

    // Restart the host on the same port and token: the transport must reconnect by itself.
    const { port, token } = host;
    await host.close();
    current = await startServeHost({
      dataDir: join(dir, 'data2'),
      rendererDir: join(dir, 'renderer'),
      resourcesDir,
      port,
      token,
    });
    host = current;
    await waitFor(
      () => (states.lastIndexOf('open') > states.indexOf('reconnecting') ? true : undefined),
      'reconnect',
    );
    current.services.events.emit('main.error', { message: 'second' });
    await waitFor(() => received[1], 'an event after reconnecting');
    expect(received[1].message).toBe('second');
    transport.close();
  });
});

describe('createApi over any transport', () => {
  it('wraps a transport rejection as IpcError("failed") naming the channel', async () => {
    const broken: Transport = {
      request: () => Promise.reject(new Error('bridge gone')),
      subscribe: () => () => {},
      checkpointFileUrl: () => '',
      trainingRunFilesUrl: () => '',
    };
    const failure = await createApi(broken)
      .checkpoints.list()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(IpcError);
    expect((failure as IpcError).message).toBe(
      'Request "checkpoints.list" could not be delivered: bridge gone',
    );
  });
});
