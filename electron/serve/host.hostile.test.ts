/**
 * Serve host under hostile input: malformed WebSocket frames from an authenticated client, a checkpoint
 * file swapped for a symlink after import, and a huge non-checkpoint folder given to checkpoints.import.
 * Each must affect only the request or socket at fault; the host keeps answering everyone else.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServeHost, type ServeHost } from './host';

const resourcesDir = resolve(__dirname, '../../resources');
const fixtures = resolve(__dirname, '../../fixtures/nezha-tiny');

let dir: string;
let host: ServeHost;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-serve-hostile-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Nezha Studio</title>');
  host = await startServeHost({ dataDir: join(dir, 'data'), rendererDir, resourcesDir });
});
afterAll(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

const cookie = () => `nezha_token=${host.token}`;

async function api(
  channel: string,
  body: unknown,
): Promise<{
  status: number;
  body: { ok: boolean; result?: unknown; error?: { code: string; message: string } };
}> {
  const response = await fetch(`${host.origin}/api/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: cookie() },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** A WebSocket handshake by hand on a raw socket, so any bytes can follow it. */
async function rawWebSocket(): Promise<{ socket: Socket; received: () => Buffer; closed: Promise<void> }> {
  const socket = connect(host.port, '127.0.0.1');
  let data = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => (data = Buffer.concat([data, chunk])));
  const closed = new Promise<void>((done) => socket.once('close', () => done()));
  socket.on('error', () => undefined);
  await new Promise<void>((done) => socket.once('connect', () => done()));
  socket.write(
    [
      'GET /events HTTP/1.1',
      `Host: 127.0.0.1:${host.port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      `Origin: ${host.origin}`,
      `Cookie: ${cookie()}`,
      '',
      '',
    ].join('\r\n'),
  );
  const deadline = Date.now() + 5000;
  while (!data.includes('\r\n\r\n')) {
    if (Date.now() > deadline) throw new Error('no handshake answer');
    await new Promise((r) => setTimeout(r, 5));
  }
  const headerEnd = data.indexOf('\r\n\r\n') + 4;
  expect(data.subarray(0, 12).toString()).toBe('HTTP/1.1 101');
  return { socket, received: () => data.subarray(headerEnd), closed };
}

/** A client frame: FIN + opcode (+ extra first-byte bits), masked unless told not to. */
function frame(
  firstByte: number,
  payload: Buffer,
  { masked = true, declaredLength }: { masked?: boolean; declaredLength?: number } = {},
): Buffer {
  const length = declaredLength ?? payload.length;
  const parts: Buffer[] = [];
  const maskBit = masked ? 0x80 : 0;
  if (length < 126) parts.push(Buffer.from([firstByte, maskBit | length]));
  else if (length < 65536) {
    const header = Buffer.from([firstByte, maskBit | 126, 0, 0]);
    header.writeUInt16BE(length, 2);
    parts.push(header);
  } else {
    const header = Buffer.alloc(10);
    header[0] = firstByte;
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
    parts.push(header);
  }
  if (masked) {
    const mask = randomBytes(4);
    parts.push(mask, Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4])));
  } else parts.push(payload);
  return Buffer.concat(parts);
}

/** The status code of the close frame the server sent, if any. */
function closeCode(bytes: Buffer): number | null {
  if (bytes.length < 4 || bytes[0] !== 0x88) return null;
  return bytes.readUInt16BE(2);
}

describe('serve host: malformed WebSocket frames', () => {
  const cases: [string, Buffer, number][] = [
    [
      'a frame over the 64 KiB payload limit',
      frame(0x81, Buffer.alloc(16), { declaredLength: 1024 * 1024 }),
      1009,
    ],
    ['invalid UTF-8 in a text frame', frame(0x81, Buffer.from([0xff, 0xfe, 0xfd])), 1007],
    ['an unmasked frame', frame(0x81, Buffer.from('hi'), { masked: false }), 1002],
    ['a reserved opcode (0x3)', frame(0x83, Buffer.from('hi')), 1002],
    ['RSV1 set without permessage-deflate', frame(0xc1, Buffer.from('hi')), 1002],
  ];
  for (const [what, bytes, code] of cases) {
    it(`closes only the socket that sent ${what} (${code}); the host keeps serving`, async () => {
      const bystander = new WebSocket(`ws://127.0.0.1:${host.port}/events`, {
        headers: { cookie: cookie() },
        origin: host.origin,
      });
      await new Promise((ok, fail) => (bystander.once('open', ok), bystander.once('error', fail)));

      const attacker = await rawWebSocket();
      attacker.socket.write(bytes);
      await attacker.closed;
      expect(closeCode(attacker.received())).toBe(code);

      // Other clients are untouched: requests are answered and events still arrive.
      expect((await api('settings.get', {})).body).toMatchObject({ ok: true });
      const message = new Promise<unknown>((ok) =>
        bystander.once('message', (data) => ok(JSON.parse(String(data)))),
      );
      host.services.events.emit('progress', { jobId: 'after', kind: 'import', done: 1, total: 1 });
      expect(await message).toMatchObject({ channel: 'progress', payload: { jobId: 'after' } });
      bystander.close();
    });
  }
});

