/**
 * The app:// protocol: the app's pages (out/renderer), checkpoint file bytes
 * (`app://nezha/files/checkpoints/<id>/<file>`, with Range) and benchmark data files
 * (`app://nezha/files/datasets/<id>/benchmark.json`) from one privileged origin, so the page, its WASM,
 * the weights and the data are all same-origin under COOP/COEP. Training run bytes travel the other way on
 * the same origin: the worker PUTs `app://nezha/files/training/<runId>/state?step=N` and
 * `.../output/<file>` (streamed from request.body) and GETs the state back to resume.
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
import {
  parseTrainingFilePath,
  receiveTrainingFile,
  trainingFileError,
  trainingFilesPrefix,
  trainingStateResponse,
} from '../files/trainingFiles';
import { appHost, appScheme } from '../ipc/channels';
import { toErrorPayload, httpStatusFor } from '../ipc/dispatch';
import { isAppUrl } from '../ipc/sender';
import { securityHeaders } from '../security/csp';
import type { BenchmarkDataFiles } from '../services/benchmarkData';
import type { CheckpointLibrary } from '../services/checkpoints';
import type { TrainingRunStore } from '../services/trainingRuns';
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

/** What the app:// pages and file routes read from. */
export interface AppProtocolContext {
  rendererDir: string;
  library: CheckpointLibrary;
  benchmarkData: BenchmarkDataFiles;
}

/** Answer one app:// request. Pure apart from file reads, so it is tested with plain Requests. */
export function appProtocolResponse(request: Request, context: AppProtocolContext): Response {
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

/** Training run files: the worker's PUTs (state snapshots, the finished folder) and its GET of the state. */
export async function appTrainingFileResponse(
  request: Request,
  trainingRuns: TrainingRunStore,
): Promise<Response> {
  const headers = securityHeaders(electronContentSecurityPolicy);
  const url = new URL(request.url);
  const route =
    url.protocol === `${appScheme}:` && url.host === appHost && url.pathname.startsWith(trainingFilesPrefix)
      ? parseTrainingFilePath(url.pathname.slice(trainingFilesPrefix.length))
      : null;
  if (!route) return errorResponse(404, `No training run file at ${request.url}`, headers);
  try {
    if (request.method === 'PUT') {
      // As IPC checks the sender frame: only the app's own pages (and their workers) may write here.
      const origin = request.headers.get('origin');
      if (origin !== null && !isAppUrl(origin))
        return errorResponse(403, `Requests from ${origin} may not write training files`, headers);
      const body = request.body ? Readable.fromWeb(request.body as never) : Readable.from([]);
      const result = await receiveTrainingFile(
        trainingRuns,
        route,
        url.searchParams,
        body as AsyncIterable<Uint8Array>,
        request.headers.get('content-length'),
      );
      return new Response(JSON.stringify(result), {
        status: 200,
        headers: { ...headers, 'Content-Type': 'application/json; charset=utf-8' },
      });
    }
    if (route.target !== 'state' || (request.method !== 'GET' && request.method !== 'HEAD'))
      return errorResponse(405, `Use PUT for ${url.pathname}`, headers);
    const file = await trainingStateResponse(
      trainingRuns,
      route.runId,
      request.headers.get('range'),
      request.method,
    );
    const body = file.body ? (Readable.toWeb(file.body) as ReadableStream<Uint8Array>) : null;
    return new Response(body, { status: file.status, headers: { ...headers, ...file.headers } });
  } catch (error) {
    const { status, payload } = trainingFileError(error);
    return errorResponse(status, payload.message, headers);
  }
}

/** What protocol.handle answers with: training run files, and appProtocolResponse for everything else. */
export function handleAppRequest(
  request: Request,
  context: AppProtocolContext & { trainingRuns: TrainingRunStore },
): Response | Promise<Response> {
  if (new URL(request.url).pathname.startsWith(trainingFilesPrefix))
    return appTrainingFileResponse(request, context.trainingRuns);
  return appProtocolResponse(request, context);
}
