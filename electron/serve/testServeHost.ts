/**
 * A serve host for tests: a fresh data folder under the system temp dir and a stub renderer (only
 * index.html; the tests talk to the API, file and auth routes, not the UI). `options` override the defaults
 * (no resources folder; integration tests pass the repo's). The caller closes the host and removes `dir`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServeHost, type ServeHost, type ServeHostOptions } from './host';

export async function startTestServeHost(
  prefix: string,
  options: Partial<ServeHostOptions> = {},
): Promise<{ host: ServeHost; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Nezha Studio</title>');
  const host = await startServeHost({
    dataDir: join(dir, 'data'),
    rendererDir,
    resourcesDir: join(dir, 'no-resources'),
    ...options,
  });
  return { host, dir };
}
