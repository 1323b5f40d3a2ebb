import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServices, type Services } from '../services/services';

// main.ts imports electron; outside Electron it only exposes its factories, so a bare mock suffices.
vi.mock('electron', () => ({
  app: {},
  BrowserWindow: class {},
  ipcMain: {},
  Menu: {},
  protocol: {},
  screen: {},
  session: {},
  shell: {},
}));

const { createMainWindowOptions, contentSecurityPolicy, webgpuSwitches } = await import('./main');
const { appProtocolResponse, appSchemePrivileges } = await import('./appProtocol');
const { applySessionSecurity, applyWebContentsSecurity } = await import('./security');
const { restoreWindowState } = await import('./windowState');
const { buildMenuTemplate } = await import('./menu');

describe('main window options', () => {
  it('isolate and sandbox the renderer', () => {
    const options = createMainWindowOptions({ preloadPath: '/app/out/preload/preload.cjs' });
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(options.show).toBe(false);
    expect(options.width).toBeGreaterThanOrEqual(options.minWidth!);
    expect(
      createMainWindowOptions({ preloadPath: 'p', bounds: { x: 5, y: 6, width: 1000, height: 700 } }),
    ).toMatchObject({
      x: 5,
      y: 6,
      width: 1000,
      height: 700,
    });
  });

  it('use a CSP without eval or remote origins, allowing WASM and blob workers', () => {
    const directives = new Map(
      contentSecurityPolicy.split(';').map((d) => {
        const [name, ...sources] = d.trim().split(/\s+/);
        return [name, sources] as const;
      }),
    );
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", 'blob:']);
    expect(directives.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(contentSecurityPolicy).not.toContain("'unsafe-eval'");
    expect(contentSecurityPolicy).not.toMatch(/https?:|\*/);
  });

  it('enable WebGPU on Linux only', () => {
    expect(webgpuSwitches('linux').map(([name]) => name)).toContain('enable-unsafe-webgpu');
    expect(webgpuSwitches('win32')).toEqual([]);
    expect(webgpuSwitches('darwin')).toEqual([]);
  });
});

describe('app:// protocol', () => {
  let dir: string;
  let services: Services;
  let context: Parameters<typeof appProtocolResponse>[1];
  const demo = 'builtin-nezha-tiny-token-classification';
  const weights = readFileSync(
    resolve(__dirname, '../../resources/checkpoints/nezha-tiny-token-classification/model.safetensors'),
  );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nezha-protocol-'));
    mkdirSync(join(dir, 'renderer'));
    writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    services = await createServices({
      dataDir: join(dir, 'data'),
      resourcesDir: resolve(__dirname, '../../resources'),
      host: 'electron',
    });
    context = {
      rendererDir: join(dir, 'renderer'),
      library: services.checkpoints,
      benchmarkData: services.benchmarkData,
    };
  });
  afterAll(() => {
    services.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is registered as a standard, secure, fetchable, streaming scheme', () => {
    expect(appSchemePrivileges).toMatchObject({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
    });
  });

  it('serves the app page with CSP, COOP and COEP', async () => {
    const response = appProtocolResponse(new Request('app://nezha/index.html'), context);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>app</title>');
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('serves the bundled CJK font (woff2) as font/woff2, and the CSP lets the page load it from itself', async () => {
    mkdirSync(join(dir, 'renderer', 'assets'), { recursive: true });
    const font = readFileSync(
      resolve(
        __dirname,
        '../../node_modules/@fontsource/noto-sans-sc/files/noto-sans-sc-chinese-simplified-400-normal.woff2',
      ),
    );
    writeFileSync(join(dir, 'renderer', 'assets', 'noto-sans-sc-4-400-normal-abc.woff2'), font);
    const response = appProtocolResponse(
      new Request('app://nezha/assets/noto-sans-sc-4-400-normal-abc.woff2'),
      context,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('font/woff2');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(
      Buffer.from(await response.arrayBuffer())
        .subarray(0, 4)
        .toString('latin1'),
    ).toBe('wOF2');
    expect(contentSecurityPolicy).toMatch(/(^|; )font-src 'self'( |;|$)/);
  });

  it('serves checkpoint bytes with Range (206, 416) and whole (200)', async () => {
    const url = `app://nezha/files/checkpoints/${demo}/model.safetensors`;
    const partial = appProtocolResponse(new Request(url, { headers: { range: 'bytes=8-15' } }), context);
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe(`bytes 8-15/${weights.length}`);
    expect(Buffer.from(await partial.arrayBuffer()).equals(weights.subarray(8, 16))).toBe(true);
    const whole = appProtocolResponse(new Request(url), context);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(weights)).toBe(true);
    const beyond = appProtocolResponse(
      new Request(url, { headers: { range: `bytes=${weights.length + 10}-` } }),
      context,
    );
    expect(beyond.status).toBe(416);
  });

  it("serves a dataset's benchmark data file with its SHA-256 as ETag, 404 for an unknown dataset", async () => {
    const heldout = services.datasetStore.list().find((d) => d.name.includes('held-out'))!;
    const prepared = services.benchmarkData.prepare(heldout.id);
    const response = appProtocolResponse(new Request(`app://nezha${prepared.path}`), context);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe(`"${prepared.sha256}"`);
    expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(prepared.sha256);
    const unknown = appProtocolResponse(
      new Request('app://nezha/files/datasets/nope/benchmark.json'),
      context,
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toMatch(/nope does not exist/);
  });

  it('refuses traversal and foreign hosts', async () => {
    for (const url of [
      `app://nezha/files/checkpoints/${demo}/..%2F..%2F..%2Fpackage.json`,
      `app://nezha/files/checkpoints/${demo}/README.md`,
      'app://nezha/..%2Fsecret.txt',
      'app://nezha/%2e%2e/secret.txt',
      'app://other/index.html',
    ]) {
      const response = appProtocolResponse(new Request(url), context);
      expect([403, 404], url).toContain(response.status);
      expect(await response.text()).not.toBe('secret');
    }
  });
});

describe('security defaults', () => {
  it('deny navigation, new windows, webviews and every permission; add headers to app pages', () => {
    const handlers = new Map<string, (...args: unknown[]) => void>();
    let openHandler: ((details: { url: string }) => { action: string }) | undefined;
    const contents = {
      on: (name: string, handler: (...args: unknown[]) => void) => handlers.set(name, handler),
      setWindowOpenHandler: (handler: typeof openHandler) => (openHandler = handler),
    };
    const opened: string[] = [];
    applyWebContentsSecurity(contents as never, (url) => opened.push(url));
    const event = { preventDefault: vi.fn() };
    handlers.get('will-navigate')!(event, 'https://evil.example/');
    handlers.get('will-navigate')!(event, 'app://nezha/other.html');
    handlers.get('will-attach-webview')!(event);
    expect(event.preventDefault).toHaveBeenCalledTimes(3);
    expect(openHandler!({ url: 'https://example.org/docs' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://example.org/docs']);

    let headersHook: ((d: unknown, cb: (r: unknown) => void) => void) | undefined;
    let requestHook: ((d: unknown, cb: (r: unknown) => void) => void) | undefined;
    let permissionRequest: ((c: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    let permissionCheck: (() => boolean) | undefined;
    const session = {
      webRequest: {
        onHeadersReceived: (h: typeof headersHook) => (headersHook = h),
        onBeforeRequest: (h: typeof requestHook) => (requestHook = h),
      },
      setPermissionRequestHandler: (h: typeof permissionRequest) => (permissionRequest = h),
      setPermissionCheckHandler: (h: typeof permissionCheck) => (permissionCheck = h),
    };
    applySessionSecurity(session as never);
    const granted: boolean[] = [];
    permissionRequest!(null, 'media', (ok) => granted.push(ok));
    permissionRequest!(null, 'notifications', (ok) => granted.push(ok));
    expect(granted).toEqual([false, false]);
    expect(permissionCheck!()).toBe(false);

    let result: { responseHeaders: Record<string, string[]> } | undefined;
    headersHook!(
      { url: 'app://nezha/index.html', responseHeaders: { 'content-security-policy': ['default-src *'] } },
      (r) => (result = r as never),
    );
    expect(result!.responseHeaders['Content-Security-Policy']).toEqual([contentSecurityPolicy]);
    expect(result!.responseHeaders['content-security-policy']).toBeUndefined();
    expect(result!.responseHeaders['Cross-Origin-Embedder-Policy']).toEqual(['require-corp']);

    const cancelled: boolean[] = [];
    for (const url of ['https://cdn.example/x.js', 'app://nezha/assets/a.js', 'http://127.0.0.1:80/']) {
      requestHook!({ url }, (r) => cancelled.push((r as { cancel: boolean }).cancel));
    }
    expect(cancelled).toEqual([true, false, true]);
  });
});

describe('window state', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  it('restores saved bounds that are on a display, and drops the position otherwise', () => {
    expect(
      restoreWindowState({ bounds: { x: 100, y: 50, width: 1000, height: 700 }, maximized: true }, screen),
    ).toEqual({
      bounds: { x: 100, y: 50, width: 1000, height: 700 },
      maximized: true,
    });
    expect(
      restoreWindowState({ bounds: { x: 5000, y: 50, width: 1000, height: 700 }, maximized: false }, screen),
    ).toEqual({
      bounds: { width: 1000, height: 700 },
      maximized: false,
    });
    expect(restoreWindowState(null, screen).bounds).toEqual({ width: 1280, height: 820 });
    expect(restoreWindowState({ bounds: { x: 'a' } }, screen).bounds).toEqual({ width: 1280, height: 820 });
  });
});

describe('menu', () => {
  it('has the app menu on macOS only and devtools only in development', () => {
    const mac = buildMenuTemplate('darwin', 'Nezha Studio', false);
    const linux = buildMenuTemplate('linux', 'Nezha Studio', true);
    expect(mac[0].label).toBe('Nezha Studio');
    expect(linux[0].label).toBe('File');
    expect(JSON.stringify(mac)).not.toContain('toggleDevTools');
    expect(JSON.stringify(linux)).toContain('toggleDevTools');
  });
});
