/**
 * Where the app keeps its database and state. The desktop app uses Electron's userData folder; the
 * CLI and serve mode compute the same folder so all three share one library. NEZHA_DATA_DIR overrides.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { appName } from './services';

export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.NEZHA_DATA_DIR) return env.NEZHA_DATA_DIR;
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', appName);
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), appName);
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), appName);
  }
}
