import { describe, expect, it, vi } from 'vitest';
import { checkpointFilePath, trainingRunFilesPath, type Transport } from '../../shared/ipc';

const exposed = new Map<string, unknown>();
const rendererListeners = new Map<string, (event: unknown, message: unknown) => void>();
const invoke = vi.fn(async (..._args: unknown[]) => ({ ok: true, result: [] }));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: (...args: unknown[]) => invoke(...args),
    on: (channel: string, listener: (event: unknown, message: unknown) => void) =>
      rendererListeners.set(channel, listener),
  },
}));

await import('./preload');
const nezha = exposed.get('nezha') as Transport;

describe('preload bridge', () => {
  it('exposes only window.nezha with the Transport methods', () => {
    expect([...exposed.keys()]).toEqual(['nezha']);
    expect(Object.keys(nezha).sort()).toEqual([
      'checkpointFileUrl',
      'request',
      'subscribe',
      'trainingRunFilesUrl',
    ]);
  });

  it('sends requests over one channel and returns the envelope untouched', async () => {
    const result = await nezha.request('checkpoints.list', undefined);
    expect(invoke).toHaveBeenCalledWith('nezha:request', { channel: 'checkpoints.list', payload: undefined });
    expect(result).toEqual({ ok: true, result: [] });
  });

  it('delivers events to the channel subscribers until they unsubscribe', () => {
    const progress = vi.fn();
    const errors = vi.fn();
    const stop = nezha.subscribe('progress', progress);
    nezha.subscribe('main.error', errors);
    const deliver = rendererListeners.get('nezha:event')!;
    deliver({}, { channel: 'progress', payload: { done: 1 } });
    deliver({}, { channel: 'main.error', payload: { message: 'x' } });
    stop();
    deliver({}, { channel: 'progress', payload: { done: 2 } });
    expect(progress.mock.calls).toEqual([[{ done: 1 }]]);
    expect(errors.mock.calls).toEqual([[{ message: 'x' }]]);
  });

  it('builds checkpoint file URLs on app://nezha with the contract path', () => {
    for (const [id, file] of [
      ['builtin-nezha-tiny-token-classification', 'model.safetensors'],
      ['a b/c', 'sub dir/x#1.bin'],
    ]) {
      expect(nezha.checkpointFileUrl(id, file)).toBe(`app://nezha${checkpointFilePath(id, file)}`);
    }
  });

  it('builds training run file URLs on app://nezha with the contract path', () => {
    for (const runId of ['run-1', 'a b#c'])
      expect(nezha.trainingRunFilesUrl(runId)).toBe(`app://nezha${trainingRunFilesPath(runId)}`);
  });
});
