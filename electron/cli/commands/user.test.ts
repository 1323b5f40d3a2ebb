import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseFileName, openDatabase } from '../../services/database';
import { AccountStore } from '../../services/team/accounts';
import { runCli } from '../main';

const dir = mkdtempSync(join(tmpdir(), 'nezha-cli-user-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['--data-dir', dir, ...argv], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('user command', () => {
  it('adds, lists, resets and removes accounts with the password from the environment', async () => {
    const env = { NEZHA_USER_PASSWORD: 'first password' };
    expect(await cli(['user', 'add', 'root', '--role', 'admin'], env)).toMatchObject({
      code: 0,
      out: 'Added root (admin).',
    });
    expect((await cli(['user', 'add', 'ann', '--role', 'annotator'], env)).code).toBe(0);
    expect((await cli(['user', 'list'])).out).toBe('ann\tannotator\nroot\tadmin');
    const reset = await cli(['user', 'reset', 'ann', '--role', 'reviewer'], {
      NEZHA_USER_PASSWORD: 'second password',
    });
    expect(reset.out).toBe('Reset ann (reviewer); their sessions are ended.');
    const db = openDatabase(join(dir, databaseFileName));
    try {
      expect((await new AccountStore(db).verify('ann', 'second password'))?.role).toBe('reviewer');
    } finally {
      db.close();
    }
    expect((await cli(['user', 'remove', 'ann'])).code).toBe(0);
    expect((await cli(['user', 'list'])).out).toBe('root\tadmin');
  }, 30_000);

  it('says what is missing: the password, the role, the name', async () => {
    expect((await cli(['user', 'add', 'x', '--role', 'annotator'])).err).toMatch(
      /set NEZHA_USER_PASSWORD or pipe/,
    );
    expect((await cli(['user', 'add', 'x'])).err).toMatch(/--role admin\|reviewer\|annotator/);
    expect((await cli(['user', 'add', 'x', '--role', 'owner'])).err).toMatch(/--role must be one of/);
    expect((await cli(['user', 'remove'])).err).toMatch(/name the account/);
    expect((await cli(['user', 'remove', 'nobody'])).err).toMatch(/No user named "nobody"/);
  });
});
