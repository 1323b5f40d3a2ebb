/**
 * The browser transport for serve mode (`npm run serve`): requests are `POST /api/<channel>` with a
 * JSON body, answered with the IpcResult envelope; events arrive over the WebSocket `/events` as
 * `{channel, payload}`. The page itself was opened at `/?token=T`, which set an HttpOnly cookie that
 * the browser now attaches to every request and to the socket handshake.
 */
import type { EventChannel, IpcResult, TeamSessionInfo, TeamUser, Transport } from '../../../../shared/ipc';
import { checkpointFilePath, trainingRunFilesPath } from '../../../../shared/ipc';

/** The subset of the WebSocket API the transport uses (browser WebSocket, or `ws` in tests). */
export interface EventSocket {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  close(): void;
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ServeTransportOptions {
  /** http://127.0.0.1:PORT, normally location.origin. */
  origin: string;
  /** Sent as `Authorization: Bearer` for clients without the cookie (Node tools, tests). */
  token?: string;
  fetch?: typeof fetch;
  openSocket?: (url: string) => EventSocket;
  /** First reconnect delay and the cap for the doubling backoff. */
  reconnectDelayMs?: { initial: number; max: number };
  onConnectionChange?: (state: ConnectionState) => void;
}

export interface ServeTransport extends Transport {
  /** Close the event socket and stop reconnecting. */
  close(): void;
}

export function serveTransport(options: ServeTransportOptions): ServeTransport {
  const origin = options.origin.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const openSocket = options.openSocket ?? ((url: string) => new WebSocket(url) as unknown as EventSocket);
  const delays = options.reconnectDelayMs ?? { initial: 500, max: 10_000 };
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  let socket: EventSocket | null = null;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  let closed = false;

  const setState = (state: ConnectionState) => options.onConnectionChange?.(state);
  const listenerCount = () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0);

  function connect() {
    if (closed || socket) return;
    setState(attempt === 0 ? 'connecting' : 'reconnecting');
    const current = openSocket(`${origin.replace(/^http/, 'ws')}/events`);
    socket = current;
    current.onopen = () => {
      attempt = 0;
      setState('open');
    };
    current.onmessage = (event) => {
      let message: { channel?: unknown; payload?: unknown };
      try {
        message = JSON.parse(String(event.data)) as typeof message;
      } catch {
        console.error('serve transport: ignoring an event that is not JSON:', event.data);
        return;
      }
      if (typeof message.channel !== 'string') return;
      for (const listener of listeners.get(message.channel) ?? []) {
        try {
          listener(message.payload);
        } catch (error) {
          console.error(`Listener for "${message.channel}" failed:`, error);
        }
      }
    };
    current.onerror = () => {
      // onclose follows and schedules the reconnect.
    };
    current.onclose = () => {
      if (socket === current) socket = null;
      if (closed || listenerCount() === 0) return setState('closed');
      const delay = Math.min(delays.max, delays.initial * 2 ** attempt);
      attempt += 1;
      setState('reconnecting');
      reconnectTimer = setTimeout(() => {
        reconnectTimer = null;
        connect();
      }, delay);
    };
  }

  return {
    async request(channel: string, payload: unknown): Promise<unknown> {
      const path = `/api/${encodeURIComponent(channel)}`;
      let response: Response;
      try {
        response = await doFetch(`${origin}${path}`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: {
            'Content-Type': 'application/json',
            ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
          },
          body: payload === undefined ? undefined : JSON.stringify(payload),
        });
      } catch (error) {
        throw new Error(
          `cannot reach the Nezha Studio host at ${origin} (${(error as Error).message}); is \`npm run serve\` still running?`,
          { cause: error },
        );
      }
      const text = await response.text();
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new Error(
          `HTTP ${response.status} from ${path} is not JSON (${text.slice(0, 120) || 'empty body'}); is ${origin} the Nezha Studio host?`,
        );
      }
    },

    subscribe(channel: EventChannel, listener: (payload: unknown) => void): () => void {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(listener);
      connect();
      return () => {
        set.delete(listener);
      };
    },

    checkpointFileUrl(checkpointId: string, file: string): string {
      return `${origin}${checkpointFilePath(checkpointId, file)}`;
    },

    trainingRunFilesUrl(runId: string): string {
      return `${origin}${trainingRunFilesPath(runId)}`;
    },

    close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      socket?.close();
      socket = null;
    },
  };
}

/**
 * After the page loaded with `?token=T` (which set the cookie), take the token out of the address
 * bar so it does not end up in bookmarks, screenshots or shared links.
 */
export function stripTokenFromAddressBar(location: Location, history: History): void {
  const url = new URL(location.href);
  if (!url.searchParams.has('token')) return;
  url.searchParams.delete('token');
  history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
}

/** Signing in to a team server (serve --team): the session cookie is set and cleared by these routes. */
export interface TeamAuth {
  /** The account signed in; rejects with the server's reason (wrong password, too many tries). */
  login(name: string, password: string): Promise<TeamUser>;
  logout(): Promise<void>;
}

export function serveTeamAuth(
  origin: string,
  doFetch: typeof fetch = globalThis.fetch.bind(globalThis),
): TeamAuth {
  const base = origin.replace(/\/+$/, '');
  async function post(path: string, body?: unknown): Promise<IpcResult<TeamSessionInfo>> {
    const response = await doFetch(`${base}${path}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    try {
      return JSON.parse(text) as IpcResult<TeamSessionInfo>;
    } catch {
      throw new Error(
        `HTTP ${response.status} from ${path} is not JSON; is ${base} a Nezha Studio team server?`,
      );
    }
  }
  return {
    async login(name, password) {
      const result = await post('/auth/login', { name, password });
      if (!result.ok) throw new Error(result.error.message);
      if (!result.result.user) throw new Error('The server signed no one in.');
      return result.result.user;
    },
    async logout() {
      const result = await post('/auth/logout');
      if (!result.ok) throw new Error(result.error.message);
    },
  };
}
