import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IpcError, requestChannels, unwrapIpcResult, type IpcResult } from '../../shared/ipc';
import { latestSchemaVersion } from '../services/migrations';
import { createServices, type Services } from '../services/services';
import { requestIpcChannel } from './channels';
import { dispatchRequest } from './dispatch';
import { forwardEvents, handleRequests } from './electronIpc';
import { createHandlers } from './handlers';
import { isAppUrl } from './sender';

const resourcesDir = resolve(__dirname, '../../resources');

let dataDir: string;
let services: Services;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'nezha-contract-'));
  services = await createServices({ dataDir, resourcesDir, host: 'serve' });
});
afterEach(() => {
  services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('handler registry', () => {
  it('has a handler for every request channel and nothing else', () => {
    const handlers = createHandlers(services);
    expect(Object.keys(handlers).sort()).toEqual(Object.keys(requestChannels).sort());
    for (const handler of Object.values(handlers)) expect(typeof handler).toBe('function');
  });

  it('answers every payload-free channel with a result', async () => {
    const handlers = createHandlers(services);
    for (const channel of ['app.info', 'settings.get', 'checkpoints.list', 'datasets.list']) {
      const result = await dispatchRequest(handlers, channel, undefined);
      expect(result.ok, `${channel}: ${JSON.stringify(result)}`).toBe(true);
    }
    const info = unwrapIpcResult('app.info', await dispatchRequest(handlers, 'app.info', {}));
    expect(info).toMatchObject({
      name: 'Nezha Studio',
      host: 'serve',
      dataDir,
      schemaVersion: latestSchemaVersion,
    });
  });

  it('rejects a bad payload with an error naming the key', async () => {
    const handlers = createHandlers(services);
    const result = await dispatchRequest(handlers, 'settings.update', { theme: 'purple' });
    expect(result.ok).toBe(false);
    const error = (result as Extract<IpcResult, { ok: false }>).error;
    expect(error.code).toBe('bad-request');
    expect(error.channel).toBe('settings.update');
    expect(error.message).toContain('theme');

    const missing = await dispatchRequest(handlers, 'checkpoints.get', {});
    expect(missing.ok).toBe(false);
    expect((missing as Extract<IpcResult, { ok: false }>).error.message).toMatch(/"checkpoints\.get".*id/);

    const extra = await dispatchRequest(handlers, 'checkpoints.remove', { id: 'x', force: true });
    expect((extra as Extract<IpcResult, { ok: false }>).error.message).toContain('force');

    const unknown = await dispatchRequest(handlers, 'fs.readAnything', {});
    expect((unknown as Extract<IpcResult, { ok: false }>).error).toMatchObject({
      code: 'bad-request',
      channel: 'fs.readAnything',
    });
  });

  it('turns service errors into coded envelopes that unwrap to IpcError', async () => {
    const handlers = createHandlers(services);
    const notFound = await dispatchRequest(handlers, 'checkpoints.get', { id: 'nope' });
    expect(() => unwrapIpcResult('checkpoints.get', notFound)).toThrow(IpcError);
    expect(notFound).toMatchObject({ ok: false, error: { code: 'not-found', channel: 'checkpoints.get' } });
    const builtin = services.checkpoints.list().find((c) => c.builtin);
    expect(builtin).toBeDefined();
    const forbidden = await dispatchRequest(handlers, 'checkpoints.remove', { id: builtin!.id });
    expect(forbidden).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('round-trips settings through the handlers', async () => {
    const handlers = createHandlers(services);
    const updated = unwrapIpcResult(
      'settings.update',
      await dispatchRequest(handlers, 'settings.update', { theme: 'dark' }),
    );
    expect(updated).toEqual({ theme: 'dark', backend: 'auto', annotatorName: expect.any(String) });
    expect(
      unwrapIpcResult('settings.get', await dispatchRequest(handlers, 'settings.get', undefined)),
    ).toEqual(updated);
  });
});

describe('electron handle wrapper', () => {
  type Listener = (event: { senderFrame: { url: string } | null }, message: unknown) => Promise<IpcResult>;
  function fakeIpcMain() {
    const registered = new Map<string, Listener>();
    return {
      registered,
      handle: (channel: string, listener: Listener) => registered.set(channel, listener),
      removeHandler: (channel: string) => registered.delete(channel),
    };
  }

  it('registers one channel and dispatches calls from the app page', async () => {
    const ipcMain = fakeIpcMain();
    const unregister = handleRequests(ipcMain as never, createHandlers(services));
    const listener = ipcMain.registered.get(requestIpcChannel)!;
    const result = await listener(
      { senderFrame: { url: 'app://nezha/index.html#/checkpoints' } },
      { channel: 'settings.get' },
    );
    expect(result).toEqual({
      ok: true,
      result: { theme: 'system', backend: 'auto', annotatorName: expect.any(String) },
    });
    unregister();
    expect(ipcMain.registered.size).toBe(0);
  });

  it('rejects a foreign sender', async () => {
    const ipcMain = fakeIpcMain();
    handleRequests(ipcMain as never, createHandlers(services));
    const listener = ipcMain.registered.get(requestIpcChannel)!;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    for (const senderFrame of [
      { url: 'https://evil.example/' },
      { url: 'file:///tmp/x.html' },
      { url: 'app://other/' },
      null,
    ]) {
      const result = await listener({ senderFrame }, { channel: 'checkpoints.list' });
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden', channel: 'checkpoints.list' } });
    }
    // Each refusal is logged on the main side, naming the caller.
    expect(warn.mock.calls.map((call) => String(call[0]))).toEqual([
      '[ipc] refused "checkpoints.list" from https://evil.example/',
      '[ipc] refused "checkpoints.list" from file:///tmp/x.html',
      '[ipc] refused "checkpoints.list" from app://other/',
      '[ipc] refused "checkpoints.list" from (no frame)',
    ]);
    warn.mockRestore();
  });

  it('rejects a malformed envelope', async () => {
    const ipcMain = fakeIpcMain();
    handleRequests(ipcMain as never, createHandlers(services));
    const result = await ipcMain.registered.get(requestIpcChannel)!(
      { senderFrame: { url: 'app://nezha/' } },
      'checkpoints.list',
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });
});

describe('event forwarding', () => {
  it('sends bus events only to live contents showing the app page', () => {
    const sent: [string, string, unknown][] = [];
    const contents = (name: string, url: string, destroyed = false) => ({
      isDestroyed: () => destroyed,
      getURL: () => url,
      send: (channel: string, message: unknown) => sent.push([name, channel, message]),
    });
    const targets = [
      contents('app', 'app://nezha/index.html'),
      contents('foreign', 'https://evil.example/'),
      contents('closed', 'app://nezha/index.html', true),
    ];
    const stop = forwardEvents(services.events, () => targets as never);
    services.events.emit('main.error', { message: 'disk full' });
    stop();
    services.events.emit('main.error', { message: 'after stop' });
    expect(sent).toEqual([
      ['app', 'nezha:event', { channel: 'main.error', payload: { message: 'disk full' } }],
    ]);
  });
});

describe('isAppUrl', () => {
  it('accepts only the app origin', () => {
    expect(isAppUrl('app://nezha/index.html')).toBe(true);
    expect(isAppUrl('app://nezha.evil/index.html')).toBe(false);
    expect(isAppUrl('app://user@nezha/')).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5000/')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5000/x', 'http://127.0.0.1:5000')).toBe(true);
  });
});
