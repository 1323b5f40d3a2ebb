/**
 * CheckpointSource over a folder on disk (Node side), for shared/checkpoint's loaders:
 * `loadCheckpointFolder(fsCheckpointSource(dir))` or `inspectCheckpointFolder(...)` to validate a
 * folder on import from headers only. Reads exactly the byte ranges asked for.
 */
import { open, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { CheckpointSource } from '../../shared/checkpoint/source';
import { listCheckpointFolderFiles, resolveCheckpointFolderFile } from './checkpointFolderFiles';

/**
 * Resolves `file` inside `folder`, refusing anything that would leave it ("../x", absolute paths, a
 * symbolic link to elsewhere; links into a hub cache's blobs/ are followed: checkpointFolderFiles.ts).
 */
function resolveInside(folder: string, file: string): string {
  const full = resolve(folder, file);
  const rel = relative(folder, full);
  if (file === '' || isAbsolute(file) || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new Error(`${file}: not a file inside the checkpoint folder ${folder}`);
  }
  return resolveCheckpointFolderFile(folder, file);
}

/**
 * `files`: the folder's file list when the caller has it already (an import lists once, bounded);
 * otherwise listFiles walks the folder (asynchronously, bounded, following hub cache links).
 */
export function fsCheckpointSource(folder: string, files?: readonly string[]): CheckpointSource {
  const root = resolve(folder);
  return {
    name: root,
    async listFiles() {
      return files ? [...files] : (await listCheckpointFolderFiles(root)).files;
    },
    async size(file) {
      return (await stat(resolveInside(root, file))).size;
    },
    async read(file, start = 0, end) {
      const handle = await open(resolveInside(root, file), 'r');
      try {
        const size = (await handle.stat()).size;
        const stop = Math.min(end ?? size, size);
        const length = Math.max(0, stop - start);
        // allocUnsafeSlow: a buffer of its own (byteOffset 0), so F32 data can be viewed in place
        const buffer = Buffer.allocUnsafeSlow(length);
        let done = 0;
        while (done < length) {
          const { bytesRead } = await handle.read(buffer, done, length - done, start + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return new Uint8Array(buffer.buffer, buffer.byteOffset, done);
      } finally {
        await handle.close();
      }
    },
  };
}
