/**
 * dialogs.pick on the Electron side: the OS open/save dialog, parented (modal) to the window that asked.
 * Electron's `dialog` and `BrowserWindow` are passed in so this is unit-testable without Electron.
 */
import type { BrowserWindow, Dialog, OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { PickPathRequest } from '../../shared/ipc';
import type { PathPicker } from '../ipc/handlers';
import { ServiceError } from '../services/errors';

export interface DialogApis {
  dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>;
  BrowserWindow: Pick<typeof BrowserWindow, 'fromWebContents'>;
}

/** The options both dialog kinds share; keys the request leaves out stay out. */
function commonOptions(request: PickPathRequest) {
  return {
    ...(request.title !== undefined ? { title: request.title } : {}),
    ...(request.defaultPath !== undefined ? { defaultPath: request.defaultPath } : {}),
    ...(request.filters !== undefined ? { filters: request.filters } : {}),
  };
}

export function openDialogOptions(request: PickPathRequest): OpenDialogOptions {
  return {
    ...commonOptions(request),
    properties: [request.purpose === 'open-folder' ? 'openDirectory' : 'openFile'],
  };
}

export function saveDialogOptions(request: PickPathRequest): SaveDialogOptions {
  // createDirectory: macOS; showOverwriteConfirmation: Linux (Windows and macOS always confirm).
  return { ...commonOptions(request), properties: ['createDirectory', 'showOverwriteConfirmation'] };
}

export function createPathPicker({ dialog, BrowserWindow }: DialogApis): PathPicker {
  return async (request, { sender }) => {
    const window = sender && !sender.isDestroyed() ? BrowserWindow.fromWebContents(sender) : null;
    // A dialog with no parent would float free of the app (and could open behind it); refuse instead.
    if (!window || window.isDestroyed())
      throw new ServiceError(
        'bad-request',
        'No app window to show the file dialog on (the window that asked was closed); type the path instead.',
      );
    if (request.purpose === 'save-file') {
      const saved = await dialog.showSaveDialog(window, saveDialogOptions(request));
      return saved.canceled || !saved.filePath ? null : saved.filePath;
    }
    const opened = await dialog.showOpenDialog(window, openDialogOptions(request));
    return opened.canceled || opened.filePaths.length === 0 ? null : opened.filePaths[0];
  };
}
