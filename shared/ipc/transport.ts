/**
 * The renderer's view of the main side: one transport interface, implemented by the Electron preload
 * bridge and the serve-mode client, and the paths file bytes travel under on both (checkpoint weights and
 * benchmark data down, training state and trained folders up).
 */
import type { EventChannel } from './events';

/**
 * The path (same on both transports) under which a checkpoint file's bytes are served, with Range support:
 * `/files/checkpoints/<id>/<file>`. Each segment is URI-encoded; `file` may contain `/` for nested files.
 */
export function checkpointFilePath(checkpointId: string, file: string): string {
  const encodedFile = file.split('/').map(encodeURIComponent).join('/');
  return `/files/checkpoints/${encodeURIComponent(checkpointId)}/${encodedFile}`;
}

/**
 * The folder path (same on both transports) of a training run's files, which the inference worker moves as
 * bytes: `PUT <path>/state?step=N` stores a state snapshot, `GET <path>/state` (with Range) reads it back to
 * resume, `PUT <path>/output/<file>` stores one file of the finished HF folder.
 */
export function trainingRunFilesPath(runId: string): string {
  return `/files/training/${encodeURIComponent(runId)}`;
}

/**
 * The path (same on both transports) a dataset's benchmark data file is served under (see
 * `benchmarks.prepareData`): `/files/datasets/<id>/benchmark.json`.
 */
export function benchmarkDataFilePath(datasetId: string): string {
  return `/files/datasets/${encodeURIComponent(datasetId)}/benchmark.json`;
}

/**
 * What a transport must provide. Implemented by the Electron preload bridge (`window.nezha`) and the
 * serve-mode HTTP/WebSocket client.
 *
 * `request` resolves with the `IpcResult` envelope (`{ok:true,result}` or `{ok:false,error}`) exactly as
 * the main side sent it; the typed client unwraps it with `unwrapIpcResult`, which throws `IpcError`.
 * It rejects only when the transport itself fails (connection lost, bridge gone).
 */
export interface Transport {
  request(channel: string, payload: unknown): Promise<unknown>;
  subscribe(channel: EventChannel, listener: (payload: unknown) => void): () => void;
  /** A URL the renderer can fetch (with Range) to read a checkpoint file's bytes. */
  checkpointFileUrl(checkpointId: string, file: string): string;
  /** The URL of a training run's file folder (trainingRunFilesPath), for the worker's PUTs and GETs. */
  trainingRunFilesUrl(runId: string): string;
}
