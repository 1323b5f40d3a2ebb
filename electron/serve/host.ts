/**
 * Serve mode: the same UI in a browser, over HTTP + WebSocket on 127.0.0.1 only, guarded by a
 * per-start random token. Protocol:
 *   GET  /?token=T               sets the HttpOnly cookie nezha_token and serves index.html
 *   any request                  must carry the token (cookie, Authorization: Bearer, or ?token=) → else 401
 *   GET  /<file>                 the built renderer (rendererDir)
 *   POST /api/<channel>          JSON body → {ok:true,result} | {ok:false,error} (400/403/404/500; a cancelled job is 200 + ok:false, code "cancelled")
 *   GET  /files/checkpoints/<id>/<file>   checkpoint bytes, with Range (206/416)
 *   PUT  /files/training/<runId>/state?step=N     a training state snapshot, streamed to disk (413 over the limit)
 *   GET  /files/training/<runId>/state            the saved state, with Range, to resume
 *   PUT  /files/training/<runId>/output/<file>    one file of the finished HF folder
 *   GET  /files/datasets/<id>/benchmark.json   a dataset's benchmark data file (ETag: its SHA-256)
 *   WS   /events                 {channel, payload} messages for event channels
 *
 * Team mode (`team: true`, issue 17) replaces the token with accounts: POST /auth/login {name, password}
 * sets an HttpOnly, SameSite=Strict session cookie (rate-limited per account and per address), POST
 * /auth/logout ends it; the page and its assets load without one (the renderer shows its login form when
 * team.session says so), while /api, /files and /events need a session, and every channel checks the role
 * through shared/ipc/permissions.ts (ipc/teamGuard.ts). Only team mode may bind beyond loopback; TLS comes
 * from `tls` or a reverse proxy in front.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import type { IpcErrorPayload, IpcResult } from '../../shared/ipc';
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
import { dispatchRequest, httpStatusFor, toErrorPayload, type RequestGuard } from '../ipc/dispatch';
import { admitTeamRequest, authorizeTeamRequest, filterTeamResponse } from '../ipc/teamGuard';
import { createHandlers } from '../ipc/handlers';
import { contentSecurityPolicy, securityHeaders } from '../security/csp';
import { createServices, type Services } from '../services/services';
import { LoginRateLimiter, type RateLimitOptions } from '../services/team/loginRateLimit';
import type { ScryptParameters } from '../services/team/passwords';
import { clearedSessionCookieHeader, sessionCookie, sessionCookieHeader } from '../services/team/sessions';
import type { TeamUser } from '../../shared/ipc';

export interface ServeHostOptions {
  dataDir: string;
  /** The built renderer (out/renderer), holding index.html. */
  rendererDir: string;
  /** Default: a random free port. */
  port?: number;
  /** Default: 32 random bytes, hex. */
  token?: string;
  /** Folder with checkpoints/index.json (builtins). Default: the repo's resources/. */
  resourcesDir?: string;
  /** Largest training file one PUT may carry (default MAX_TRAINING_FILE_BYTES; tests set a small one). */
  maxTrainingFileBytes?: number;
  /** Team server: accounts and sessions instead of the token (see the header). Default false. */
  team?: boolean;
  /** Address to bind. Default 127.0.0.1; anything beyond loopback is refused unless `team`. */
  bindAddress?: string;
  /** PEM certificate and key: serve HTTPS (and wss://), with Secure cookies. */
  tls?: { cert: Buffer | string; key: Buffer | string };
  /** Mark the session cookie Secure without `tls`: a TLS-terminating reverse proxy is in front. */
  secureCookie?: boolean;
  /** scrypt parameters for passwords set through this host (tests pass cheap ones). */
  passwordHashing?: ScryptParameters;
  /** Team mode's login limits (tests pass small ones and a clock). */
  loginRateLimit?: RateLimitOptions;
}

export interface ServeHost {
  url: string;
  origin: string;
  port: number;
  token: string;
  /** What the listening socket is bound to (server.address()): 127.0.0.1 unless a team server binds elsewhere. */
  address: AddressInfo;
  /** The services behind the host (tests and in-process tools use them, e.g. to emit events). */
  services: Services;
  close(): Promise<void>;
}

