import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../database';
import { AccountStore } from './accounts';
import { SessionStore, sessionCookieHeader, clearedSessionCookieHeader } from './sessions';

let dir: string;
let db: Database;
let now: number;
let accounts: AccountStore;
let sessions: SessionStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-team-'));
  db = openDatabase(join(dir, 'db.sqlite'));
  now = 1_700_000_000_000;
  accounts = new AccountStore(db, { now: () => now, scrypt: { N: 1024, r: 8, p: 1 } });
  sessions = new SessionStore(db, { now: () => now, ttlMs: 60_000 });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('AccountStore', () => {
  it('adds, verifies, resets and removes accounts; never stores the password', async () => {
    const admin = await accounts.add('root', 'admin', 'admin password');
    const alice = await accounts.add('alice', 'annotator', 'alice password');
    expect(accounts.list().map((u) => `${u.name}:${u.role}`)).toEqual(['alice:annotator', 'root:admin']);
    const stored = db.prepare('SELECT password_hash FROM team_users WHERE id = ?').get(alice.id) as {
      password_hash: string;
    };
    expect(stored.password_hash).not.toContain('alice password');
    expect(await accounts.verify('alice', 'alice password')).toEqual(alice);
    expect(await accounts.verify('alice', 'wrong password')).toBeNull();
    expect(await accounts.verify('nobody', 'alice password')).toBeNull();

    await accounts.reset('alice', 'new password!', 'reviewer');
    expect(await accounts.verify('alice', 'alice password')).toBeNull();
    expect((await accounts.verify('alice', 'new password!'))?.role).toBe('reviewer');

    expect(() => accounts.remove('root')).toThrow(/last admin/);
    expect(accounts.remove('alice')).toEqual({ removed: true });
    expect(accounts.get('alice')).toBeNull();
    expect(admin.role).toBe('admin');
  });

  it('refuses a duplicate name, an unknown role and a short password, naming what is wrong', async () => {
    await accounts.add('bob', 'reviewer', 'long enough');
    await expect(accounts.add('bob', 'annotator', 'long enough')).rejects.toThrow(/"bob" exists already/);
    await expect(accounts.add('carol', 'owner', 'long enough')).rejects.toThrow(/Role "owner"/);
    await expect(accounts.add('carol', 'annotator', 'short')).rejects.toThrow(/shorter than 8/);
    await expect(accounts.reset('nobody', 'long enough')).rejects.toThrow(/No user named "nobody"/);
  });
});

describe('SessionStore', () => {
  it('finds the account by token until the session expires; logout and reset end it', async () => {
    const alice = await accounts.add('alice', 'annotator', 'alice password');
    const { token, expiresAt } = sessions.create(alice.id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toBe(now + 60_000);
    expect(sessions.lookup(token)?.name).toBe('alice');
    // Only the token's hash is stored.
    const rows = db.prepare('SELECT token_hash FROM team_sessions').all() as { token_hash: string }[];
    expect(rows.map((r) => r.token_hash)).not.toContain(token);
    expect(sessions.lookup('not-a-token')).toBeNull();

    now += 59_999;
    expect(sessions.lookup(token)?.name).toBe('alice');
    now += 1;
    expect(sessions.lookup(token)).toBeNull();

    const second = sessions.create(alice.id);
    sessions.destroy(second.token);
    expect(sessions.lookup(second.token)).toBeNull();

    const third = sessions.create(alice.id);
    await accounts.reset('alice', 'another password');
    expect(sessions.lookup(third.token)).toBeNull();
  });

  it('writes HttpOnly, SameSite=Strict cookies, Secure under TLS', () => {
    expect(sessionCookieHeader('abc', 60_000, false)).toBe(
      'nezha_session=abc; HttpOnly; SameSite=Strict; Path=/; Max-Age=60',
    );
    expect(sessionCookieHeader('abc', 60_000, true)).toMatch(/; Secure$/);
    expect(clearedSessionCookieHeader(false)).toBe(
      'nezha_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0',
    );
  });
});
