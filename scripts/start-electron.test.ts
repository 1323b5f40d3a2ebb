import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'nezha-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm start without an Electron binary', () => {
  it('prints one line pointing to npm run serve and exits 1, building nothing', async () => {
    // An empty dist override makes the binary missing on any machine, so this never opens a window.
    const emptyDist = dir;
    const started = promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/start-electron.ts'], {
      cwd: repoRoot,
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: emptyDist },
      timeout: 60_000,
    });
    const failure = await started.then(
      () => null,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure).not.toBeNull();
    expect(failure!.code).toBe(1);
    expect(failure!.stdout).toBe('');
    expect(failure!.stderr).toMatch(
      /^npm start: Cannot start the desktop app: Electron [\d.]+ is not installed here: /,
    );
    expect(failure!.stderr).toMatch(/run `npm run serve`\.\n$/);
    expect(failure!.stderr.split('\n')).toHaveLength(2); // one line and its newline
  });
});
