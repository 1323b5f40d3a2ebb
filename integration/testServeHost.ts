/**
 * A serve host for integration tests (electron/serve/testServeHost.ts) with the repo's resources (the
 * builtin checkpoints and datasets). The caller closes the host and removes `dir` when done.
 */
import { join, resolve } from 'node:path';
import type { ServeHost, ServeHostOptions } from '../electron/serve/host';
import { startTestServeHost as startHost } from '../electron/serve/testServeHost';

export const repoRoot = resolve(__dirname, '..');

export function startTestServeHost(
  prefix: string,
  options: Partial<ServeHostOptions> = {},
): Promise<{ host: ServeHost; dir: string }> {
  return startHost(prefix, { resourcesDir: join(repoRoot, 'resources'), ...options });
}
