/**
 * The one IPC contract between the main side (Electron main process or the serve-mode host)
 * and the renderer. Every request channel maps a zod-validated request to a response type;
 * every event channel is pushed from main to renderer. Both transports (Electron IPC and the
 * HTTP/WebSocket host) carry exactly this map, so the UI never knows which one it runs on.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Records shared by both sides
// ---------------------------------------------------------------------------------------------

export const checkpointFormatSchema = z.enum([
  'safetensors',
  'pytorch',
  'sharded-safetensors',
  'sharded-pytorch',
]);
export type CheckpointFormat = z.infer<typeof checkpointFormatSchema>;

export interface CheckpointRecord {
  id: string;
  name: string;
  /** Absolute folder path on the main side's disk. */
  path: string;
  /** HF class named by config.json `architectures[0]`, e.g. "NezhaForTokenClassification". */
  architecture: string | null;
  modelType: string;
  format: CheckpointFormat;
  /** Files the renderer may fetch as bytes through the checkpoint file transport. */
  files: string[];
  hiddenSize: number;
  numLayers: number;
  numLabels: number | null;
  labels: string[] | null;
  sizeBytes: number;
  /** True for checkpoints shipped in resources/ (cannot be removed). */
  builtin: boolean;
  addedAt: string;
}

export interface DatasetRecord {
  id: string;
  name: string;
  task: string;
  format: string;
  sourcePath: string | null;
  exampleCount: number;
  builtin: boolean;
  addedAt: string;
}

export interface AppInfo {
  name: string;
  version: string;
  /** 'electron' for the desktop app, 'serve' for the browser host. */
  host: 'electron' | 'serve';
  platform: string;
  nodeVersion: string;
  dataDir: string;
  schemaVersion: number;
}

export const themeSchema = z.enum(['system', 'light', 'dark']);
export const backendPreferenceSchema = z.enum(['auto', 'webgpu', 'wasm', 'cpu']);

export const settingsSchema = z.object({
  theme: themeSchema,
  backend: backendPreferenceSchema,
});
export type Settings = z.infer<typeof settingsSchema>;
export const defaultSettings: Settings = { theme: 'system', backend: 'auto' };

// ---------------------------------------------------------------------------------------------
// Request channels
// ---------------------------------------------------------------------------------------------

const idSchema = z.string().min(1).max(200);
const none = z.undefined().or(z.object({}).strict());

/**
 * Every request channel: `request` is the zod schema the main side validates against;
 * `response` is a phantom type carrier (never validated: main is trusted, the renderer is not).
 */
export const requestChannels = {
  'app.info': { request: none, response: {} as AppInfo },
  'settings.get': { request: none, response: {} as Settings },
  'settings.update': { request: settingsSchema.partial().strict(), response: {} as Settings },
  'checkpoints.list': { request: none, response: {} as CheckpointRecord[] },
  'checkpoints.get': { request: z.object({ id: idSchema }).strict(), response: {} as CheckpointRecord },
  'checkpoints.import': {
    request: z
      .object({ path: z.string().min(1).max(4096), name: z.string().min(1).max(200).optional() })
      .strict(),
    response: {} as CheckpointRecord,
  },
  'checkpoints.remove': {
    request: z.object({ id: idSchema }).strict(),
    response: {} as { removed: boolean },
  },
  'datasets.list': { request: none, response: {} as DatasetRecord[] },
  'datasets.remove': { request: z.object({ id: idSchema }).strict(), response: {} as { removed: boolean } },
} as const;

export type RequestChannel = keyof typeof requestChannels;
export type RequestOf<C extends RequestChannel> = z.input<(typeof requestChannels)[C]['request']>;
export type ResponseOf<C extends RequestChannel> = (typeof requestChannels)[C]['response'];

// ---------------------------------------------------------------------------------------------
// Event channels (main → renderer)
// ---------------------------------------------------------------------------------------------

export interface ProgressEvent {
  /** Identifies the long-running job (import, evaluation, training). */
  jobId: string;
  kind: string;
  done: number;
  total: number | null;
  message?: string;
}

export interface MainErrorEvent {
  message: string;
  detail?: string;
}

export interface EventPayloads {
  progress: ProgressEvent;
  'main.error': MainErrorEvent;
}
export type EventChannel = keyof EventPayloads;

// ---------------------------------------------------------------------------------------------
// Errors crossing the boundary
// ---------------------------------------------------------------------------------------------