/** A raw GET, so the body comes back whatever its status. */
async function getFile(path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${host.origin}${path}`, { headers: { cookie: cookie() } });
  return { status: response.status, text: await response.text() };
}

describe('serve host: checkpoint files re-checked when served', () => {
  it('refuses a listed file swapped for a symlink out of the folder after import (not /etc/passwd)', async () => {
    const folder = join(dir, 'swapped');
    cpSync(join(fixtures, 'base'), folder, { recursive: true });
    const imported = await api('checkpoints.import', { path: folder });
    expect(imported.body).toMatchObject({ ok: true });
    const id = (imported.body.result as { id: string }).id;
    const path = `/files/checkpoints/${id}/special_tokens_map.json`;
    expect((await getFile(path)).status).toBe(200);

    unlinkSync(join(folder, 'special_tokens_map.json'));
    symlinkSync('/etc/passwd', join(folder, 'special_tokens_map.json'));
    const swapped = await getFile(path);
    expect(swapped.status).toBe(403);
    expect(swapped.text).not.toContain('root:');
    expect(JSON.parse(swapped.text)).toMatchObject({
      ok: false,
      error: {
        code: 'forbidden',
        message: expect.stringMatching(/symbolic link to \/etc\/passwd, outside the checkpoint folder/),
      },
    });
    // A link to another file of the same folder is still that folder's bytes: served.
    unlinkSync(join(folder, 'special_tokens_map.json'));
    symlinkSync('tokenizer_config.json', join(folder, 'special_tokens_map.json'));
    expect((await getFile(path)).status).toBe(200);
  });
});

describe('serve host: a huge non-checkpoint folder given to checkpoints.import', () => {
  it('refuses /usr and / at once, naming config.json, while other calls are answered', async () => {
    for (const path of ['/usr', '/']) {
      const started = Date.now();
      const pending = api('checkpoints.import', { path });
      // Another client's call during the import is not held up behind it.
      const otherStarted = Date.now();
      expect((await api('settings.get', {})).body).toMatchObject({ ok: true });
      const otherMs = Date.now() - otherStarted;
      const refused = await pending;
      const elapsed = Date.now() - started;
      expect(refused.status, path).toBe(400);
      expect(refused.body.error?.message).toBe(
        `${join(path, 'config.json')}: missing. A checkpoint folder holds config.json, vocab.txt and model.safetensors or pytorch_model.bin.`,
      );
      expect(elapsed, path).toBeLessThan(1000);
      expect(otherMs, path).toBeLessThan(500);
    }
  });

  it('walks a big folder with config.json asynchronously: other calls are answered meanwhile', async () => {
    const folder = join(dir, 'crowded');
    mkdirSync(folder);
    cpSync(join(fixtures, 'base', 'config.json'), join(folder, 'config.json'));
    for (let d = 0; d < 4; d++) {
      mkdirSync(join(folder, `part-${d}`));
      for (let f = 0; f < 500; f++) writeFileSync(join(folder, `part-${d}`, `${f}.txt`), '');
    }
    const pending = api('checkpoints.import', { path: folder });
    const latencies: number[] = [];
    let done = false;
    void pending.finally(() => (done = true));
    while (!done) {
      const started = Date.now();
      await api('settings.get', {});
      latencies.push(Date.now() - started);
    }
    const refused = await pending;
    expect(refused.status).toBe(400);
    expect(refused.body.error?.message).toMatch(/crowded\/vocab\.txt: missing/);
    expect(latencies.length).toBeGreaterThan(0);
    expect(Math.max(...latencies)).toBeLessThan(500);
  });
});
