/**
 * The typed client over the one IPC contract (shared/ipc.ts). Its methods are generated from the
 * channel names: 'checkpoints.list' becomes `api.checkpoints.list()`, typed by RequestOf/ResponseOf.
 * Which transport carries the calls (Electron IPC or the serve host) is invisible from here on.
 */
import {
  IpcError,
  requestChannels,
  unwrapIpcResult,
  type EventChannel,
  type EventPayloads,
  type RequestChannel,
  type RequestOf,
  type ResponseOf,
  type Transport,
} from '../../../shared/ipc';

type NamespaceOf<C extends string> = C extends `${infer Namespace}.${string}` ? Namespace : never;
type MethodOf<C extends string> = C extends `${string}.${infer Method}` ? Method : never;

/** Channels whose request may be left out (`none` schema) get an optional argument. */
export type ApiMethod<C extends RequestChannel> =
  undefined extends RequestOf<C>
    ? (request?: RequestOf<C>) => Promise<ResponseOf<C>>
    : (request: RequestOf<C>) => Promise<ResponseOf<C>>;

export type ApiNamespaces = {
  [N in NamespaceOf<RequestChannel>]: {
    [C in RequestChannel as NamespaceOf<C> extends N ? MethodOf<C> : never]: ApiMethod<C>;
  };
};

export interface ApiExtras {
  /** Listen to a main → renderer event; returns the function that stops listening. */
  on<E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void): () => void;
  /** A URL the renderer (or the inference worker) can fetch, with Range, for a checkpoint file's bytes. */
  checkpointFileUrl(checkpointId: string, file: string): string;
  /**
   * Where the inference worker PUTs a training run's state snapshots and finished folder, and GETs the
   * state back to resume (shared/ipc trainingRunFilesPath): bytes that never cross the UI thread.
   */
  trainingRunFilesUrl(runId: string): string;
  /**
   * Reads a JSON file the main side serves (a URL one of its channels returned, e.g. a dataset's benchmark
   * data from `benchmarks.prepareData`); the error names the URL and the HTTP status.
   */
  readServedJson<T>(url: string): Promise<T>;
  /** Call a channel by name (what the generated methods use). */
  request<C extends RequestChannel>(channel: C, request?: RequestOf<C>): Promise<ResponseOf<C>>;
}

export type Api = ApiNamespaces & ApiExtras;

export interface ApiOptions {
  /** Called with every failed request (after it is turned into an IpcError); the app shows a toast. */
  onRequestError?: (error: IpcError) => void;
}

/** Anything a transport rejects with becomes an IpcError('failed') naming the channel. */
export function toIpcError(channel: string, error: unknown): IpcError {
  if (error instanceof IpcError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new IpcError('failed', `Request "${channel}" could not be delivered: ${message}`, channel);
}

export function createApi(transport: Transport, options: ApiOptions = {}): Api {
  async function request<C extends RequestChannel>(
    channel: C,
    payload?: RequestOf<C>,
  ): Promise<ResponseOf<C>> {
    try {
      const envelope = await transport.request(channel, payload);
      return unwrapIpcResult(channel, envelope);
    } catch (error) {
      const ipcError = toIpcError(channel, error);
      options.onRequestError?.(ipcError);
      throw ipcError;
    }
  }

  const namespaces: Record<string, Record<string, (payload?: unknown) => Promise<unknown>>> = {};
  for (const channel of Object.keys(requestChannels) as RequestChannel[]) {
    const dot = channel.indexOf('.');
    const namespace = channel.slice(0, dot);
    const method = channel.slice(dot + 1);
    namespaces[namespace] ??= {};
    namespaces[namespace][method] = (payload?: unknown) =>
      request(channel, payload as RequestOf<typeof channel>);
  }

  const extras: ApiExtras = {
    on(channel, listener) {
      return transport.subscribe(channel, (payload) => listener(payload as EventPayloads[typeof channel]));
    },
    checkpointFileUrl: (checkpointId, file) => transport.checkpointFileUrl(checkpointId, file),
    trainingRunFilesUrl: (runId) => transport.trainingRunFilesUrl(runId),
    async readServedJson<T>(url: string): Promise<T> {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`);
      return (await response.json()) as T;
    },
    request,
  };
  return Object.freeze({ ...namespaces, ...extras }) as Api;
}
