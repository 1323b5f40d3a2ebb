/**
 * The main window's options and the Electron-side CSP, as plain functions so tests can assert them
 * without starting Electron.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { contentSecurityPolicy } from '../security/csp';

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export const defaultWindowBounds: WindowBounds = { width: 1280, height: 820 };
export const minimumWindowSize = { width: 900, height: 600 };

/** CSP for the app's pages in Electron: everything (pages, wasm, checkpoint files) comes from app://nezha. */
export const electronContentSecurityPolicy = contentSecurityPolicy();

export function createMainWindowOptions(options: {
  preloadPath: string;
  bounds?: WindowBounds;
  iconPath?: string;
  backgroundColor?: string;
}): BrowserWindowConstructorOptions {
  const bounds = options.bounds ?? defaultWindowBounds;
  return {
    ...bounds,
    minWidth: minimumWindowSize.width,
    minHeight: minimumWindowSize.height,
    title: 'Nezha Studio',
    // Shown on 'ready-to-show' so the person never sees an empty white frame.
    show: false,
    backgroundColor: options.backgroundColor ?? '#1e1f22',
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: true,
      safeDialogs: true,
    },
  };
}

/**
 * Command-line switches to apply before `ready`. On Linux Chromium ships WebGPU behind
 * --enable-unsafe-webgpu (and needs Vulkan); Windows and macOS have it on by default.
 */
export function webgpuSwitches(platform: NodeJS.Platform): [name: string, value?: string][] {
  if (platform === 'linux') return [['enable-unsafe-webgpu'], ['enable-features', 'Vulkan']];
  return [];
}
