/**
 * The Electron transport's main half: one `ipcMain.handle` channel carrying {channel, payload},
 * answered with the IpcResult envelope; events are sent to every window on the app's origin.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { IpcResult } from '../../shared/ipc';
import type { EventBus } from '../services/events';
import { eventIpcChannel, requestIpcChannel } from './channels';
import { dispatchRequest } from './dispatch';
import type { Handlers } from './handlers';
import { isAppUrl } from './sender';

export interface HandleOptions {
  /** Which sender frames may call; default: frames on the app's own origin. */
  isTrustedSender?: (event: IpcMainInvokeEvent) => boolean;
}

export function isTrustedFrame(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): boolean {
  // senderFrame is null when the frame navigated away or was destroyed before the call arrived.
  const frame = event.senderFrame;
  return frame !== null && frame !== undefined && isAppUrl(frame.url);
}

/**
 * The typed `handle` wrapper: validates the envelope and sender, then dispatches. Returns a function
 * that unregisters it.
 */
export function handleRequests(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  handlers: Handlers,
  options: HandleOptions = {},
) {
  const trusted = options.isTrustedSender ?? isTrustedFrame;
  ipcMain.handle(requestIpcChannel, async (event, message: unknown): Promise<IpcResult> => {
    const channel =
      typeof message === 'object' &&
      message !== null &&
      typeof (message as { channel?: unknown }).channel === 'string'
        ? (message as { channel: string }).channel
        : '(none)';
    if (!trusted(event)) {
      const url = event.senderFrame?.url ?? '(no frame)';
      console.warn(`[ipc] refused "${channel}" from ${url}`);
      return {
        ok: false,
        error: {
          code: 'forbidden',
          message: `Refused "${channel}": the caller (${url}) is not the app's own page.`,
          channel,
        },
      };
    }
    if (channel === '(none)') {
      return {
        ok: false,
        error: {
          code: 'bad-request',
          message: `Malformed IPC message on ${requestIpcChannel}: expected {channel, payload}.`,
          channel,
        },
      };
    }
    // The sender goes along so a handler can act on the caller's window (dialogs.pick parents its dialog).
    return dispatchRequest(handlers, channel, (message as { payload?: unknown }).payload, {
      sender: event.sender,
    });
  });
  return () => ipcMain.removeHandler(requestIpcChannel);
}

/** Forward bus events to the given web contents while they show the app's own page. */
export function forwardEvents(events: EventBus, targets: () => WebContents[]): () => void {
  return events.listen((channel, payload) => {
    for (const contents of targets()) {
      if (!contents.isDestroyed() && isAppUrl(contents.getURL()))
        contents.send(eventIpcChannel, { channel, payload });
    }
  });
}
