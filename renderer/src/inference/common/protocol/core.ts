/**
 * What every worker protocol shares: how a checkpoint's files are addressed (the main side serves their
 * bytes) and how an error crosses postMessage. The model, benchmark and train protocols import this file;
 * index.ts merges them into one method map.
 */

/** One file of a checkpoint and the URL its bytes are served at (api.checkpointFileUrl). */
export interface CheckpointFileUrl {
  file: string;
  url: string;
}

/** Why a request failed, as plain data (Errors do not survive postMessage with their class). */
export interface WorkerErrorPayload {
  name: string;
  message: string;
  stack?: string;
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
