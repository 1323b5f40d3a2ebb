/**
 * Checkpoint file bytes for the renderer, transport-neutral: both the serve host (HTTP) and the
 * Electron protocol handler turn a path like `checkpoints/<id>/<file>` into a status, headers and a
 * byte stream. Only files listed in the checkpoint's record are served, so no path can escape it, and each
 * is re-checked when served (services/checkpointFolderFiles.ts), so a later symlink cannot either.
 */
import { closeSync, createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { resolveCheckpointFile, type CheckpointLibrary } from '../services/checkpoints';
import { openCheckpointFolderFile } from '../services/checkpointFolderFiles';
import { mimeTypeFor } from './mime';
import { planFileResponse } from './range';

export interface FileResponse {
  status: number;
  headers: Record<string, string>;
  /** Null for 416 and HEAD requests. */
  body: Readable | null;
}

/**
 * Split `<id>/<file...>` (already stripped of the `/files/checkpoints/` prefix) into a checkpoint id
 * and a file name, decoding each URI segment. Returns null for paths that cannot name a listed file.
 */
export function parseCheckpointFilePath(rest: string): { id: string; file: string } | null {
  const segments = rest.split('/');
  if (segments.length < 2) return null;
  let decoded: string[];
  try {
    decoded = segments.map((segment) => decodeURIComponent(segment));
  } catch {
    return null;
  }
  // A decoded segment holding a separator or dot-dot can never be a listed file; refuse early.
  if (
    decoded.some(
      (segment) => segment === '' || segment === '.' || segment === '..' || /[\\/\0]/.test(segment),
    )
  ) {
    return null;
  }
  return { id: decoded[0], file: decoded.slice(1).join('/') };
}

export function checkpointFileResponse(
  library: CheckpointLibrary,
  id: string,
  file: string,
  rangeHeader: string | null | undefined,
  method: string = 'GET',
): FileResponse {
  // Listed in the record (no traversal) …
  resolveCheckpointFile(library, id, file);
  // … and, checked again now, still a regular file inside the folder (or its hub cache's blobs/): a file
  // swapped for a symlink to elsewhere after the import is refused.
  const { fd, size } = openCheckpointFolderFile(library.get(id).path, file);
  let plan;
  try {
    plan = planFileResponse(size, rangeHeader, mimeTypeFor(file));
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  if (method === 'HEAD' || plan.range === null) {
    closeSync(fd);
    return { status: plan.status, headers: plan.headers, body: null };
  }
  const body = createReadStream('', { fd, start: plan.range.start, end: plan.range.end, autoClose: true });
  return { status: plan.status, headers: plan.headers, body };
}
