/**
 * The Electron main process: one window on app://nezha, sandboxed with a typed preload bridge,
 * services on the userData folder, and the security defaults of security.ts.
 * Importing this module outside Electron (unit tests) only exposes the factories below.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appOrigin } from '../ipc/channels';
import { forwardEvents, handleRequests } from '../ipc/electronIpc';
import { createHandlers } from '../ipc/handlers';
import { appName, createServices, type Services } from '../services/services';
import { appSchemePrivileges, handleAppRequest } from './appProtocol';
import { buildMenuTemplate } from './menu';
import { createPathPicker } from './pathPicker';
import { applySessionSecurity, applyWebContentsSecurity } from './security';
import { createMainWindowOptions, electronContentSecurityPolicy, webgpuSwitches } from './windowOptions';
import { restoreWindowState, windowStateKey, type WindowState } from './windowState';

export { createMainWindowOptions, webgpuSwitches, electronContentSecurityPolicy as contentSecurityPolicy };

/** Built layout: out/main/main.js, out/preload/preload.cjs, out/renderer/index.html. */
function buildPaths() {
  const mainDir = dirname(fileURLToPath(import.meta.url));
  const appRoot = app.getAppPath();
  return {
    preload: join(mainDir, '../preload/preload.cjs'),
    renderer: join(mainDir, '../renderer'),
    // Packaged: resources/ is copied beside app.asar (extraResources); in dev it is in the repo.
    resources: app.isPackaged ? join(process.resourcesPath, 'resources') : join(appRoot, 'resources'),
  };
}

function createWindow(services: Services, paths: ReturnType<typeof buildPaths>): BrowserWindow {
  const saved = services.settings.getInternal<WindowState>(windowStateKey);
  const state = restoreWindowState(
    saved,
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const iconPath = join(paths.resources, 'icon.png');
  const window = new BrowserWindow(
    createMainWindowOptions({
      preloadPath: paths.preload,
      bounds: state.bounds,
      iconPath: existsSync(iconPath) ? iconPath : undefined,
    }),
  );
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());

  const saveState = () => {
    if (window.isDestroyed()) return;
    const bounds =
      window.isMaximized() || window.isFullScreen() ? window.getNormalBounds() : window.getBounds();
    services.settings.setInternal(windowStateKey, {
      bounds,
      maximized: window.isMaximized(),
    } satisfies WindowState);
  };
  window.on('close', saveState);

  window.webContents.once('did-finish-load', () => {
    for (const problem of services.startupProblems) services.events.emit('main.error', { message: problem });
  });
  void window.loadURL(`${appOrigin}/index.html`);
  return window;
}

export async function startApp(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.setName(appName);
  // Must happen before ready: privileged scheme and GPU switches.
  protocol.registerSchemesAsPrivileged([appSchemePrivileges]);
  for (const [name, value] of webgpuSwitches(process.platform)) app.commandLine.appendSwitch(name, value);

  app.on('web-contents-created', (_event, contents) =>
    applyWebContentsSecurity(contents, (url) => void shell.openExternal(url)),
  );

  await app.whenReady();
  const paths = buildPaths();
  const services = await createServices({
    dataDir: app.getPath('userData'),
    resourcesDir: paths.resources,
    host: 'electron',
    version: app.getVersion(),
  });
  for (const problem of services.startupProblems) console.warn(`[main] ${problem}`);

  applySessionSecurity(session.defaultSession);
  protocol.handle(appSchemePrivileges.scheme, (request) =>
    handleAppRequest(request, {
      rendererDir: paths.renderer,
      library: services.checkpoints,
      trainingRuns: services.trainingRuns,
      benchmarkData: services.benchmarkData,
    }),
  );
  handleRequests(
    ipcMain,
    createHandlers(services, { pickPath: createPathPicker({ dialog, BrowserWindow }) }),
  );
  forwardEvents(services.events, () => BrowserWindow.getAllWindows().map((w) => w.webContents));
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(buildMenuTemplate(process.platform, appName, !app.isPackaged)),
  );

  let mainWindow = createWindow(services, paths);
  app.on('second-instance', () => {
    if (mainWindow.isDestroyed()) mainWindow = createWindow(services, paths);
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow(services, paths);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => services.close());
}

// Only inside Electron: unit tests import this module (with electron mocked) for its factories.
if (process.versions.electron) {
  startApp().catch((error: unknown) => {
    console.error('Nezha Studio failed to start:', error);
    app.exit(1);
  });
}
