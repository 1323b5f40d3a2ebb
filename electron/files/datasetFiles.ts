/**
 * Benchmark data file bytes for the renderer's inference worker, transport-neutral like checkpointFiles.ts:
 * the serve host (HTTP) and the Electron protocol handler turn `datasets/<id>/benchmark.json` into a status,
 * headers and a byte stream. The file is (re)built by the main side's BenchmarkDataFiles before it is served,
 * so its bytes always match the dataset; its SHA-256 goes out as the ETag, so the worker can tell that the
 * dataset changed since `benchmarks.prepareData` told the UI the hash.
 */
import { createReadStream } from 'node:fs';
import type { BenchmarkDataFiles } from '../services/benchmarkData';
import type { FileResponse } from './checkpointFiles';
import { planFileResponse } from './range';

/** The prefix both transports serve dataset files under. */
export const datasetFilesPrefix = '/files/datasets/';

/**
 * The dataset id of `<id>/benchmark.json` (already stripped of the `/files/datasets/` prefix), decoded;
 * null for any other path.
 */
export function parseBenchmarkDataFilePath(rest: string): string | null {
  const segments = rest.split('/');
  if (segments.length !== 2 || segments[1] !== 'benchmark.json') return null;
  let id: string;
  try {
    id = decodeURIComponent(segments[0]);
  } catch {
    return null;
  }
  return id === '' || /[\\/\0]/.test(id) ? null : id;
}

export function benchmarkDataFileResponse(
  files: BenchmarkDataFiles,
  datasetId: string,
  rangeHeader: string | null | undefined,
  method: string = 'GET',
): FileResponse {
  const prepared = files.prepare(datasetId);
  const plan = planFileResponse(prepared.bytes, rangeHeader, 'application/json; charset=utf-8');
  const body =
    method === 'HEAD' || plan.range === null
      ? null
      : createReadStream(prepared.file, { start: plan.range.start, end: plan.range.end });
  return { status: plan.status, headers: { ...plan.headers, ETag: `"${prepared.sha256}"` }, body };
}
