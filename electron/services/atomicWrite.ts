/** Writing a file so readers see the old content or the new, never half of it. */
import { randomUUID } from 'node:crypto';
import { open, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A temp file beside `path` (same folder, so the final rename stays on one file system). */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
}

/**
 * Writes `content` to a temp file in the target's folder, then renames it over `path` (atomic on one
 * file system). On failure the temp file is removed and the error rethrown; `path` is untouched.
 */
export async function writeFileAtomically(path: string, content: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(path);
  try {
    await writeFile(temp, content);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * Streams `chunks` into a temp file beside `path`, syncs it and renames it over `path`. `limit(bytes)` is
 * called before each chunk is written with the running total and throws to refuse the upload (too large);
 * on any failure (a refused size, a broken stream, a full disk) the temp file is removed, `path` keeps its
 * previous content and the error is rethrown. Resolves with the bytes written.
 */
export async function writeStreamAtomically(
  path: string,
  chunks: AsyncIterable<Uint8Array>,
  limit: (bytesSoFar: number) => void = () => undefined,
): Promise<number> {
  const temp = tempPathFor(path);
  const handle = await open(temp, 'w');
  let bytes = 0;
  try {
    try {
      for await (const chunk of chunks) {
        limit(bytes + chunk.byteLength);
        await handle.write(chunk);
        bytes += chunk.byteLength;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    return bytes;
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
