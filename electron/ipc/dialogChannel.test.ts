import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseRequest, type IpcResult } from '../../shared/ipc';
import { createServices, type Services } from '../services/services';
import { requestIpcChannel } from './channels';
import { dispatchRequest } from './dispatch';
import { handleRequests } from './electronIpc';
import { createHandlers, noDialogsMessage, type PathPicker } from './handlers';

const resourcesDir = resolve(__dirname, '../../resources');
let dataDir: string;
let services: Services;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'nezha-dialogs-'));
  services = await createServices({ dataDir, resourcesDir, host: 'serve' });
});
afterEach(() => {
  services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('dialogs.pick request schema', () => {
  const invalid = (payload: unknown) => () => parseRequest('dialogs.pick', payload);

  it('accepts the three purposes with optional title, start path and filters', () => {
    expect(parseRequest('dialogs.pick', { purpose: 'open-folder' })).toEqual({ purpose: 'open-folder' });
    const full = {
      purpose: 'save-file',
      title: 'Save report',
      defaultPath: '/home/me/report.md',
      filters: [
        { name: 'Markdown', extensions: ['md'] },
        { name: 'All files', extensions: ['*'] },
      ],
    };
    expect(parseRequest('dialogs.pick', full)).toEqual(full);
  });

  it('refuses unknown purposes, extra keys and out-of-range values, naming the key', () => {
    expect(invalid({ purpose: 'delete-file' })).toThrow(/purpose/);
    expect(invalid({})).toThrow(/purpose/);
    expect(invalid({ purpose: 'open-file', multi: true })).toThrow(/multi/);
    expect(invalid({ purpose: 'open-file', title: '' })).toThrow(/title/);
    expect(invalid({ purpose: 'open-file', title: 'x'.repeat(201) })).toThrow(/title/);
    expect(invalid({ purpose: 'open-file', defaultPath: '' })).toThrow(/defaultPath/);
    expect(invalid({ purpose: 'open-file', defaultPath: '/a'.repeat(2049) })).toThrow(/defaultPath/);
    expect(invalid({ purpose: 'open-file', defaultPath: '/tmp/a\0b' })).toThrow(/NUL/);
    expect(invalid({ purpose: 'open-file', filters: [{ name: 'Text', extensions: ['.txt'] }] })).toThrow(
      /filters\.0\.extensions\.0/,
    );
    expect(invalid({ purpose: 'open-file', filters: [{ name: 'Text', extensions: [] }] })).toThrow(
      /extensions/,
    );
    expect(invalid({ purpose: 'open-file', filters: [{ name: '', extensions: ['txt'] }] })).toThrow(/name/);
    const many = Array.from({ length: 11 }, () => ({ name: 'Text', extensions: ['txt'] }));
    expect(invalid({ purpose: 'open-file', filters: many })).toThrow(/filters/);
    const manyExtensions = Array.from({ length: 21 }, () => 'txt');
    expect(
      invalid({ purpose: 'open-file', filters: [{ name: 'Text', extensions: manyExtensions }] }),
    ).toThrow(/extensions/);
  });
});

describe('dialogs.pick handler', () => {
  it('answers serve mode (no picker) with a bad-request that says to type the path', async () => {
    const result = await dispatchRequest(createHandlers(services), 'dialogs.pick', { purpose: 'open-file' });
    expect(result).toEqual({
      ok: false,
      error: { code: 'bad-request', message: noDialogsMessage, channel: 'dialogs.pick' },
    });
    expect(noDialogsMessage).toMatch(/only in the desktop app; type the path/);
  });

  it('passes the validated request and the IPC sender to the picker, and null through on cancel', async () => {
    const answers: (string | null)[] = ['/models/nezha', null];
    const pickPath = vi.fn<PathPicker>(async () => answers.shift() ?? null);
    const registered = new Map<string, (event: unknown, message: unknown) => Promise<IpcResult>>();
    handleRequests(
      {
        handle: (channel: string, listener: never) => registered.set(channel, listener),
        removeHandler: () => undefined,
      } as never,
      createHandlers(services, { pickPath }),
    );
    const listener = registered.get(requestIpcChannel)!;
    const sender = { id: 7 };
    const event = { senderFrame: { url: 'app://nezha/index.html' }, sender };
    expect(
      await listener(event, {
        channel: 'dialogs.pick',
        payload: { purpose: 'open-folder', title: 'Checkpoint' },
      }),
    ).toEqual({ ok: true, result: { path: '/models/nezha' } });
    expect(pickPath).toHaveBeenCalledWith({ purpose: 'open-folder', title: 'Checkpoint' }, { sender });
    expect(await listener(event, { channel: 'dialogs.pick', payload: { purpose: 'save-file' } })).toEqual({
      ok: true,
      result: { path: null },
    });
    // A bad payload never reaches the picker.
    const bad = await listener(event, {
      channel: 'dialogs.pick',
      payload: { purpose: 'open-file', filters: 'x' },
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(pickPath).toHaveBeenCalledTimes(2);
  });
});