/** The serialisable shape of an error returned by a handler. */
export interface IpcErrorPayload {
  code: 'bad-request' | 'forbidden' | 'not-found' | 'failed';
  message: string;
  channel: string;
}

export class IpcError extends Error {
  constructor(
    readonly code: IpcErrorPayload['code'],
    message: string,
    readonly channel: string,
  ) {
    super(message);
    this.name = 'IpcError';
  }
  toPayload(): IpcErrorPayload {
    return { code: this.code, message: this.message, channel: this.channel };
  }
}

/** Parse a request against its channel's schema; throws an IpcError naming the channel and key. */
export function parseRequest<C extends RequestChannel>(channel: C, payload: unknown): RequestOf<C> {
  const def = requestChannels[channel];
  if (!def) throw new IpcError('bad-request', `Unknown channel "${String(channel)}"`, String(channel));
  const result = def.request.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length ? issue.path.join('.') : '(payload)';
    throw new IpcError(
      'bad-request',
      `Invalid request for "${channel}": ${where}: ${issue.message}`,
      channel,
    );
  }
  return result.data as RequestOf<C>;
}

export function isRequestChannel(name: string): name is RequestChannel {
  return Object.prototype.hasOwnProperty.call(requestChannels, name);
}

/**
 * The envelope every request comes back in, on both transports (Electron IPC and `POST /api/<channel>`).
 * Errors travel as data because Electron's contextBridge and JSON both drop an Error's class and code.
 */
export type IpcResult<T = unknown> = { ok: true; result: T } | { ok: false; error: IpcErrorPayload };

const errorCodes: ReadonlySet<string> = new Set<IpcErrorPayload['code']>([
  'bad-request',
  'forbidden',
  'not-found',
  'failed',
]);

/** Rebuild an IpcError from its payload (for clients on the renderer side). */
export function ipcErrorFromPayload(payload: IpcErrorPayload): IpcError {
  return new IpcError(payload.code, payload.message, payload.channel);
}

/**
 * Unwrap a transport's envelope: the result, or a thrown IpcError. Anything that is not an envelope
 * is a transport fault and becomes an IpcError('failed') naming the channel.
 */
export function unwrapIpcResult<C extends RequestChannel>(channel: C, envelope: unknown): ResponseOf<C> {
  if (typeof envelope === 'object' && envelope !== null && 'ok' in envelope) {
    const value = envelope as { ok: unknown; result?: unknown; error?: unknown };
    if (value.ok === true) return value.result as ResponseOf<C>;
    const error = value.error as Partial<IpcErrorPayload> | undefined;
    if (value.ok === false && error && typeof error.message === 'string') {
      const code = typeof error.code === 'string' && errorCodes.has(error.code) ? error.code : 'failed';
      return throwIpcError(
        new IpcError(code as IpcErrorPayload['code'], error.message, error.channel ?? channel),
      );
    }
  }
  return throwIpcError(
    new IpcError('failed', `Malformed response on "${channel}": expected {ok, result|error}`, channel),
  );
}

function throwIpcError(error: IpcError): never {
  throw error;
}

/**
 * The path (same on both transports) under which a checkpoint file's bytes are served, with Range support:
 * `/files/checkpoints/<id>/<file>`. Each segment is URI-encoded; `file` may contain `/` for nested files.
 */
export function checkpointFilePath(checkpointId: string, file: string): string {
  const encodedFile = file.split('/').map(encodeURIComponent).join('/');
  return `/files/checkpoints/${encodeURIComponent(checkpointId)}/${encodedFile}`;
}

// ---------------------------------------------------------------------------------------------
// The renderer's view: one transport interface, one typed client
// ---------------------------------------------------------------------------------------------

/**
 * What a transport must provide. Implemented by the Electron preload bridge (`window.nezha`) and the
 * serve-mode HTTP/WebSocket client.
 *
 * `request` resolves with the `IpcResult` envelope (`{ok:true,result}` or `{ok:false,error}`) exactly as
 * the main side sent it; the typed client unwraps it with `unwrapIpcResult`, which throws `IpcError`.
 * It rejects only when the transport itself fails (connection lost, bridge gone).
 */
export interface Transport {
  request(channel: string, payload: unknown): Promise<unknown>;
  subscribe(channel: EventChannel, listener: (payload: unknown) => void): () => void;
  /** A URL the renderer can fetch (with Range) to read a checkpoint file's bytes. */
  checkpointFileUrl(checkpointId: string, file: string): string;
}
