import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

// A recording stand-in for the parts of Electron that startApp touches.
const calls: string[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'nezha-start-'));
const repoRoot = resolve(__dirname, '../..');
const appHandlers = new Map<string, (...args: unknown[]) => void>();
const windows: { options: Record<string, unknown>; url?: string; handlers: Map<string, () => void> }[] = [];
let protocolHandler: ((request: Request) => Response | Promise<Response>) | undefined;
let ipcHandler: ((event: unknown, message: unknown) => Promise<unknown>) | undefined;
let singleInstance = true;
// The native dialogs: which window each sender belongs to, and the calls made.
const dialogWindows = new Map<unknown, { isDestroyed(): boolean }>();
const dialogCalls: { kind: string; window: unknown; options: unknown }[] = [];

vi.mock('electron', () => {
  class BrowserWindow {
    static getAllWindows = () => [];
    static fromWebContents = (contents: unknown) => dialogWindows.get(contents) ?? null;
    record: (typeof windows)[number];
    webContents = { once: () => undefined, getURL: () => 'app://nezha/index.html' };
    constructor(options: Record<string, unknown>) {
      this.record = { options, handlers: new Map() };
      windows.push(this.record);
    }
    once(name: string, handler: () => void) {
      this.record.handlers.set(name, handler);
    }
    on(name: string, handler: () => void) {
      this.record.handlers.set(name, handler);
    }
    maximize() {}
    loadURL(url: string) {
      this.record.url = url;
      calls.push(`loadURL ${url}`);
      return Promise.resolve();
    }
  }
  return {
    app: {
      requestSingleInstanceLock: () => singleInstance,
      quit: () => calls.push('quit'),
      setName: (name: string) => calls.push(`setName ${name}`),
      commandLine: { appendSwitch: (name: string) => calls.push(`switch ${name}`) },
      on: (name: string, handler: (...args: unknown[]) => void) => appHandlers.set(name, handler),
      whenReady: () => {
        calls.push('ready');
        return Promise.resolve();
      },
      getPath: (name: string) => (name === 'userData' ? dataDir : '/nowhere'),
      getAppPath: () => repoRoot,
      getVersion: () => '9.9.9',
      isPackaged: false,
      exit: () => calls.push('exit'),
    },
    BrowserWindow,
    dialog: {
      showOpenDialog: (window: unknown, options: unknown) => {
        dialogCalls.push({ kind: 'open', window, options });
        return Promise.resolve({ canceled: false, filePaths: ['/picked/folder'] });
      },
      showSaveDialog: (window: unknown, options: unknown) => {
        dialogCalls.push({ kind: 'save', window, options });
        return Promise.resolve({ canceled: true, filePath: '' });
      },
    },
    ipcMain: {
      handle: (channel: string, handler: typeof ipcHandler) => {
        calls.push(`ipc ${channel}`);
        ipcHandler = handler;
      },
      removeHandler: () => undefined,
    },
    Menu: { buildFromTemplate: (t: unknown[]) => t, setApplicationMenu: () => calls.push('menu') },
    protocol: {
      registerSchemesAsPrivileged: (schemes: { scheme: string }[]) =>
        calls.push(`privileged ${schemes.map((s) => s.scheme).join(',')}`),
      handle: (scheme: string, handler: typeof protocolHandler) => {
        calls.push(`protocol ${scheme}`);
        protocolHandler = handler;
      },
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: {
        webRequest: {
          onHeadersReceived: () => calls.push('csp headers'),
          onBeforeRequest: () => calls.push('block remote'),
        },
        setPermissionRequestHandler: () => calls.push('deny permissions'),
        setPermissionCheckHandler: () => undefined,
      },
    },
    shell: { openExternal: () => undefined },
  };
});

