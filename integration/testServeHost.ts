/**
 * A serve host for integration tests: a fresh data folder under the system temp dir, a stub renderer
 * (only index.html; these tests talk to the API and file routes, not the UI) and the repo's resources.
 * The caller closes the host and removes `dir` when done.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServeHost, type ServeHost } from '../electron/serve/host';

export const repoRoot = resolve(__dirname, '..');

export async function startTestServeHost(prefix: string): Promise<{ host: ServeHost; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Nezha Studio</title>');
  const host = await startServeHost({
    dataDir: join(dir, 'data'),
    rendererDir,
    resourcesDir: join(repoRoot, 'resources'),
  });
  return { host, dir };
}
