import { afterEach, describe, expect, it } from 'vitest';
import type { BackendStatus } from './backendSelection';
import {
  createWorkerCaller,
  serveWorkerRequests,
  WorkerCallError,
  type MessageEndpoint,
  type WorkerHandlers,
} from './rpc';

// A real MessageChannel stands in for the Worker boundary: messages are structured-cloned as they
// would be between threads.
const channels: MessageChannel[] = [];
/** Serves only the methods a test exercises; the rest answer as unknown methods would. */
function connect(handlers: Partial<WorkerHandlers>) {
  const channel = new MessageChannel();
  channels.push(channel);
  serveWorkerRequests(channel.port2 as unknown as MessageEndpoint, handlers as WorkerHandlers);
  const caller = createWorkerCaller(channel.port1 as unknown as MessageEndpoint);
  channel.port1.start();
  channel.port2.start();
  return caller;
}
afterEach(() => {
  for (const channel of channels.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
});

const wasmStatus: BackendStatus = { backend: 'wasm', reason: 'test', threads: 2, simd: true, failures: [] };

describe('worker rpc', () => {
  it('routes results, progress and backend announcements by id', async () => {
    const caller = connect({
      init: async ({ preference }, context) => {
        context.progress({ done: 1, total: 2, message: `probing for ${preference}` });
        context.announceBackend(wasmStatus);
        return wasmStatus;
      },
      status: () => null,
    });
    const progress: string[] = [];
    const announced: BackendStatus[] = [];
    caller.onBackend((status) => announced.push(status));
    const [initResult, statusResult] = await Promise.all([
      caller.call('init', { preference: 'wasm' }, { onProgress: (p) => progress.push(p.message ?? '') }),
      caller.call('status', {}),
    ]);
    expect(initResult).toEqual(wasmStatus);
    expect(statusResult).toBeNull();
    expect(progress).toEqual(['probing for wasm']);
    expect(announced).toEqual([wasmStatus]);
  });

  it('rebuilds a handler error on the caller side, naming the method', async () => {
    const caller = connect({
      init: () => {
        throw new RangeError('no backend at all');
      },
      status: () => null,
    });
    const failure = await caller.call('init', { preference: 'cpu' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkerCallError);
    expect((failure as WorkerCallError).message).toBe('Inference worker, init: no backend at all');
    expect((failure as WorkerCallError).payload.name).toBe('RangeError');
  });

  it('rejects pending calls when the worker goes away', async () => {
    const caller = connect({ init: () => new Promise<never>(() => {}), status: () => null });
    const pending = caller.call('init', { preference: 'auto' });
    caller.failAll('worker crashed');
    await expect(pending).rejects.toThrow('Inference worker, init: worker crashed');
  });

  it('answers an unknown method with an error instead of hanging', async () => {
    const caller = connect({ init: () => wasmStatus, status: () => null });
    const untyped = caller as unknown as { call(method: string, payload: unknown): Promise<unknown> };
    await expect(untyped.call('loadModel', {})).rejects.toThrow('has no method "loadModel"');
  });
});
