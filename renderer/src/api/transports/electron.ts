/**
 * The desktop transport: the sandboxed preload exposes `window.nezha` (it implements Transport
 * over ipcRenderer); the renderer never sees ipcRenderer itself.
 */
import type { Transport } from '../../../../shared/ipc';

declare global {
  interface Window {
    nezha?: Transport;
  }
}

export function electronTransport(): Transport | null {
  const bridge = typeof window !== 'undefined' ? window.nezha : undefined;
  if (!bridge || typeof bridge.request !== 'function' || typeof bridge.subscribe !== 'function') return null;
  // The bridge object is frozen by contextBridge; wrap it so callers get a plain Transport.
  return {
    request: (channel, payload) => bridge.request(channel, payload),
    subscribe: (channel, listener) => bridge.subscribe(channel, listener),
    checkpointFileUrl: (checkpointId, file) => bridge.checkpointFileUrl(checkpointId, file),
    trainingRunFilesUrl: (runId) => bridge.trainingRunFilesUrl(runId),
  };
}
