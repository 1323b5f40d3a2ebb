/**
 * A CheckpointSource over HTTP(S) (or Electron's app:// protocol): the main side serves each file
 * of a checkpoint with Range support, and the readers in shared/checkpoint ask only for byte
 * ranges, so a 400 MB model streams through the worker in bounded reads, never as one download.
 */
import type { CheckpointSource } from '../../../../shared/checkpoint';

export interface HttpCheckpointFile {
  /** Name inside the checkpoint folder ("config.json", "model.safetensors"). */
  file: string;
  /** Where its bytes are served (transport.checkpointFileUrl). */
  url: string;
}

export interface HttpCheckpointSourceOptions {
  /** Shown before file names in errors (the checkpoint's name). */
  name?: string;
  files: readonly HttpCheckpointFile[];
  /** Injected in tests (Node has no cookie jar); the browser's fetch by default. */
  fetch?: typeof fetch;
  /** Extra request headers (tests: an Authorization bearer token). */
  headers?: Record<string, string>;
  /** Aborts requests in flight (a cancelled load does not wait for a 64 MB read to finish). */
  signal?: AbortSignal;
}

export class HttpCheckpointError extends Error {
  constructor(
    readonly file: string,
    readonly url: string,
    detail: string,
  ) {
    super(`${file} (${url}): ${detail}`);
    this.name = 'HttpCheckpointError';
  }
}

/** Total size from `Content-Range: bytes 0-0/1234`. */
function totalFromContentRange(value: string | null): number | null {
  const match = value ? /\/(\d+)\s*$/.exec(value) : null;
  return match ? Number(match[1]) : null;
}

export function httpCheckpointSource(options: HttpCheckpointSourceOptions): CheckpointSource {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const urls = new Map(options.files.map((f) => [f.file, f.url]));
  const sizes = new Map<string, Promise<number>>();
  const label = (file: string) => (options.name ? `${options.name}/${file}` : file);

  const urlOf = (file: string): string => {
    const url = urls.get(file);
    if (url === undefined)
      throw new HttpCheckpointError(
        label(file),
        '-',
        `not a file of this checkpoint (it has ${[...urls.keys()].join(', ')}); re-import the folder if it changed`,
      );
    return url;
  };

  const request = async (file: string, init: RequestInit): Promise<Response> => {
    const url = urlOf(file);
    let response: Response;
    try {
      response = await doFetch(url, {
        ...init,
        headers: { ...options.headers, ...init.headers },
        signal: options.signal,
      });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw new HttpCheckpointError(
        label(file),
        url,
        `the request failed (${(error as Error).message}); is the app's host still running?`,
      );
    }
    if (!response.ok) {
      const body = await response.text().catch(() => '');
      throw new HttpCheckpointError(
        label(file),
        url,
        `HTTP ${response.status}${body ? `: ${body.slice(0, 200)}` : ''}${response.status === 404 ? ' (the file is gone from disk or the checkpoint was removed; re-import it)' : ''}`,
      );
    }
    return response;
  };

  const sizeOf = async (file: string): Promise<number> => {
    // HEAD first; a host that does not answer HEAD with a length gets a one-byte range request.
    const head = await request(file, { method: 'HEAD' });
    const length = head.headers.get('content-length');
    if (length !== null && /^\d+$/.test(length)) return Number(length);
    const probe = await request(file, { headers: { Range: 'bytes=0-0' } });
    const total = totalFromContentRange(probe.headers.get('content-range'));
    await probe.arrayBuffer();
    if (total === null)
      throw new HttpCheckpointError(
        label(file),
        urlOf(file),
        'the host sent neither Content-Length nor Content-Range',
      );
    return total;
  };

  const size = (file: string): Promise<number> => {
    let cached = sizes.get(file);
    if (!cached) {
      cached = sizeOf(file);
      sizes.set(file, cached);
      cached.catch(() => sizes.delete(file));
    }
    return cached;
  };

  return {
    name: options.name,
    listFiles: async () => [...urls.keys()],
    size,
    async read(file, start = 0, end) {
      const stop = end ?? (await size(file));
      if (start < 0 || stop < start)
        throw new HttpCheckpointError(label(file), urlOf(file), `bad byte range [${start}, ${stop})`);
      if (stop === start) return new Uint8Array(0);
      const whole = start === 0 && end === undefined;
      const response = await request(file, whole ? {} : { headers: { Range: `bytes=${start}-${stop - 1}` } });
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        throw new HttpCheckpointError(
          label(file),
          urlOf(file),
          `the download broke off (${(error as Error).message}); is the app's host still running?`,
        );
      }
      if (whole || response.status === 206) {
        if (!whole && bytes.byteLength !== stop - start)
          throw new HttpCheckpointError(
            label(file),
            urlOf(file),
            `asked for ${stop - start} bytes at offset ${start} but got ${bytes.byteLength}; the file changed on disk or is truncated`,
          );
        return bytes;
      }
      // A host that ignores Range sends the whole file with 200: take the slice we asked for.
      if (bytes.byteLength < stop)
        throw new HttpCheckpointError(
          label(file),
          urlOf(file),
          `the file has ${bytes.byteLength} bytes, fewer than the ${stop} needed; it is truncated`,
        );
      return bytes.slice(start, stop);
    },
  };
}
