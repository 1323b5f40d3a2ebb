/**
 * The message protocol between the UI thread and the inference worker.
 *
 * Every request names a method and carries an id; the worker answers each id exactly once with a
 * `result` (ok or error) and may send `progress` messages for it before that. `backend` messages
 * are unsolicited: the worker announces whenever the active tfjs backend changes.
 *
 * To add a method (model load, run a head, ...): add an entry to `WorkerMethods` and a handler
 * with the same name in worker.ts; the client and the handler table are typed from this map.
 */
import type { BackendPreference, BackendStatus } from './backendSelection';

export interface WorkerProgress {
  done: number;
  total: number | null;
  message?: string;
}

export interface WorkerMethods {
  /** Pick and start a tfjs backend (again, when the setting changes). */
  init: { request: { preference: BackendPreference }; response: BackendStatus };
  /** The backend in use, or null before init finished. */
  status: { request: Record<string, never>; response: BackendStatus | null };
}

export type WorkerMethod = keyof WorkerMethods;
export type WorkerRequestOf<M extends WorkerMethod> = WorkerMethods[M]['request'];
export type WorkerResponseOf<M extends WorkerMethod> = WorkerMethods[M]['response'];

/** UI → worker. */
export type WorkerRequest = {
  [M in WorkerMethod]: { kind: 'request'; id: number; method: M; payload: WorkerRequestOf<M> };
}[WorkerMethod];

/** Why a request failed, as plain data (Errors do not survive postMessage with their class). */
export interface WorkerErrorPayload {
  name: string;
  message: string;
  stack?: string;
}

/** Worker → UI. */
export type WorkerMessage =
  | { kind: 'result'; id: number; ok: true; result: unknown }
  | { kind: 'result'; id: number; ok: false; error: WorkerErrorPayload }
  | { kind: 'progress'; id: number; progress: WorkerProgress }
  | { kind: 'backend'; status: BackendStatus };

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'result' || kind === 'progress' || kind === 'backend';
}

export function toWorkerErrorPayload(error: unknown): WorkerErrorPayload {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  if (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { message?: unknown }).message === 'string'
  )
    return { name: 'Error', message: (error as { message: string }).message };
  return { name: 'Error', message: String(error) };
}
