import type { IpcErrorPayload } from '../../shared/ipc';

/**
 * An error a service raises for a person to read: `code` decides how transports report it
 * (HTTP status, IpcError code); the message says what was wrong, where, and what to do.
 */
export class ServiceError extends Error {
  constructor(
    readonly code: IpcErrorPayload['code'],
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}
