/**
 * One process per data dir, tested with real second processes: a second start (the CLI's serve) is
 * refused with the holder's pid and exits 1; a lock left by a SIGKILLed process is taken over.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataDirLockFileName, DataDirLockedError, lockDataDir } from './dataDirLock';
import { createServices } from './services';

const repoRoot = resolve(__dirname, '../..');
const servicesModule = resolve(__dirname, 'services.ts');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-lock-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A child process that opens the services on `dataDir`, prints "ready" and waits to be killed. */
async function holder(dataDir: string): Promise<ChildProcess> {
  const script = join(dir, `holder-${Date.now()}.mts`);
  writeFileSync(
    script,
    `import { createServices } from ${JSON.stringify(servicesModule)};
await createServices({ dataDir: ${JSON.stringify(dataDir)}, resourcesDir: null, host: 'serve' });
process.stdout.write('ready\\n');
setInterval(() => {}, 1000);
`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((ready, fail) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && ready());
    child.once('exit', (code) => fail(new Error(`holder exited (${code}): ${stderr}`)));
  });
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  const closed = new Promise((done) => child.once('close', done));
  child.kill('SIGKILL');
  await closed;
}

/** Runs the CLI as a separate process; resolves with its exit code and output. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'electron/cli/main.ts'), ...args],
    {
      cwd: repoRoot,
      env: { ...process.env, CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((done) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    }),
  );
}

describe('data dir lock', () => {
  it('a second process on the same data dir says which process holds it and exits', async () => {
    const dataDir = join(dir, 'shared');
    const first = await holder(dataDir);
    try {
      // In this process: refused, naming the holder.
      const refused = await createServices({ dataDir, resourcesDir: null, host: 'serve' }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(DataDirLockedError);
      expect((refused as DataDirLockedError).holder.pid).toBe(first.pid);
      expect((refused as Error).message).toMatch(
        new RegExp(
          `^The data dir .*shared is in use by process ${first.pid} \\(serve, started .*\\)\\. Stop that process first, or start this one with another --data-dir\\.$`,
        ),
      );
      // A real second start: `serve` on the same data dir exits 1 with that message, serving nothing.
      const rendererDir = join(dir, 'renderer');
      mkdirSync(rendererDir, { recursive: true });
      writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>');
      const second = await cli(['--data-dir', dataDir, 'serve', '--no-open', '--renderer-dir', rendererDir]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`is in use by process ${first.pid} (serve`);
      expect(second.stdout).not.toContain('is serving on');
    } finally {
      await kill(first);
    }
  }, 60_000);

  it('takes over the lock of a process that was killed, and releases it on close', async () => {
    const dataDir = join(dir, 'stale');
    const killed = await holder(dataDir);
    const lockFile = join(dataDir, dataDirLockFileName);
    await kill(killed);
    // SIGKILL ran no cleanup: the lock file still names the dead process.
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: killed.pid, kind: 'serve' });
    const services = await createServices({ dataDir, resourcesDir: null, host: 'serve' });
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: process.pid });
    services.close();
    expect(existsSync(lockFile)).toBe(false);
    // An unreadable lock (a start killed while writing it) is replaced too.
    writeFileSync(lockFile, '{"pi');
    const lock = lockDataDir(dataDir, 'serve');
    expect(lock.owner.pid).toBe(process.pid);
    lock.release();
  }, 60_000);
});
