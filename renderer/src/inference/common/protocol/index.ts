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
import type { BackendPreference, BackendStatus } from '../backendSelection';
import type { BenchmarkChunkProgress, BenchmarkWorkerMethods } from './benchmark';
import type { WorkerErrorPayload } from './core';
import type { ModelWorkerMethods } from './model';
import type { TrainProgressPayload, TrainWorkerMethods } from './train';

export * from './benchmark';
export * from './core';
export * from './model';
export * from './train';

export interface WorkerProgress {
  done: number;
  total: number | null;
  message?: string;
  /** Model loads: tensors uploaded so far (done/total are weight bytes). */
  tensors?: number;
  /** Benchmark runs: the chunk just predicted (for the UI to store) and the rate / ETA. */
  benchmark?: BenchmarkChunkProgress;
  /** Training runs: a step, a dev evaluation, or a state snapshot to save. */
  training?: TrainProgressPayload;
}

export interface WorkerMethods extends ModelWorkerMethods, BenchmarkWorkerMethods, TrainWorkerMethods {
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
