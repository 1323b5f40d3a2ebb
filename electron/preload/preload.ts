/**
 * The sandboxed preload: exposes ONLY the typed transport as `window.nezha` (the renderer's Electron
 * transport checks for it). Requests go over one IPC channel and come back as IpcResult envelopes.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EventChannel, Transport } from '../../shared/ipc';
import { appOrigin, eventIpcChannel, requestIpcChannel } from '../ipc/channels';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();

ipcRenderer.on(
  eventIpcChannel,
  (_event: IpcRendererEvent, message: { channel?: unknown; payload?: unknown }) => {
    if (typeof message?.channel !== 'string') return;
    for (const listener of listeners.get(message.channel) ?? []) {
      try {
        listener(message.payload);
      } catch (error) {
        console.error(`Listener for "${message.channel}" failed:`, error);
      }
    }
  },
);

/** Same path shape as shared/ipc/transport.ts checkpointFilePath (kept local so the preload bundle stays tiny). */
function checkpointFileUrl(checkpointId: string, file: string): string {
  const encodedFile = String(file).split('/').map(encodeURIComponent).join('/');
  return `${appOrigin}/files/checkpoints/${encodeURIComponent(String(checkpointId))}/${encodedFile}`;
}

/** Same path as shared/ipc/transport.ts trainingRunFilesPath (the worker PUTs and GETs the run's bytes there). */
function trainingRunFilesUrl(runId: string): string {
  return `${appOrigin}/files/training/${encodeURIComponent(String(runId))}`;
}

const transport: Transport = {
  request(channel: string, payload: unknown): Promise<unknown> {
    if (typeof channel !== 'string')
      return Promise.reject(new TypeError('nezha.request: channel must be a string'));
    return ipcRenderer.invoke(requestIpcChannel, { channel, payload });
  },
  subscribe(channel: EventChannel, listener: (payload: unknown) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('nezha.subscribe: listener must be a function');
    let set = listeners.get(channel);
    if (!set) listeners.set(channel, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  },
  checkpointFileUrl,
  trainingRunFilesUrl,
};

contextBridge.exposeInMainWorld('nezha', transport);
