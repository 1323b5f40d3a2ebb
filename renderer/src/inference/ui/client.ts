/**
 * The UI thread's handle on the inference worker. Views call `inference.call('init', ...)` etc.;
 * nothing on the UI thread imports tfjs.
 */
import type { BackendStatus } from '../common/backendSelection';
import type { WorkerMethod, WorkerRequestOf, WorkerResponseOf } from '../common/protocol';
import { createWorkerCaller, type CallOptions, type MessageEndpoint } from '../common/rpc';

export interface InferenceClient {
  call<M extends WorkerMethod>(
    method: M,
    payload: WorkerRequestOf<M>,
    options?: CallOptions,
  ): Promise<WorkerResponseOf<M>>;
  onBackend(listener: (status: BackendStatus) => void): () => void;
  /** Called when the worker itself crashes (script error, out of memory). */
  onCrash(listener: (message: string) => void): () => void;
  terminate(): void;
}

export function createInferenceClient(): InferenceClient {
  const worker = new Worker(new URL('../worker/worker.ts', import.meta.url), {
    type: 'module',
    name: 'nezha-inference',
  });
  const caller = createWorkerCaller(worker as MessageEndpoint);
  const crashListeners = new Set<(message: string) => void>();
  const crash = (message: string) => {
    caller.failAll(message);
    for (const listener of crashListeners) listener(message);
  };
  worker.addEventListener('error', (event) => {
    const where = event.filename ? ` (${event.filename}:${event.lineno})` : '';
    crash(
      `The inference worker crashed: ${event.message || 'script error'}${where}. Reload the window to restart it.`,
    );
  });
  worker.addEventListener('messageerror', () =>
    crash('The inference worker sent a message that could not be read.'),
  );
  const client: InferenceClient = {
    call: (method, payload, options) => caller.call(method, payload, options),
    onBackend: (listener) => caller.onBackend(listener),
    onCrash(listener) {
      crashListeners.add(listener);
      return () => crashListeners.delete(listener);
    },
    terminate() {
      caller.dispose();
      worker.terminate();
    },
  };
  installDebugHook(client);
  return client;
}

/** What `window.__nezhaDebug` offers when the page was opened with `?debug`. */
export interface NezhaDebugHook {
  call: InferenceClient['call'];
}

/**
 * A small debug API for tests and bug reports, present only when the URL has `?debug`: the worker
 * protocol as is (load a checkpoint, run raw ids, read tf.memory()). Normal starts never expose it.
 */
function installDebugHook(client: InferenceClient): void {
  if (typeof window === 'undefined' || !new URLSearchParams(window.location.search).has('debug')) return;
  (window as unknown as { __nezhaDebug?: NezhaDebugHook }).__nezhaDebug = {
    call: (method, payload, options) => client.call(method, payload, options),
  };
}
