/**
 * The one path every request takes, whatever the transport: known channel → zod validation →
 * handler → `IpcResult` envelope. Errors become `{ok:false, error}` with a code the transports map
 * to their own status (HTTP 400/403/404/500).
 */
import {
  IpcError,
  isRequestChannel,
  parseRequest,
  type IpcErrorPayload,
  type IpcResult,
  type RequestChannel,
} from '../../shared/ipc';
import { ServiceError } from '../services/errors';
import type { Handler, Handlers, RequestContext } from './handlers';

export function toErrorPayload(channel: string, error: unknown): IpcErrorPayload {
  if (error instanceof IpcError) return error.toPayload();
  if (error instanceof ServiceError) return { code: error.code, message: error.message, channel };
  // Unexpected failures: say which channel broke; the message is the best detail we have.
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'failed', message: `"${channel}" failed: ${message}`, channel };
}

/** A team server's check around the handler (teamGuard.ts): rewrites or refuses the request, filters the result. */
export interface RequestGuard {
  /** Before validation: a caller without the role learns nothing about the payload's shape. */
  admit(channel: RequestChannel): void;
  before(channel: RequestChannel, request: unknown): unknown;
  after(channel: RequestChannel, result: unknown): unknown;
}

export async function dispatchRequest(
  handlers: Handlers,
  channel: string,
  payload: unknown,
  context: RequestContext = {},
  guard?: RequestGuard,
): Promise<IpcResult> {
  try {
    if (!isRequestChannel(channel)) {
      throw new IpcError(
        'bad-request',
        `Unknown channel "${channel}". Known channels: ${Object.keys(handlers).join(', ')}.`,
        channel,
      );
    }
    guard?.admit(channel);
    const parsed = parseRequest(channel, payload);
    const request = guard ? guard.before(channel, parsed) : parsed;
    const handler = handlers[channel] as Handler<RequestChannel>;
    const result = await handler(request as never, context);
    return { ok: true, result: guard ? guard.after(channel, result) : result };
  } catch (error) {
    const payloadOut = toErrorPayload(channel, error);
    if (payloadOut.code === 'failed') console.error(`[ipc] ${channel}:`, error);
    return { ok: false, error: payloadOut };
  }
}

/** HTTP status for an error code (serve mode). */
export function httpStatusFor(code: IpcErrorPayload['code']): number {
  switch (code) {
    case 'bad-request':
      return 400;
    case 'forbidden':
      return 403;
    case 'not-found':
      return 404;
    case 'cancelled':
      // The request was handled as asked; the envelope's ok:false + code says it was cancelled.
      return 200;
    default:
      return 500;
  }
}
