import { describe, expect, it, vi } from 'vitest';
import type { PickPathRequest } from '../../shared/ipc';
import { ServiceError } from '../services/errors';
import { createPathPicker, type DialogApis } from './pathPicker';

// A stand-in for Electron's dialog and BrowserWindow: records which call was made, with which parent.
function fakeElectron(answers: {
  open?: { canceled: boolean; filePaths: string[] };
  save?: { canceled: boolean; filePath: string };
}) {
  const windows = new Map<object, { name: string; isDestroyed(): boolean }>();
  type Show<T> = (window: unknown, options: unknown) => Promise<T>;
  const showOpenDialog = vi.fn<Show<{ canceled: boolean; filePaths: string[] }>>(
    async () => answers.open ?? { canceled: true, filePaths: [] },
  );
  const showSaveDialog = vi.fn<Show<{ canceled: boolean; filePath: string }>>(
    async () => answers.save ?? { canceled: true, filePath: '' },
  );
  const apis = {
    dialog: { showOpenDialog, showSaveDialog },
    BrowserWindow: { fromWebContents: (contents: object) => windows.get(contents) ?? null },
  } as unknown as DialogApis;
  const sender = (name: string, destroyed = false) => {
    const contents = { isDestroyed: () => destroyed };
    windows.set(contents, { name, isDestroyed: () => destroyed });
    return contents as never;
  };
  return { apis, showOpenDialog, showSaveDialog, sender, windowOf: (s: object) => windows.get(s) };
}

describe('createPathPicker (Electron dialog mocked)', () => {
  it('opens a file with openFile, parented to the sender window, and returns the first path', async () => {
    const electron = fakeElectron({ open: { canceled: false, filePaths: ['/data/msra.txt'] } });
    const sender = electron.sender('main');
    const pick = createPathPicker(electron.apis);
    const request: PickPathRequest = {
      purpose: 'open-file',
      title: 'Dataset file',
      defaultPath: '/data',
      filters: [{ name: 'Text', extensions: ['txt', 'tsv'] }],
    };
    expect(await pick(request, { sender })).toBe('/data/msra.txt');
    expect(electron.showSaveDialog).not.toHaveBeenCalled();
    expect(electron.showOpenDialog).toHaveBeenCalledWith(electron.windowOf(sender), {
      title: 'Dataset file',
      defaultPath: '/data',
      filters: [{ name: 'Text', extensions: ['txt', 'tsv'] }],
      properties: ['openFile'],
    });
  });

  it('opens a folder with openDirectory and leaves unset options out', async () => {
    const electron = fakeElectron({ open: { canceled: false, filePaths: ['/models/nezha-cn-base'] } });
    const sender = electron.sender('main');
    const pick = createPathPicker(electron.apis);
    expect(await pick({ purpose: 'open-folder' }, { sender })).toBe('/models/nezha-cn-base');
    expect(electron.showOpenDialog).toHaveBeenCalledWith(electron.windowOf(sender), {
      properties: ['openDirectory'],
    });
  });

  it('saves with showSaveDialog and returns the chosen file', async () => {
    const electron = fakeElectron({ save: { canceled: false, filePath: '/tmp/report.md' } });
    const sender = electron.sender('main');
    const pick = createPathPicker(electron.apis);
    const path = await pick({ purpose: 'save-file', defaultPath: 'report.md' }, { sender });
    expect(path).toBe('/tmp/report.md');
    expect(electron.showOpenDialog).not.toHaveBeenCalled();
    expect(electron.showSaveDialog).toHaveBeenCalledWith(electron.windowOf(sender), {
      defaultPath: 'report.md',
      properties: ['createDirectory', 'showOverwriteConfirmation'],
    });
  });

  it('answers null when the person cancels either dialog', async () => {
    const electron = fakeElectron({
      open: { canceled: true, filePaths: [] },
      save: { canceled: true, filePath: '' },
    });
    const sender = electron.sender('main');
    const pick = createPathPicker(electron.apis);
    expect(await pick({ purpose: 'open-file' }, { sender })).toBeNull();
    expect(await pick({ purpose: 'open-folder' }, { sender })).toBeNull();
    expect(await pick({ purpose: 'save-file' }, { sender })).toBeNull();
    // Some platforms report a cancel only as an empty answer.
    const empty = fakeElectron({
      open: { canceled: false, filePaths: [] },
      save: { canceled: false, filePath: '' },
    });
    const other = empty.sender('main');
    expect(await createPathPicker(empty.apis)({ purpose: 'open-file' }, { sender: other })).toBeNull();
    expect(await createPathPicker(empty.apis)({ purpose: 'save-file' }, { sender: other })).toBeNull();
  });

  it('uses the window of the sender that asked, not another one', async () => {
    const electron = fakeElectron({ open: { canceled: false, filePaths: ['/x'] } });
    electron.sender('first');
    const second = electron.sender('second');
    await createPathPicker(electron.apis)({ purpose: 'open-file' }, { sender: second });
    expect(electron.showOpenDialog.mock.calls[0][0]).toMatchObject({ name: 'second' });
  });

  it('refuses without a live sender window instead of showing a free-floating dialog', async () => {
    const electron = fakeElectron({ open: { canceled: false, filePaths: ['/x'] } });
    const pick = createPathPicker(electron.apis);
    await expect(pick({ purpose: 'open-file' }, {})).rejects.toThrow(ServiceError);
    await expect(pick({ purpose: 'open-file' }, { sender: electron.sender('closed', true) })).rejects.toThrow(
      /No app window/,
    );
    await expect(
      pick({ purpose: 'open-file' }, { sender: { isDestroyed: () => false } as never }),
    ).rejects.toThrow(/type the path/);
    expect(electron.showOpenDialog).not.toHaveBeenCalled();
  });
});
