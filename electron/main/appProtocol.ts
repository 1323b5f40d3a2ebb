/**
 * The app:// protocol: the app's pages (out/renderer), checkpoint file bytes
 * (`app://nezha/files/checkpoints/<id>/<file>`, with Range) and benchmark data files
 * (`app://nezha/files/datasets/<id>/benchmark.json`) from one privileged origin, so the page, its WASM,
 * the weights and the data are all same-origin under COOP/COEP.
 */
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { checkpointFileResponse, parseCheckpointFilePath, type FileResponse } from '../files/checkpointFiles';
import {
  benchmarkDataFileResponse,
  datasetFilesPrefix,
  parseBenchmarkDataFilePath,
} from '../files/datasetFiles';
import { mimeTypeFor } from '../files/mime';
import { resolveStaticFile } from '../files/staticFiles';
import { appHost, appScheme } from '../ipc/channels';
import { toErrorPayload, httpStatusFor } from '../ipc/dispatch';
import { securityHeaders } from '../security/csp';
import type { BenchmarkDataFiles } from '../services/benchmarkData';
import type { CheckpointLibrary } from '../services/checkpoints';
import { electronContentSecurityPolicy } from './windowOptions';

/** What protocol.registerSchemesAsPrivileged needs, before `ready`. */
export const appSchemePrivileges = {
  scheme: appScheme,
  privileges: {
    standard: true,
    secure: true,
    supportFetchAPI: true,
    stream: true,
    codeCache: true,
    corsEnabled: false,
  },
};

const filesPrefix = '/files/checkpoints/';

function errorResponse(status: number, message: string, headers: Record<string, string>): Response {
  return new Response(message, {
    status,
    headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

/** A file's bytes as a Response; a service error (unknown id, missing file) as its status and message. */
function fileResponse(open: () => FileResponse, headers: Record<string, string>): Response {
  try {
    const file = open();
    const body = file.body ? (Readable.toWeb(file.body) as ReadableStream<Uint8Array>) : null;
    return new Response(body, { status: file.status, headers: { ...headers, ...file.headers } });
  } catch (error) {
    const payload = toErrorPayload('files', error);
    return errorResponse(httpStatusFor(payload.code), payload.message, headers);
  }
}

/** Answer one app:// request. Pure apart from file reads, so it is tested with plain Requests. */
export function appProtocolResponse(
  request: Request,
  context: { rendererDir: string; library: CheckpointLibrary; benchmarkData: BenchmarkDataFiles },
): Response {
  const headers = securityHeaders(electronContentSecurityPolicy);
  const url = new URL(request.url);
  if (url.protocol !== `${appScheme}:` || url.host !== appHost) {
    return errorResponse(404, `Unknown app URL ${request.url}`, headers);
  }
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return errorResponse(405, `Use GET for ${url.pathname}`, headers);

  if (url.pathname.startsWith(filesPrefix)) {
    const parsed = parseCheckpointFilePath(url.pathname.slice(filesPrefix.length));
    if (!parsed) return errorResponse(404, `No checkpoint file at ${url.pathname}`, headers);
    return fileResponse(
      () =>
        checkpointFileResponse(
          context.library,
          parsed.id,
          parsed.file,
          request.headers.get('range'),
          request.method,
        ),
      headers,
    );
  }
  if (url.pathname.startsWith(datasetFilesPrefix)) {
    const datasetId = parseBenchmarkDataFilePath(url.pathname.slice(datasetFilesPrefix.length));
    if (datasetId === null) return errorResponse(404, `No dataset file at ${url.pathname}`, headers);
    return fileResponse(
      () =>
        benchmarkDataFileResponse(
          context.benchmarkData,
          datasetId,
          request.headers.get('range'),
          request.method,
        ),
      headers,
    );
  }

  const resolved = resolveStaticFile(context.rendererDir, url.pathname);
  if (resolved.kind === 'error') return errorResponse(resolved.status, resolved.message, headers);
  const size = statSync(resolved.path).size;
  const body =
    request.method === 'HEAD'
      ? null
      : (Readable.toWeb(createReadStream(resolved.path)) as ReadableStream<Uint8Array>);
  return new Response(body, {
    status: 200,
    headers: { ...headers, 'Content-Type': mimeTypeFor(resolved.path), 'Content-Length': String(size) },
  });
}
