/**
 * Reading a dataset file for import: only a regular file (not /dev/zero, a FIFO, a folder), at most
 * `maxBytes`, in chunks (hashed as they arrive, progress on big files, cancel between chunks), and never
 * more than the size it had when opened, so an endless or growing file cannot grow memory without bound.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { ServiceError } from '../errors';

/**
 * The largest dataset file an import reads. The whole text becomes one string (V8's limit is ~512 Mi
 * UTF-16 units), and the largest public Chinese corpora (CLUECorpus shards, MSRA, People's Daily) are
 * far below it.
 */
export const MAX_DATASET_FILE_BYTES = 512 * 1024 * 1024;

/** Bytes per read; a progress event (and cancel check) follows each read of a big file. */
const CHUNK_BYTES = 8 * 1024 * 1024;

export interface ReadDatasetFileOptions {
  maxBytes?: number;
  /** Bytes per read (default 8 MiB). */
  chunkBytes?: number;
  signal?: AbortSignal;
  /** Called after each chunk of a file bigger than one chunk. */
  onProgress?: (bytesRead: number, bytesTotal: number) => void;
}

export interface DatasetFileBytes {
  bytes: Uint8Array;
  /** SHA-256 of the bytes, hex. */
  hash: string;
}

function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MiB`;
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function errnoCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

export async function readDatasetFile(
  path: string,
  options: ReadDatasetFileOptions = {},
): Promise<DatasetFileBytes> {
  const maxBytes = options.maxBytes ?? MAX_DATASET_FILE_BYTES;
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  let stats: Stats;
  try {
    stats = await stat(path);
  } catch (error) {
    throw new ServiceError(
      'not-found',
      `Cannot read the dataset file ${path}: ${errnoCode(error)}. Check the path and that the file is readable.`,
    );
  }
  // Checked before opening: opening a FIFO would block until a writer comes.
  if (!stats.isFile()) {
    throw new ServiceError(
      'bad-request',
      `${path} is ${kindOf(stats)}, not a regular file; import a dataset file (text, TSV or JSON).`,
    );
  }
  if (stats.size > maxBytes) {
    throw new ServiceError(
      'bad-request',
      `${path} is ${formatMiB(stats.size)}, over the ${formatMiB(maxBytes)} an import reads; split it into smaller files.`,
    );
  }
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new ServiceError(
      'not-found',
      `Cannot read the dataset file ${path}: ${errnoCode(error)}. Check the path and that the file is readable.`,
    );
  }
  try {
    const size = stats.size;
    const bytes = Buffer.allocUnsafe(size);
    const hash = createHash('sha256');
    let done = 0;
    while (done < size) {
      options.signal?.throwIfAborted();
      const { bytesRead } = await handle.read(bytes, done, Math.min(chunkBytes, size - done), done);
      if (bytesRead === 0) {
        throw new ServiceError(
          'bad-request',
          `${path} shrank while it was read (${done} of ${size} bytes); import it again once it is complete.`,
        );
      }
      hash.update(bytes.subarray(done, done + bytesRead));
      done += bytesRead;
      if (size > chunkBytes) options.onProgress?.(done, size);
    }
    // One byte more than its size means it grows (a log being written, a /proc file that reports 0).
    const probe = Buffer.alloc(1);
    if ((await handle.read(probe, 0, 1, size)).bytesRead > 0) {
      throw new ServiceError(
        'bad-request',
        `${path} grew while it was read (it reported ${size} bytes); import a finished file, not one being written.`,
      );
    }
    return { bytes, hash: hash.digest('hex') };
  } finally {
    await handle.close();
  }
}
