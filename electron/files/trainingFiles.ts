/**
 * A training run's file bytes, transport-neutral: both the serve host (HTTP) and the Electron protocol
 * handler turn `training/<runId>/state` and `training/<runId>/output/<file>` into a store call. The
 * inference worker PUTs each state snapshot (with `?step=N`) and the finished HF folder's files, and GETs
 * the state back (with Range) to resume, so these bytes never cross the UI thread or the JSON contract.
 */
import { createReadStream } from 'node:fs';
import type { IpcErrorPayload } from '../../shared/ipc';
import { ServiceError } from '../services/errors';
import { TrainingFileTooLargeError, type TrainingRunStore } from '../services/trainingRuns';
import { httpStatusFor, toErrorPayload } from '../ipc/dispatch';
import type { FileResponse } from './checkpointFiles';
import { planFileResponse } from './range';

export const trainingFilesPrefix = '/files/training/';

export type TrainingFileRoute =
  { runId: string; target: 'state' } | { runId: string; target: 'output'; file: string };

/**
 * Split `<runId>/state` or `<runId>/output/<file>` (already stripped of the prefix), decoding each URI
 * segment. Returns null for other shapes. An output name holding a separator (`a/b`, `a%2Fb`) is passed
 * on whole, so the store refuses it with the list of names a trained folder may hold.
 */
export function parseTrainingFilePath(rest: string): TrainingFileRoute | null {
  let segments: string[];
  try {
    segments = rest.split('/').map((segment) => decodeURIComponent(segment));
  } catch {
    return null;
  }
  const [runId, target, ...file] = segments;
  if (!runId) return null;
  if (target === 'state' && file.length === 0) return { runId, target };
  if (target === 'output' && file.length > 0) return { runId, target, file: file.join('/') };
  return null;
}

/** The saved state snapshot's bytes (GET with an optional Range, or HEAD). */
export async function trainingStateResponse(
  store: TrainingRunStore,
  runId: string,
  rangeHeader: string | null | undefined,
  method: string = 'GET',
): Promise<FileResponse> {
  const { path, size } = await store.stateFile(runId);
  const plan = planFileResponse(size, rangeHeader, 'application/octet-stream');
  const body =
    method === 'HEAD' || plan.range === null
      ? null
      : createReadStream(path, { start: plan.range.start, end: plan.range.end });
  return { status: plan.status, headers: plan.headers, body };
}

/**
 * Stores a PUT body: the state (the query must say `step=N`, the optimizer step it was taken at) or one
 * output file. `contentLength` (the header, when sent) lets an oversize upload be refused before a byte
 * is written.
 */
export async function receiveTrainingFile(
  store: TrainingRunStore,
  route: TrainingFileRoute,
  query: URLSearchParams,
  body: AsyncIterable<Uint8Array>,
  contentLength: string | null | undefined,
): Promise<{ bytes: number }> {
  const declared = contentLength && /^\d+$/.test(contentLength) ? Number(contentLength) : undefined;
  if (route.target === 'output')
    return store.receiveFile(route.runId, { kind: 'output', file: route.file }, body, declared);
  const step = query.get('step');
  if (step === null || !/^\d{1,9}$/.test(step))
    throw new ServiceError(
      'bad-request',
      `PUT ${trainingFilesPrefix}${route.runId}/state needs ?step=N, the optimizer step the state was taken at (got ${step === null ? 'none' : `"${step}"`}).`,
    );
  return store.receiveFile(route.runId, { kind: 'state', step: Number(step) }, body, declared);
}

/** HTTP status and message for a failed training file request (413 for an upload over the limit). */
export function trainingFileError(error: unknown): { status: number; payload: IpcErrorPayload } {
  const payload = toErrorPayload('files', error);
  return { status: error instanceof TrainingFileTooLargeError ? 413 : httpStatusFor(payload.code), payload };
}
