/**
 * Checkpoint file bytes for the renderer, transport-neutral: both the serve host (HTTP) and the
 * Electron protocol handler turn a path like `checkpoints/<id>/<file>` into a status, headers and a
 * byte stream. Only files listed in the checkpoint's record are served, so no path can escape it, and each
 * is re-checked when served (services/checkpointFolderFiles.ts), so a later symlink cannot either.
 */
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { resolveCheckpointFile, type CheckpointLibrary } from '../services/checkpoints';
import { resolveCheckpointFolderFile } from '../services/checkpointFolderFiles';
import { ServiceError } from '../services/errors';
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
  // swapped for a symlink to elsewhere after the import is refused. The checked real path is what is read.
  const path = resolveCheckpointFolderFile(library.get(id).path, file);
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new ServiceError(
      'not-found',
      `${path} is listed in checkpoint "${id}" but is gone from disk; re-import the folder.`,
    );
  }
  const plan = planFileResponse(size, rangeHeader, mimeTypeFor(file));
  const body =
    method === 'HEAD' || plan.range === null
      ? null
      : createReadStream(path, { start: plan.range.start, end: plan.range.end });
  return { status: plan.status, headers: plan.headers, body };
}
