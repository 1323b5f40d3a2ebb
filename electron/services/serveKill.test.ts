// Autosave under a hard kill: the serve process (`cli serve`) is SIGKILLed in the middle of a run of
// edits; a new process must find every acknowledged edit and a database that passes integrity_check.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExampleView, IpcResult } from '../../shared/ipc';
import { databaseFileName } from './database';
import { createServices } from './services';

const repoRoot = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'nezha-serve-kill-'));
let child: ReturnType<typeof spawn> | undefined;
afterAll(() => {
  // A failed run must not leave the server behind.
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('serve process killed mid-edits', () => {
  it('keeps every acknowledged edit (SIGKILL) and passes PRAGMA integrity_check', async () => {
    const dataDir = join(dir, 'data');
    const rendererDir = join(dir, 'renderer');
    mkdirSync(rendererDir, { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Nezha Studio</title>');
    const corpus = join(dir, 'long.jsonl');
    const text = '北京上海广州深圳'.repeat(25); // 200 characters
    writeFileSync(corpus, JSON.stringify({ text, spans: [] }) + '\n');
    const setup = await createServices({ dataDir, resourcesDir: null, host: 'serve' });
    const { dataset } = await setup.datasetStore.import({ path: corpus });
    const exampleId = setup.datasetStore.listExamples({ datasetId: dataset.id }).items[0].id;
    setup.datasetStore.updateLabels(dataset.id, [{ name: 'LOC' }]);
    setup.close();

    const server = spawn(
      process.execPath,
      ['--import', 'tsx', 'electron/cli/main.ts', 'serve', '--no-open', '--renderer-dir', rendererDir],
      {
        cwd: repoRoot,
        env: { ...process.env, CI: '1', NEZHA_DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = server;
    let output = '';
    const url = await new Promise<URL>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`serve did not start: ${output}`)), 60_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /serving on (http:\/\/127\.0\.0\.1:\d+\/\?token=\w+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          done(new URL(match[1]));
        }
      };
      server.stdout.on('data', onData);
      server.stderr.on('data', onData);
      server.on('exit', (code) => fail(new Error(`serve exited (${code}): ${output}`)));
    });
    const token = url.searchParams.get('token')!;
    const apply = (start: number) =>
      fetch(`${url.origin}/api/annotations.apply`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          exampleId,
          ops: [{ op: 'add', start, end: start + 1, label: 'LOC' }],
          author: 'k',
        }),
      }).then((response) => response.json() as Promise<IpcResult<ExampleView>>);

    const acknowledged: number[] = [];
    for (let start = 0; acknowledged.length < 40; start += 2) {
      const envelope = await apply(start);
      if (!envelope.ok) throw new Error(envelope.error.message);
      acknowledged.push(start);
    }
    // Two more edits in flight when the process dies: they may or may not land, but nothing else may break.
    void apply(100).catch(() => undefined);
    void apply(102).catch(() => undefined);
    server.kill('SIGKILL');
    await new Promise((r) => server.once('close', r));
    expect(server.signalCode).toBe('SIGKILL');

    const raw = new DatabaseSync(join(dataDir, databaseFileName));
    expect(raw.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    raw.close();
    const after = await createServices({ dataDir, resourcesDir: null, host: 'serve' });
    try {
      const starts = after.datasetStore.getExample(exampleId).spans.map((s) => s.start);
      expect(starts).toEqual(expect.arrayContaining(acknowledged));
      expect(starts.filter((s) => !acknowledged.includes(s)).every((s) => s === 100 || s === 102)).toBe(true);
    } finally {
      after.close();
    }
  }, 90_000);
});
