/**
 * A training run's files on the main side, moved by the worker itself over the byte path checkpoint
 * downloads use (HTTP in serve mode, app:// in Electron): each state snapshot and each file of the
 * finished HF folder is PUT as raw bytes, and the saved state is read back with one GET to resume.
 * Nothing of it crosses postMessage to the UI thread.
 */

export interface RunFilesOptions {
  runId: string;
  /** The run's file folder (TrainStartRequest.runFilesUrl). */
  url: string;
  /** Injected in tests (Node has no cookie jar); the browser's fetch by default. */
  fetch?: typeof fetch;
  /** Extra request headers (tests: an Authorization bearer token). */
  headers?: Record<string, string>;
}

export interface RunFiles {
  /** Stores the snapshot taken after optimizer step `step`; the previous one stays until this one is whole. */
  putState(bytes: Uint8Array, step: number): Promise<void>;
  /** Stores one file of the finished HF folder. */
  putOutput(name: string, bytes: Uint8Array): Promise<void>;
  /** The saved state snapshot. */
  readState(): Promise<Uint8Array>;
}

/** The host answers a refused upload with the IpcResult envelope; its message says why. */
async function refusal(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const envelope = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof envelope.error?.message === 'string') return envelope.error.message;
  } catch {
    // Not JSON (app:// answers errors as plain text).
  }
  return text.slice(0, 300);
}

export function runFiles(options: RunFilesOptions): RunFiles {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const base = options.url.replace(/\/+$/, '');

  /** `doing` starts the error message ("Saving the state at step 4"). */
  const send = async (url: string, doing: string, init: RequestInit): Promise<Response> => {
    let response: Response;
    try {
      response = await doFetch(url, { ...init, headers: { ...options.headers, ...init.headers } });
    } catch (error) {
      throw new Error(
        `${doing} of run ${options.runId} (${url}) failed (${(error as Error).message}); is the app's host still running?`,
        { cause: error },
      );
    }
    if (!response.ok)
      throw new Error(
        `${doing} of run ${options.runId} (${url}) was refused: HTTP ${response.status}: ${await refusal(response)}`,
      );
    return response;
  };

  const put = async (url: string, what: string, bytes: Uint8Array) => {
    const response = await send(url, `Saving ${what} (${bytes.byteLength} bytes)`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: bytes as Uint8Array<ArrayBuffer>,
    });
    await response.body?.cancel();
  };

  return {
    putState: (bytes, step) => put(`${base}/state?step=${step}`, `the state at step ${step}`, bytes),
    putOutput: (name, bytes) => put(`${base}/output/${encodeURIComponent(name)}`, name, bytes),
    readState: async () => {
      const response = await send(`${base}/state`, 'Reading the saved state', {});
      try {
        return new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        throw new Error(
          `Reading the saved state of run ${options.runId} broke off (${(error as Error).message}); is the app's host still running?`,
          { cause: error },
        );
      }
    },
  };
}
