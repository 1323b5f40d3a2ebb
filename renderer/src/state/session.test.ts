import { describe, expect, it } from 'vitest';
import type { TeamSessionInfo, TeamUser } from '../../../shared/ipc';
import { createSessionStore } from './session';

/* Who is using the app: single-user hosts need no sign-in; a team server's sign-in keeps the server's reason. */

const alice: TeamUser = { id: 'u1', name: 'alice', role: 'annotator' };

function api(info: TeamSessionInfo | Error) {
  return {
    team: {
      session: () => (info instanceof Error ? Promise.reject(info) : Promise.resolve(info)),
    },
  } as never;
}

describe('session store', () => {
  it('a single-user host needs no sign-in', async () => {
    const store = createSessionStore(api({ team: false, user: null }), null);
    await store.getState().check();
    expect(store.getState()).toMatchObject({ status: 'single', user: null });
  });

  it('a team server without a session asks for one; a refused sign-in keeps the reason, a good one signs in', async () => {
    let tries = 0;
    const auth = {
      login: async (name: string, password: string) => {
        tries += 1;
        if (password !== 'right password') throw new Error('Wrong name or password.');
        return { ...alice, name };
      },
      logout: async () => undefined,
    };
    const store = createSessionStore(api({ team: true, user: null }), auth);
    await store.getState().check();
    expect(store.getState().status).toBe('signed-out');
    expect(await store.getState().login('alice', 'wrong')).toBe(false);
    expect(store.getState()).toMatchObject({ status: 'signed-out', error: 'Wrong name or password.' });
    expect(await store.getState().login('alice', 'right password')).toBe(true);
    expect(store.getState()).toMatchObject({ status: 'signed-in', user: alice, error: null });
    await store.getState().logout();
    expect(store.getState()).toMatchObject({ status: 'signed-out', user: null });
    expect(tries).toBe(2);
  });

  it('a host that cannot be asked says so', async () => {
    const store = createSessionStore(api(new Error('cannot reach the host')), null);
    await store.getState().check();
    expect(store.getState()).toMatchObject({ status: 'unreachable', error: 'cannot reach the host' });
  });
});