const { startApp } = await import('./main');
afterAll(() => {
  appHandlers.get('will-quit')?.();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('startApp (Electron mocked)', () => {
  it('registers the scheme and switches before ready, then wires services, IPC, protocol and the window', async () => {
    await startApp();
    const ready = calls.indexOf('ready');
    expect(calls.indexOf('privileged app')).toBeGreaterThanOrEqual(0);
    expect(calls.indexOf('privileged app')).toBeLessThan(ready);
    if (process.platform === 'linux')
      expect(calls.indexOf('switch enable-unsafe-webgpu')).toBeLessThan(ready);
    for (const step of [
      'csp headers',
      'block remote',
      'deny permissions',
      'protocol app',
      'ipc nezha:request',
      'menu',
    ]) {
      expect(calls.indexOf(step), step).toBeGreaterThan(ready);
    }
    expect(windows).toHaveLength(1);
    expect(windows[0].url).toBe('app://nezha/index.html');
    expect(windows[0].options).toMatchObject({
      show: false,
      webPreferences: { contextIsolation: true, sandbox: true },
    });
    expect(String((windows[0].options.webPreferences as { preload: string }).preload)).toMatch(
      /preload[\\/]preload\.cjs$/,
    );
    expect([...appHandlers.keys()]).toEqual(
      expect.arrayContaining(['web-contents-created', 'second-instance', 'window-all-closed', 'will-quit']),
    );
  });

  it('answers IPC from the app page with the services behind it, and refuses other pages', async () => {
    const info = await ipcHandler!(
      { senderFrame: { url: 'app://nezha/index.html' } },
      { channel: 'app.info' },
    );
    expect(info).toMatchObject({ ok: true, result: { host: 'electron', version: '9.9.9', dataDir } });
    const list = (await ipcHandler!(
      { senderFrame: { url: 'app://nezha/' } },
      { channel: 'checkpoints.list' },
    )) as {
      result: { builtin: boolean }[];
    };
    expect(list.result.some((c) => c.builtin)).toBe(true);
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const foreign = await ipcHandler!(
      { senderFrame: { url: 'https://evil.example/' } },
      { channel: 'app.info' },
    );
    expect(foreign).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('answers dialogs.pick with the native dialog parented to the sending window', async () => {
    const sender = { isDestroyed: () => false };
    const window = { isDestroyed: () => false };
    dialogWindows.set(sender, window);
    const app = { url: 'app://nezha/index.html' };
    const opened = await ipcHandler!(
      { senderFrame: app, sender },
      { channel: 'dialogs.pick', payload: { purpose: 'open-folder', title: 'Checkpoint folder' } },
    );
    expect(opened).toEqual({ ok: true, result: { path: '/picked/folder' } });
    const saved = await ipcHandler!(
      { senderFrame: app, sender },
      { channel: 'dialogs.pick', payload: { purpose: 'save-file' } },
    );
    expect(saved).toEqual({ ok: true, result: { path: null } });
    expect(dialogCalls).toEqual([
      { kind: 'open', window, options: { title: 'Checkpoint folder', properties: ['openDirectory'] } },
      { kind: 'save', window, options: { properties: ['createDirectory', 'showOverwriteConfirmation'] } },
    ]);
  });

  it('serves checkpoint bytes over the registered app:// handler with Range', async () => {
    const response = await protocolHandler!(
      new Request('app://nezha/files/checkpoints/builtin-nezha-tiny-token-classification/config.json', {
        headers: { range: 'bytes=0-0' },
      }),
    );
    expect(response.status).toBe(206);
    expect(await response.text()).toBe('{');
  });

  it('takes training run bytes over app:// (PUT streamed from the body) and serves the state back', async () => {
    const app = { senderFrame: { url: 'app://nezha/index.html' } };
    const run = {
      id: 'run-app',
      name: 'tiny NER',
      checkpointId: 'ckpt',
      datasetId: 'ds',
      task: 'token-classification',
      settings: {},
      status: 'running',
      step: 0,
      totalSteps: 4,
      lossHistory: [],
      devHistory: [],
      precision: null,
      error: null,
    };
    expect(await ipcHandler!(app, { channel: 'trainingRuns.save', payload: { run } })).toMatchObject({
      ok: true,
    });
    const base = 'app://nezha/files/training/run-app';
    const state = new Uint8Array(70_000).map((_, i) => (i * 13) % 256);
    /** The body as Chromium hands it over: a stream, here in chunks, optionally breaking off half way. */
    const streamOf = (bytes: Uint8Array, breakAt?: number) => {
      let at = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (breakAt !== undefined && at >= breakAt)
            return controller.error(new Error('renderer went away'));
          if (at >= bytes.byteLength) return controller.close();
          controller.enqueue(bytes.slice(at, at + 16_384));
          at += 16_384;
        },
      });
    };
    const put = (path: string, body: ReadableStream<Uint8Array>, origin = 'app://nezha') =>
      protocolHandler!(
        new Request(`${base}/${path}`, {
          method: 'PUT',
          body,
          headers: { origin },
          duplex: 'half',
        } as RequestInit),
      );

    const saved = await put('state?step=2', streamOf(state));
    expect(saved.status).toBe(200);
    expect(await saved.json()).toEqual({ bytes: state.byteLength });
    const record = (await ipcHandler!(app, { channel: 'trainingRuns.get', payload: { runId: run.id } })) as {
      result: { stateStep: number };
    };
    expect(record.result.stateStep).toBe(2);
    const part = await protocolHandler!(new Request(`${base}/state`, { headers: { range: 'bytes=10-19' } }));
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(Buffer.from(state.subarray(10, 20)))).toBe(true);

    // Another origin, a name no trained folder holds, a body that breaks off: refused, the state intact.
    expect((await put('state?step=3', streamOf(state), 'https://evil.example')).status).toBe(403);
    expect((await put('output/..%2Frun.json', streamOf(state))).status).toBe(400);
    expect((await put('state?step=3', streamOf(state, 32_768))).status).toBe(500);
    const whole = await protocolHandler!(new Request(`${base}/state`));
    expect(Buffer.from(await whole.arrayBuffer()).equals(Buffer.from(state))).toBe(true);
    expect(readdirSync(join(dataDir, 'training-runs', run.id)).sort()).toEqual([
      'run.json',
      'training_state.safetensors',
    ]);
    expect((await put('output/config.json', streamOf(new TextEncoder().encode('{}')))).status).toBe(200);
    expect(readFileSync(join(dataDir, 'training-runs', run.id, 'output', 'config.json'), 'utf8')).toBe('{}');
  });

  it('saves the window bounds on close', async () => {
    const record = windows[0];
    // The close handler reads bounds from the window; give the fake the methods it needs.
    Object.assign((await import('electron')).BrowserWindow.prototype as object, {
      isDestroyed: () => false,
      isMaximized: () => true,
      isFullScreen: () => false,
      getNormalBounds: () => ({ x: 10, y: 20, width: 1100, height: 700 }),
      getBounds: () => ({ x: 0, y: 0, width: 1, height: 1 }),
    });
    record.handlers.get('close')!();
    const { openDatabase } = await import('../services/database');
    const { SettingsService } = await import('../services/settings');
    const db = openDatabase(join(dataDir, 'nezha-studio.sqlite'));
    expect(new SettingsService(db).getInternal('windowState')).toEqual({
      bounds: { x: 10, y: 20, width: 1100, height: 700 },
      maximized: true,
    });
    db.close();
  });

  it('quits at once when another instance holds the lock', async () => {
    singleInstance = false;
    calls.length = 0;
    await startApp();
    expect(calls).toEqual(['quit']);
  });
});
