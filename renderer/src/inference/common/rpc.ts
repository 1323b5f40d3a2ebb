/**
 * Both ends of the worker protocol over anything that posts messages (a Worker, the worker's own
 * global scope, or a MessagePort in tests). Kept free of tfjs so it is cheap to import and test.
 */
import {
  isWorkerMessage,
  toWorkerErrorPayload,
  type WorkerErrorPayload,
  type WorkerMessage,
  type WorkerMethod,
  type WorkerProgress,
  type WorkerRequest,
  type WorkerRequestOf,
  type WorkerResponseOf,
} from './protocol';
import type { BackendStatus } from './backendSelection';

/** The subset of Worker / DedicatedWorkerGlobalScope / MessagePort both ends need. */
export interface MessageEndpoint {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

export interface HandlerContext {
  progress(progress: WorkerProgress): void;
  /** Announce a backend change to the UI (the status bar listens). */
  announceBackend(status: BackendStatus): void;
}

export type WorkerHandlers = {
  [M in WorkerMethod]: (
    payload: WorkerRequestOf<M>,
    context: HandlerContext,
  ) => Promise<WorkerResponseOf<M>> | WorkerResponseOf<M>;
};

/** Worker side: answer each request with its handler's result or error. Returns a stop function. */
export function serveWorkerRequests(endpoint: MessageEndpoint, handlers: WorkerHandlers): () => void {
  const post = (message: WorkerMessage) => endpoint.postMessage(message);
  const onMessage = (event: MessageEvent) => {
    const request = event.data as WorkerRequest;
    if (request?.kind !== 'request' || typeof request.id !== 'number') return;
    const context: HandlerContext = {
      progress: (progress) => post({ kind: 'progress', id: request.id, progress }),
      announceBackend: (status) => post({ kind: 'backend', status }),
    };
    const handler = handlers[request.method] as
      ((payload: unknown, context: HandlerContext) => unknown) | undefined;
    void (async () => {
      try {
        if (!handler) throw new Error(`The inference worker has no method "${String(request.method)}"`);
        const result = await handler(request.payload, context);
        post({ kind: 'result', id: request.id, ok: true, result });
      } catch (error) {
        post({ kind: 'result', id: request.id, ok: false, error: toWorkerErrorPayload(error) });
      }
    })();
  };
  endpoint.addEventListener('message', onMessage);
  return () => endpoint.removeEventListener('message', onMessage);
}

/** An error raised inside the worker, rebuilt on the UI side with the method that failed. */
export class WorkerCallError extends Error {
  constructor(
    readonly method: string,
    readonly payload: WorkerErrorPayload,
  ) {
    super(`Inference worker, ${method}: ${payload.message}`);
    this.name = 'WorkerCallError';
  }
}

export interface CallOptions {
  onProgress?: (progress: WorkerProgress) => void;
  transfer?: Transferable[];
}

export interface WorkerCaller {
  call<M extends WorkerMethod>(
    method: M,
    payload: WorkerRequestOf<M>,
    options?: CallOptions,
  ): Promise<WorkerResponseOf<M>>;
  onBackend(listener: (status: BackendStatus) => void): () => void;
  /** Reject every pending call (the worker died or was terminated). */
  failAll(reason: string): void;
  dispose(): void;
}

/** UI side: typed calls with ids, progress routing and backend announcements. */
export function createWorkerCaller(endpoint: MessageEndpoint): WorkerCaller {
  let nextId = 1;
  const pending = new Map<
    number,
    {
      method: string;
      resolve(value: unknown): void;
      reject(error: Error): void;
      onProgress?: (progress: WorkerProgress) => void;
    }
  >();
  const backendListeners = new Set<(status: BackendStatus) => void>();

  const onMessage = (event: MessageEvent) => {
    const message: unknown = event.data;
    if (!isWorkerMessage(message)) return;
    if (message.kind === 'backend') {
      for (const listener of backendListeners) listener(message.status);
      return;
    }
    const entry = pending.get(message.id);
    if (!entry) return;
    if (message.kind === 'progress') {
      entry.onProgress?.(message.progress);
      return;
    }
    pending.delete(message.id);
    if (message.ok) entry.resolve(message.result);
    else entry.reject(new WorkerCallError(entry.method, message.error));
  };
  endpoint.addEventListener('message', onMessage);

  return {
    call(method, payload, options = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, {
          method,
          resolve: resolve as (value: unknown) => void,
          reject,
          onProgress: options.onProgress,
        });
        const request = { kind: 'request', id, method, payload } as WorkerRequest;
        endpoint.postMessage(request, options.transfer ?? []);
      });
    },
    onBackend(listener) {
      backendListeners.add(listener);
      return () => backendListeners.delete(listener);
    },
    failAll(reason) {
      for (const [id, entry] of pending) {
        pending.delete(id);
        entry.reject(new WorkerCallError(entry.method, { name: 'WorkerGone', message: reason }));
      }
    },
    dispose() {
      endpoint.removeEventListener('message', onMessage);
      this.failAll('the inference worker was shut down');
    },
  };
}
