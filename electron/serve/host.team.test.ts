/**
 * The serve host as a team server (issue 17): login and logout with session cookies, the rate limit, role
 * checks through the permission table, author from the session, the annotator's view of their own work,
 * the queue with overlap, the authenticated WebSocket, and refusing a non-loopback bind without --team.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServeHost, type ServeHost } from './host';
import { startTestServeHost } from './testServeHost';

let dir: string;
let host: ServeHost;
let datasetId: string;
const cheap = { N: 1024, r: 8, p: 1 };

beforeAll(async () => {
  ({ host, dir } = await startTestServeHost('nezha-team-serve-', {
    team: true,
    passwordHashing: cheap,
    loginRateLimit: { perAccount: 3, perAddress: 50 },
  }));
  const accounts = host.services.team.accounts;
  await accounts.add('root', 'admin', 'root password');
  await accounts.add('rita', 'reviewer', 'rita password');
  for (const name of ['alice', 'bob', 'carol', 'eve'])
    await accounts.add(name, 'annotator', `${name} password`);
  const file = join(dir, 'team.jsonl');
  writeFileSync(
    file,
    ['张三在北京', '李四去上海'].map((text) => JSON.stringify({ text, spans: [] })).join('\n') + '\n',
  );
  datasetId = (await host.services.datasetStore.import({ path: file })).dataset.id;
  host.services.datasetStore.updateLabels(datasetId, [{ name: 'PER' }, { name: 'LOC' }]);
});
afterAll(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function login(name: string, password = `${name} password`) {
  const response = await fetch(`${host.origin}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: host.origin },
    body: JSON.stringify({ name, password }),
  });
  const setCookie = response.headers.get('set-cookie') ?? '';
  return { response, setCookie, cookie: setCookie.split(';')[0]! };
}

async function call(cookie: string | null, channel: string, payload: unknown = {}) {
  const response = await fetch(`${host.origin}/api/${channel}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Origin: host.origin,
      ...(cookie ? { Cookie: cookie } : {}),
    },
    body: JSON.stringify(payload),
  });
  return {
    status: response.status,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads many response shapes
    body: (await response.json()) as { ok: boolean; result?: any; error?: any },
  };
}

describe('team server', () => {
  it('serves the page without a session but no API, files or events; team.session says log in', async () => {
    expect((await fetch(`${host.origin}/`)).status).toBe(200);
    expect(host.url).toBe(`${host.origin}/`);
    expect((await call(null, 'team.session')).body).toEqual({ ok: true, result: { team: true, user: null } });
    expect((await call(null, 'datasets.list')).status).toBe(401);
    expect((await fetch(`${host.origin}/files/datasets/${datasetId}/benchmark.json`)).status).toBe(401);
    // The single-user token means nothing here.
    expect((await call(`nezha_token=${host.token}`, 'datasets.list')).status).toBe(401);
  });

  it('logs in with an HttpOnly, SameSite=Strict cookie and logs out', async () => {
    const { response, setCookie, cookie } = await login('alice');
    expect(response.status).toBe(200);
    expect(setCookie).toMatch(
      /^nezha_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+$/,
    );
    const session = await call(cookie, 'team.session');
    expect(session.body.result).toMatchObject({ team: true, user: { name: 'alice', role: 'annotator' } });
    const logout = await fetch(`${host.origin}/auth/logout`, { method: 'POST', headers: { Cookie: cookie } });
    expect(logout.headers.get('set-cookie')).toMatch(/^nezha_session=; .*Max-Age=0/);
    expect((await call(cookie, 'datasets.list')).status).toBe(401);
  });

  it('refuses a wrong password and rate-limits repeated failures', async () => {
    for (let i = 0; i < 3; i++) expect((await login('eve', 'wrong password')).response.status).toBe(401);
    const limited = await login('eve');
    expect(limited.response.status).toBe(429);
    expect(Number(limited.response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await login('carol')).response.status).toBe(200);
  });

  it("refuses an annotator's call to admin and reviewer channels", async () => {
    const { cookie } = await login('carol');
    for (const [channel, payload] of [
      ['datasets.remove', { id: datasetId }],
      ['datasets.export', { id: datasetId, format: 'jsonl', path: join(dir, 'out.jsonl') }],
      ['team.addUser', { name: 'mallory', role: 'admin', password: 'mallory password' }],
      ['review.teamAgreement', { datasetId }],
    ] as const) {
      const { status, body } = await call(cookie, channel, payload);
      expect(status, channel).toBe(403);
      expect(body.error.message).toContain(`carol (annotator) may not call "${channel}"`);
    }
    const { cookie: admin } = await login('root');
    expect((await call(admin, 'team.users')).body.result).toHaveLength(6);
  });

  it('routes with overlap 2, takes the author from the session and shows annotators only their own work', async () => {
    const reviewer = (await login('rita')).cookie;
    expect((await call(reviewer, 'team.setOverlap', { datasetId, overlap: 2 })).body.result).toEqual({
      overlap: 2,
    });
    const alice = (await login('alice')).cookie;
    const bob = (await login('bob')).cookie;
    const carol = (await login('carol')).cookie;
    for (const [cookie, label] of [
      [alice, 'PER'],
      [bob, 'LOC'],
    ] as const) {
      for (let n = 0; n < 2; n++) {
        const next = await call(cookie, 'team.next', { datasetId, author: 'someone else' });
        expect(next.body.error).toBeUndefined();
        const task = next.body.result;
        expect(task).not.toBeNull();
        const applied = await call(cookie, 'annotations.apply', {
          exampleId: task.exampleId,
          author: 'forged',
          ops: [{ op: 'add', start: 0, end: 2, label }],
        });
        expect(applied.status).toBe(200);
        expect(applied.body.result.spans.map((s: { author: string }) => s.author)).toEqual([
          cookie === alice ? 'alice' : 'bob',
        ]);
      }
    }
    // Both examples have their two annotators: carol's queue is empty.
    expect((await call(carol, 'team.next', { datasetId, author: 'carol' })).body.result).toBeNull();
    const ids = (await call(alice, 'examples.list', { datasetId })).body.result.items.map(
      (e: { id: number }) => e.id,
    );
    expect(ids).toHaveLength(2);
    // An annotator's list is their own queue, whatever filter they send: carol was handed nothing.
    const carolsList = await call(carol, 'examples.list', { datasetId, filter: { assignedTo: 'alice' } });
    expect(carolsList.body.result).toMatchObject({ total: 0, items: [] });
    expect((await call(carol, 'examples.get', { exampleId: ids[0] })).status).toBe(403);
    const seenByAlice = (await call(alice, 'examples.get', { exampleId: ids[0] })).body.result;
    expect(seenByAlice.spans.map((s: { author: string }) => s.author)).toEqual(['alice']);
    const seenByRita = (await call(reviewer, 'examples.get', { exampleId: ids[0] })).body.result;
    expect(seenByRita.spans.map((s: { author: string }) => s.author).sort()).toEqual(['alice', 'bob']);

    const agreement = (await call(reviewer, 'review.teamAgreement', { datasetId })).body.result;
    expect(agreement.annotators).toEqual(['alice', 'bob']);
    expect(agreement.pairs[0]).toMatchObject({ authorA: 'alice', authorB: 'bob', examples: 2 });
    expect(agreement.pairs[0].overall.f1).toBe(0);
    const adjudicated = await call(reviewer, 'review.adjudicate', {
      exampleId: ids[0],
      spans: [{ start: 0, end: 2, label: 'PER' }],
      author: 'alice',
    });
    expect(adjudicated.status).toBe(200);
    const decisions = (await call(reviewer, 'review.teamAgreement', { datasetId })).body.result.decisions;
    expect(decisions[0]).toMatchObject({ exampleId: ids[0], author: 'rita' });
    const progress = (await call(carol, 'team.progress', { datasetId })).body.result;
    expect(progress).toMatchObject({ overlap: 2, examples: 2, complete: 2, annotations: 4 });
  });

  it('authenticates the events WebSocket by session', async () => {
    const ws = (headers: Record<string, string>) =>
      new Promise<number | 'open'>((done) => {
        const socket = new WebSocket(`${host.origin.replace('http', 'ws')}/events`, { headers });
        socket.on('open', () => {
          socket.close();
          done('open');
        });
        socket.on('unexpected-response', (_request, response) => done(response.statusCode ?? 0));
        socket.on('error', () => undefined);
      });
    expect(await ws({ Origin: host.origin })).toBe(401);
    const { cookie } = await login('carol');
    expect(await ws({ Origin: host.origin, Cookie: cookie })).toBe('open');
    expect(await ws({ Origin: 'http://evil.example', Cookie: cookie })).toBe(403);
  });

  it('refuses to bind beyond loopback without team mode', async () => {
    await expect(
      startServeHost({ dataDir: join(dir, 'other'), rendererDir: dir, bindAddress: '0.0.0.0' }),
    ).rejects.toThrow(/Binding to 0\.0\.0\.0 is refused without --team/);
  });
});
