import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../services/database';
import { defaultDataDir } from '../services/dataDir';
import { latestSchemaVersion } from '../services/migrations';
import { cjkFontReport } from './cjkFonts';
import type { DoctorReport } from './commands/doctor';
import { commandLoaders } from './commands/index';
import { findElectronBinary } from './electronBinary';
import { extractGlobalOptions, runCli } from './main';

const run = promisify(execFile);
const repoRoot = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'nezha-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function inProcess(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('CLI', () => {
  it('doctor --json prints a parseable report (spawned through tsx)', async () => {
    const dataDir = join(dir, 'doctor');
    openDatabase(join(dataDir, 'nezha-studio.sqlite')).close();
    const { stdout } = await run(
      'npx',
      ['tsx', 'electron/cli/main.ts', 'doctor', '--json', '--data-dir', dataDir],
      {
        cwd: repoRoot,
        timeout: 60_000,
      },
    );
    const report = JSON.parse(stdout) as DoctorReport;
    expect(report.node.version).toBe(process.versions.node);
    expect(report.backends.map((b) => b.name)).toEqual(['cpu', 'wasm']);
    expect(report.backends.find((b) => b.name === 'cpu')?.available).toBe(true);
    expect(report.onnxRuntime).toEqual({
      available: true,
      detail: expect.stringMatching(
        /^onnxruntime-node \d+\.\d+\.\d+ \(cpu, \d+ threads\): eval's default backend$/,
      ),
    });
    expect(report.webgpu).toEqual({
      available: false,
      detail: "not available in Node; the app's renderer uses WebGPU when a hardware adapter exists",
    });
    // The Electron binary and the CJK fonts as this machine has them (found or not, with the reason).
    expect(report.electron).toEqual(findElectronBinary());
    expect(report.cjkFonts).toEqual(cjkFontReport(repoRoot));
    expect(report.dataDir).toEqual({ path: dataDir, exists: true });
    expect(report.database).toMatchObject({
      exists: true,
      schemaVersion: latestSchemaVersion,
      latestSchemaVersion,
    });
  });

  it('fails with one line on stderr and exit code 1 for an unknown command or bad option', async () => {
    const unknown = await inProcess(['frobnicate']);
    expect(unknown.code).toBe(1);
    expect(unknown.err.split('\n')).toHaveLength(1);
    expect(unknown.err).toMatch(
      /^nezha-studio: Unknown command "frobnicate"\. Commands: version, doctor, serve.*Try `nezha-studio help`\.$/,
    );
    const badOption = await inProcess(['version', '--colour']);
    expect(badOption.code).toBe(1);
    expect(badOption.err.split('\n')).toHaveLength(1);
    expect(badOption.err).toMatch(/version: .*--colour/);
    expect((await inProcess(['--data-dir'])).err).toBe('nezha-studio: --data-dir needs a folder path');
  });

  it('lists every registered command in help, and prints usage for --help', async () => {
    const help = await inProcess([]);
    expect(help.code).toBe(0);
    for (const name of Object.keys(commandLoaders)) expect(help.out).toContain(`  ${name}`);
    expect(help.out).not.toContain('failed to load');
    expect((await inProcess(['serve', '--help'])).out).toContain('serve [--port N] [--no-open]');
  });

  it('serve refuses to start without a built renderer or with a bad port', async () => {
    const badPort = await inProcess([
      'serve',
      '--port',
      'eighty',
      '--no-open',
      '--data-dir',
      join(dir, 'serve'),
    ]);
    expect(badPort).toMatchObject({
      code: 1,
      err: 'nezha-studio: serve: --port must be an integer 1..65535, got "eighty"',
    });
  });

  it('serve starts the host, prints a working URL and stops cleanly on SIGTERM (spawned)', async () => {
    const rendererDir = join(dir, 'renderer');
    mkdirSync(rendererDir, { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>served</title>');
    // One process (node --import tsx), so SIGTERM reaches the CLI itself rather than a wrapper.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'electron/cli/main.ts',
        'serve',
        '--no-open',
        '--renderer-dir',
        rendererDir,
        '--data-dir',
        join(dir, 'serve-data'),
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((done, fail) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /serving on (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64})/.exec(output);
          if (match) done(match[1]);
        });
        child.once('exit', (code) =>
          fail(new Error(`serve exited with ${code} before printing its URL: ${output}`)),
        );
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>served</title>');
      expect((await fetch(new URL('/', url))).status).toBe(401);
    } finally {
      const exited = new Promise<number | string | null>((done) =>
        child.once('exit', (code, signal) => done(code ?? signal)),
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('takes --data-dir anywhere, then NEZHA_DATA_DIR, then the platform folder', async () => {
    expect(extractGlobalOptions(['doctor', '--data-dir=/x', '--json'])).toEqual({
      dataDir: '/x',
      rest: ['doctor', '--json'],
    });
    expect(extractGlobalOptions(['--data-dir', '/y', 'doctor'])).toEqual({ dataDir: '/y', rest: ['doctor'] });
    expect(defaultDataDir({ NEZHA_DATA_DIR: '/data' }, 'linux', '/home/a')).toBe('/data');
    expect(defaultDataDir({}, 'linux', '/home/a')).toBe('/home/a/.config/Nezha Studio');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/a')).toBe('/cfg/Nezha Studio');
    expect(defaultDataDir({}, 'darwin', '/Users/a')).toBe(
      '/Users/a/Library/Application Support/Nezha Studio',
    );
    expect(defaultDataDir({ APPDATA: 'C:\\AppData' }, 'win32', 'C:\\Users\\a')).toContain('Nezha Studio');
  });

  it('the package bin runs the CLI from source', async () => {
    const { stdout } = await run(process.execPath, ['electron/cli/bin.mjs', 'version', '--json'], {
      cwd: repoRoot,
      timeout: 60_000,
    });
    expect(JSON.parse(stdout)).toMatchObject({ name: 'Nezha Studio', node: process.versions.node });
  });

  it('version prints name and version', async () => {
    const result = await inProcess(['version', '--json']);
    expect(JSON.parse(result.out)).toMatchObject({
      name: 'Nezha Studio',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
  });
});
