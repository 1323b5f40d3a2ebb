/**
 * Who is using the app: on a team server (serve --team, issue 17) an account signed in with a session
 * cookie; anywhere else (the desktop app, a single-user serve host) nobody needs to sign in. main.tsx
 * creates the store once; App renders the login page until the host says someone is signed in, so no view
 * asks the host for anything before that.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { TeamUser } from '../../../shared/ipc';
import type { Api } from '../api/client';
import type { TeamAuth } from '../api/transports/serve';
import { defineViewStore } from './viewStore';

export type SessionStatus =
  /** Asking the host (team.session). */
  | 'checking'
  /** A single-user host: no accounts. */
  | 'single'
  | 'signed-out'
  | 'signed-in'
  /** The host could not be asked. */
  | 'unreachable';

export interface SessionState {
  status: SessionStatus;
  user: TeamUser | null;
  /** Why the last sign-in failed, or why the host could not be asked. */
  error: string | null;
  signingIn: boolean;

  check(): Promise<void>;
  /** True when signed in (the page then reloads, so every connection starts with the new session). */
  login(name: string, password: string): Promise<boolean>;
  logout(): Promise<void>;
}

export const SessionStore = defineViewStore<SessionState>('Session');

/** `auth` is the team server's sign-in routes; null where there are none (the Electron bridge). */
export function createSessionStore(api: Pick<Api, 'team'>, auth: TeamAuth | null): StoreApi<SessionState> {
  return createStore<SessionState>()((set, get) => ({
    status: 'checking',
    user: null,
    error: null,
    signingIn: false,

    async check() {
      try {
        const info = await api.team.session();
        if (!info.team) set({ status: 'single', user: null, error: null });
        else set({ status: info.user ? 'signed-in' : 'signed-out', user: info.user, error: null });
      } catch (error) {
        set({ status: 'unreachable', error: (error as Error).message });
      }
    },

    async login(name, password) {
      if (!auth) throw new Error('This host has no accounts to sign in to.');
      set({ signingIn: true, error: null });
      try {
        const user = await auth.login(name, password);
        set({ status: 'signed-in', user, signingIn: false });
        return true;
      } catch (error) {
        set({ signingIn: false, error: (error as Error).message });
        return false;
      }
    },

    async logout() {
      if (!auth || get().status !== 'signed-in') return;
      await auth.logout();
      set({ status: 'signed-out', user: null, error: null });
    },
  }));
}