export const tokenCookie = 'nezha_token';
const maxBodyBytes = 1024 * 1024;
const loopback = '127.0.0.1';
const loopbackAddresses = new Set(['127.0.0.1', '::1', 'localhost']);
const maxLoginBodyBytes = 8 * 1024;

/** Why a bind address is refused for this mode, or null when it may be used. */
export function bindRefusal(address: string, team: boolean): string | null {
  if (team || loopbackAddresses.has(address)) return null;
  return (
    `Binding to ${address} is refused without --team: a single-user server only listens on 127.0.0.1. ` +
    'Start a team server (`serve --team`, with accounts from `user add`) to let other machines connect.'
  );
}

/** The origin's host:port is the request's Host (scheme may differ behind a TLS-terminating proxy). */
function sameHostOrigin(requestOrigin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(requestOrigin).host === host;
  } catch {
    return false;
  }
}

/** The repo's resources/ folder, next to electron/ (dev and tests; the packaged app passes its own). */
export function defaultResourcesDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../resources');
}

function sameToken(candidate: string | null | undefined, token: string): boolean {
  if (!candidate) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** Where the request carries the token, if anywhere. */
function presentedTokens(request: IncomingMessage, url: URL): string[] {
  const tokens: string[] = [];
  const fromQuery = url.searchParams.get('token');
  if (fromQuery) tokens.push(fromQuery);
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ')) tokens.push(authorization.slice('Bearer '.length).trim());
  const fromCookie = cookieValue(request.headers.cookie, tokenCookie);
  if (fromCookie) tokens.push(fromCookie);
  return tokens;
}

export async function startServeHost(options: ServeHostOptions): Promise<ServeHost> {
  const rendererDir = resolve(options.rendererDir);
  const resourcesDir =
    options.resourcesDir !== undefined ? resolve(options.resourcesDir) : defaultResourcesDir();
  const token = options.token ?? randomBytes(32).toString('hex');
  const team = options.team === true;
  const bindAddress = options.bindAddress ?? loopback;
  const refusal = bindRefusal(bindAddress, team);
  if (refusal) throw new Error(refusal);
  const scheme = options.tls ? 'https' : 'http';
  const secureCookie = options.tls !== undefined || options.secureCookie === true;
  const services: Services = await createServices({
    dataDir: options.dataDir,
    resourcesDir,
    host: 'serve',
    maxTrainingFileBytes: options.maxTrainingFileBytes,
    passwordHashing: options.passwordHashing,
  });
  for (const problem of services.startupProblems) console.warn(`[serve] ${problem}`);
  const handlers = createHandlers(services);
  const logins = new LoginRateLimiter(options.loginRateLimit);

  const server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key })
    : createHttpServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  // The port is known only after listen; headers and checks read these.
  let port = 0;
  let origin = '';
  let headers: Record<string, string> = {};
  // Only the exact origin the page was given: a page on localhost:PORT would fail the WebSocket Origin
  // check anyway, and refusing other Host names defeats DNS rebinding.
  const allowedHosts = () => new Set([`${loopback}:${port}`]);
  // A team server answers under whatever name the team reaches it by (its address, a DNS name, a proxy's);
  // the session cookie (SameSite=Strict) and the Origin check below take the token's place.
  const hostAllowed = (host: string | undefined) => team || allowedHosts().has(host ?? '');
  const originAllowed = (requestOrigin: string, host: string | undefined) =>
    team ? sameHostOrigin(requestOrigin, host) : requestOrigin === origin;
  const sessionUser = (request: IncomingMessage): TeamUser | null =>
    services.team.sessions.lookup(cookieValue(request.headers.cookie, sessionCookie));

  function send(
    response: ServerResponse,
    status: number,
    body: string | Buffer,
    contentType: string,
    extra: Record<string, string> = {},
  ) {
    response.writeHead(status, {
      ...headers,
      'Content-Type': contentType,
      'Content-Length': String(Buffer.byteLength(body)),
      'Cache-Control': 'no-store',
      ...extra,
    });
    response.end(body);
  }

  function sendJson(
    response: ServerResponse,
    status: number,
    value: unknown,
    extra: Record<string, string> = {},
  ) {
    send(response, status, JSON.stringify(value), 'application/json; charset=utf-8', extra);
  }

  function sendError(
    response: ServerResponse,
    status: number,
    code: IpcErrorPayload['code'],
    message: string,
    channel = '',
  ) {
    const envelope: IpcResult = { ok: false, error: { code, message, channel } };
    sendJson(response, status, envelope);
  }

  function serveStatic(
    request: IncomingMessage,
    response: ServerResponse,
    pathname: string,
    extra: Record<string, string>,
  ) {
    const resolved = resolveStaticFile(rendererDir, pathname);
    if (resolved.kind === 'error') {
      return sendError(
        response,
        resolved.status,
        resolved.status === 403 ? 'forbidden' : resolved.status === 404 ? 'not-found' : 'bad-request',
        resolved.message,
      );
    }
    serveFile(request, response, resolved.path, extra);
  }

  function serveFile(
    request: IncomingMessage,
    response: ServerResponse,
    file: string,
    extra: Record<string, string> = {},
  ) {
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      return sendError(response, 404, 'not-found', `${file} is missing`);
    }
    const isHtml = file.endsWith('.html');
    response.writeHead(200, {
      ...headers,
      ...extra,
      'Content-Type': mimeTypeFor(file),
      'Content-Length': String(size),
      // index.html names hashed assets, so it must be revalidated; the assets themselves may be cached.
      'Cache-Control': isHtml ? 'no-store' : 'no-cache',
    });
    if (request.method === 'HEAD') return response.end();
    createReadStream(file).pipe(response);
  }

  async function readJsonBody(
    request: IncomingMessage,
    response: ServerResponse,
    limit: number,
    channel: string,
    /** The route the error names. */
    route: string = request.url ?? '',
  ): Promise<{ payload: unknown } | null> {
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of request) {
      length += (chunk as Buffer).length;
      if (length > limit) {
        sendError(response, 413, 'bad-request', `Request body over ${limit} bytes`, channel);
        return null;
      }
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim() === '') return { payload: undefined };
    try {
      return { payload: JSON.parse(text) };
    } catch (error) {
      sendError(
        response,
        400,
        'bad-request',
        `Body of ${route} is not JSON: ${(error as Error).message}`,
        channel,
      );
      return null;
    }
  }

  /** Team mode: POST /auth/login {name, password} and POST /auth/logout. */
  async function handleAuth(request: IncomingMessage, response: ServerResponse, path: string) {
    if (request.method !== 'POST') return sendError(response, 405, 'bad-request', `Use POST for ${path}`);
    const requestOrigin = request.headers.origin;
    if (requestOrigin !== undefined && !originAllowed(requestOrigin, request.headers.host))
      return sendError(response, 403, 'forbidden', `Requests from ${requestOrigin} are not allowed`);
    if (path === '/auth/logout') {
      const presented = cookieValue(request.headers.cookie, sessionCookie);
      if (presented) services.team.sessions.destroy(presented);
      return sendJson(response, 200, { ok: true, result: { team: true, user: null } } satisfies IpcResult, {
        'Set-Cookie': clearedSessionCookieHeader(secureCookie),
      });
    }
    if (path !== '/auth/login') return sendError(response, 404, 'not-found', `No route ${path}`);
    const body = await readJsonBody(request, response, maxLoginBodyBytes, 'auth.login');
    if (!body) return;
    const { name, password } = (body.payload ?? {}) as { name?: unknown; password?: unknown };
    if (typeof name !== 'string' || typeof password !== 'string' || name.trim() === '')
      return sendError(
        response,
        400,
        'bad-request',
        'Login needs {"name": "...", "password": "..."}',
        'auth.login',
      );
    const address = request.socket.remoteAddress ?? 'unknown';
    const wait = logins.retryAfterMs(name, address);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      const envelope: IpcResult = {
        ok: false,
        error: {
          code: 'forbidden',
          message: `Too many failed logins; try again in ${seconds} s.`,
          channel: 'auth.login',
        },
      };
      return sendJson(response, 429, envelope, { 'Retry-After': String(seconds) });
    }
    const user = await services.team.accounts.verify(name, password);
    if (!user) {
      logins.recordFailure(name, address);
      return sendError(response, 401, 'forbidden', 'Wrong name or password.', 'auth.login');
    }
    logins.recordSuccess(name);
    const session = services.team.sessions.create(user.id);
    sendJson(response, 200, { ok: true, result: { team: true, user } } satisfies IpcResult, {
      'Set-Cookie': sessionCookieHeader(session.token, services.team.sessions.ttlMs, secureCookie),
    });
  }

  async function handleApi(
    request: IncomingMessage,
    response: ServerResponse,
    channel: string,
    user: TeamUser | null,
  ) {
    if (request.method !== 'POST') {
      return sendError(response, 405, 'bad-request', `Use POST for /api/${channel}`, channel);
    }
    // Browsers send Origin on POST; a page elsewhere must not drive the API even if it guessed the port.
    const requestOrigin = request.headers.origin;
    if (requestOrigin !== undefined && !originAllowed(requestOrigin, request.headers.host)) {
      return sendError(response, 403, 'forbidden', `Requests from ${requestOrigin} are not allowed`, channel);
    }
    const body = await readJsonBody(request, response, maxBodyBytes, channel, `/api/${channel}`);
    if (!body) return;
    const { payload } = body;
    if (team && !user) {
      // The page asks this before anything else: "log in" is an answer, not an error.
      if (channel === 'team.session')
        return sendJson(response, 200, { ok: true, result: { team: true, user: null } } satisfies IpcResult);
      return sendError(
        response,
        401,
        'forbidden',
        'Log in first: this team server needs a session.',
        channel,
      );
    }
    const guard: RequestGuard | undefined = user
      ? {
          admit: (name) => admitTeamRequest(name, user),
          before: (name, parsed) => authorizeTeamRequest(name, parsed, user, services.team.router),
          after: (name, result) => filterTeamResponse(name, result, user),
        }
      : undefined;
    const result = await dispatchRequest(handlers, channel, payload, user ? { user } : {}, guard);
    sendJson(response, result.ok ? 200 : httpStatusFor(result.error.code), result);
  }

  function handleFile(request: IncomingMessage, response: ServerResponse, rest: string) {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return sendError(response, 405, 'bad-request', 'Use GET for files');
    const parsed = parseCheckpointFilePath(rest);
    if (!parsed)
      return sendError(response, 404, 'not-found', `No checkpoint file at /files/checkpoints/${rest}`);
    sendFile(response, () =>
      checkpointFileResponse(
        services.checkpoints,
        parsed.id,
        parsed.file,
        request.headers.range,
        request.method,
      ),
    );
  }

  function handleDatasetFile(request: IncomingMessage, response: ServerResponse, rest: string) {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return sendError(response, 405, 'bad-request', 'Use GET for files');
    const datasetId = parseBenchmarkDataFilePath(rest);
    if (datasetId === null)
      return sendError(response, 404, 'not-found', `No dataset file at ${datasetFilesPrefix}${rest}`);
    sendFile(response, () =>
      benchmarkDataFileResponse(services.benchmarkData, datasetId, request.headers.range, request.method),
    );
  }

  /** Checkpoint and dataset bytes alike: the file's status and headers, then its stream. */
  function sendFile(response: ServerResponse, open: () => FileResponse) {
    try {
      const file = open();
      response.writeHead(file.status, { ...headers, ...file.headers, 'Cache-Control': 'no-cache' });
      if (file.body) file.body.pipe(response);
      else response.end();
    } catch (error) {
      const payload = toErrorPayload('files', error);
      sendError(response, httpStatusFor(payload.code), payload.code, payload.message);
    }
  }

  /** Training run files: the worker PUTs state snapshots and the finished folder, and GETs the state back. */
  async function handleTrainingFile(request: IncomingMessage, response: ServerResponse, url: URL) {
    const route = parseTrainingFilePath(url.pathname.slice(trainingFilesPrefix.length));
    if (!route) return sendError(response, 404, 'not-found', `No training run file at ${url.pathname}`);
    const method = request.method ?? 'GET';
    if (method === 'PUT') {
      // As for /api/: a page elsewhere must not write here even if it guessed the port.
      const requestOrigin = request.headers.origin;
      if (requestOrigin !== undefined && !originAllowed(requestOrigin, request.headers.host))
        return sendError(response, 403, 'forbidden', `Requests from ${requestOrigin} are not allowed`);
      // Storing a training run writes the server's disk: the admin's, as trainingRuns.save is.
      if (team && sessionUser(request)?.role !== 'admin')
        return sendError(
          response,
          403,
          'forbidden',
          'Only an admin may upload training run files to a team server.',
        );
      try {
        // Not destroyed when the store stops reading early (too large): the 413 must still reach the client.
        const body = request.iterator({ destroyOnReturn: false });
        const result = await receiveTrainingFile(
          services.trainingRuns,
          route,
          url.searchParams,
          body as AsyncIterable<Uint8Array>,
          request.headers['content-length'],
        );
        return sendJson(response, 200, result);
      } catch (error) {
        const { status, payload } = trainingFileError(error);
        // The rest of a refused body is not read; closing the connection after the answer discards it.
        if (!request.readableEnded) response.setHeader('Connection', 'close');
        return sendJson(response, status, { ok: false, error: payload } satisfies IpcResult);
      }
    }
    if (route.target !== 'state' || (method !== 'GET' && method !== 'HEAD'))
      return sendError(
        response,
        405,
        'bad-request',
        `Use PUT for ${url.pathname}${route.target === 'state' ? ', or GET to read the state back' : ''}`,
      );
    try {
      const file = await trainingStateResponse(
        services.trainingRuns,
        route.runId,
        request.headers.range,
        method,
      );
      response.writeHead(file.status, { ...headers, ...file.headers, 'Cache-Control': 'no-store' });
      if (file.body) file.body.pipe(response);
      else response.end();
    } catch (error) {
      const { status, payload } = trainingFileError(error);
      sendError(response, status, payload.code, payload.message);
    }
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const url = new URL(request.url ?? '/', origin);
      if (!hostAllowed(request.headers.host)) {
        return sendError(
          response,
          403,
          'forbidden',
          `Host ${request.headers.host ?? '(none)'} is not this server; open ${origin}`,
        );
      }
      if (team) return handleTeamRequest(request, response, url);
      const tokens = presentedTokens(request, url);
      if (!tokens.some((candidate) => sameToken(candidate, token))) {
        return sendError(
          response,
          401,
          'forbidden',
          tokens.length === 0
            ? 'Missing token: open the URL printed by `npm run serve` (it carries ?token=...)'
            : 'Wrong token: this server was restarted or the link is old; open the URL it printed',
        );
      }
      // A valid ?token= becomes the cookie, so later requests (fetch, workers, WebSocket) carry it.
      const extra: Record<string, string> = sameToken(url.searchParams.get('token'), token)
        ? { 'Set-Cookie': `${tokenCookie}=${token}; HttpOnly; SameSite=Strict; Path=/` }
        : {};
      return routeRequest(request, response, url, extra, null);
    })().catch((error: unknown) => {
      console.error('[serve] request failed:', error);
      if (!response.headersSent)
        sendError(response, 500, 'failed', `Internal error: ${(error as Error).message}`);
      else response.destroy();
    });
  });

  /** Team mode: the page loads without a session; /api, /files and /events need one. */
  async function handleTeamRequest(request: IncomingMessage, response: ServerResponse, url: URL) {
    const path = url.pathname;
    if (path.startsWith('/auth/')) return handleAuth(request, response, path);
    const user = sessionUser(request);
    if (path.startsWith('/api/')) return routeRequest(request, response, url, {}, user);
    if (!user && (path.startsWith('/files/') || path === '/events'))
      return sendError(response, 401, 'forbidden', 'Log in first: this team server needs a session.');
    return routeRequest(request, response, url, {}, user);
  }

  async function routeRequest(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    extra: Record<string, string>,
    user: TeamUser | null,
  ) {
    {
      const path = url.pathname;
      if (path.startsWith('/api/'))
        return handleApi(request, response, decodeURIComponent(path.slice('/api/'.length)), user);
      if (path.startsWith('/files/checkpoints/'))
        return handleFile(request, response, path.slice('/files/checkpoints/'.length));
      if (path.startsWith(trainingFilesPrefix)) return handleTrainingFile(request, response, url);
      if (path.startsWith(datasetFilesPrefix))
        return handleDatasetFile(request, response, path.slice(datasetFilesPrefix.length));
      if (path === '/events')
        return sendError(response, 426, 'bad-request', '/events is a WebSocket endpoint');
      if (request.method !== 'GET' && request.method !== 'HEAD')
        return sendError(response, 405, 'bad-request', `Use GET for ${path}`);
      // Browsers ask for /favicon.ico on their own; answer with the app icon unless the build has one.
      if (path === '/favicon.ico' && !existsSync(join(rendererDir, 'favicon.ico'))) {
        return serveFile(request, response, join(resourcesDir, 'icon.png'));
      }
      serveStatic(request, response, path, extra);
    }
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that resets the connection mid-handshake must not raise an unhandled 'error' either.
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname !== '/events') return refuse(404, 'Not Found');
    if (!hostAllowed(request.headers.host)) return refuse(403, 'Forbidden');
    const wsOrigin = request.headers.origin;
    if (wsOrigin === undefined || !originAllowed(wsOrigin, request.headers.host))
      return refuse(403, 'Forbidden');
    if (
      team
        ? !sessionUser(request)
        : !presentedTokens(request, url).some((candidate) => sameToken(candidate, token))
    )
      return refuse(401, 'Unauthorized');
    sockets.handleUpgrade(request, socket, head, (ws) => {
      // A malformed frame (over maxPayload, invalid UTF-8, unmasked, reserved opcode or RSV bits) makes
      // ws emit 'error' and close that socket with 1002/1007/1009; without a listener the error would be
      // unhandled and end the whole host. Only this client is affected.
      ws.on('error', (error) => console.warn(`[serve] WebSocket client dropped: ${error.message}`));
      // Problems found at start (e.g. a broken builtin checkpoint) reach every new page as errors.
      for (const message of services.startupProblems)
        ws.send(JSON.stringify({ channel: 'main.error', payload: { message } }));
      sockets.emit('connection', ws, request);
    });
  });

  const stopForwarding = services.events.listen((channel, payload) => {
    const message = JSON.stringify({ channel, payload });
    for (const client of sockets.clients as Set<WebSocket>) {
      if (client.readyState === client.OPEN) client.send(message);
    }
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      services.close();
      rejectListen(
        error.code === 'EADDRINUSE'
          ? new Error(
              `Port ${options.port} on ${bindAddress} is in use; pick another with --port or leave it out for a free one`,
              { cause: error },
            )
          : error,
      );
    });
    server.listen(options.port ?? 0, bindAddress, () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = bindAddress === '0.0.0.0' || bindAddress === '::' ? loopback : bindAddress;
  origin = `${scheme}://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${port}`;
  // A team server's page may be reached under any of its names: 'self' covers ws(s):// of the same host.
  headers = securityHeaders(contentSecurityPolicy({ connectSrc: team ? [] : [`ws://${loopback}:${port}`] }));

  let closed: Promise<void> | null = null;
  return {
    url: team ? `${origin}/` : `${origin}/?token=${token}`,
    origin,
    port,
    token,
    services,
    address: server.address() as AddressInfo,
    close: () => {
      closed ??= new Promise<void>((resolveClose) => {
        stopForwarding();
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.close(() => {
          services.close();
          resolveClose();
        });
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
