/**
 * Errors crossing the boundary and the envelope every request comes back in: the main side parses a
 * request against its channel's schema (parseRequest) and answers an IpcResult; the renderer unwraps it.
 */
import { requestChannels, type RequestChannel, type RequestOf, type ResponseOf } from './channels';

/** The serialisable shape of an error returned by a handler. */
export interface IpcErrorPayload {
  /**
   * `cancelled`: the person cancelled the work (e.g. a dataset import via jobs.cancel). Not a failure: serve
   * mode answers it with HTTP 200 and ok:false (a 4xx/5xx would be logged by the browser as an error), the
   * app shows no error toast for it.
   */
  code: 'bad-request' | 'forbidden' | 'not-found' | 'failed' | 'cancelled';
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
  'cancelled',
]);

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
