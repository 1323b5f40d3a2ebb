/**
 * Where the installed Electron binary is, found the way the electron npm package's index.js finds it
 * (dist/ + the name in path.txt, or ELECTRON_OVERRIDE_DIST_PATH), without requiring that file: it starts a
 * download when the binary is missing, which hangs or fails on an offline machine. Used by `npm start`'s
 * launcher, `doctor` and the Electron e2e test.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ElectronBinary =
  { found: true; path: string; version: string } | { found: false; reason: string; version: string | null };

/** The electron package folder from node_modules, or null when it is not installed. */
export function electronPackageDir(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

function readTrimmed(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

const DOWNLOAD_NOTE =
  'the electron package downloads it on first run, which needs network access; run `node node_modules/electron/install.js` where the network allows';

/**
 * The binary under `packageDir` (default: the installed electron package), with the Electron version (the
 * binary's dist/version, else the package's version), or why there is none.
 */
export function findElectronBinary(
  packageDir: string | null = electronPackageDir(),
  env: NodeJS.ProcessEnv = process.env,
): ElectronBinary {
  if (packageDir === null) {
    return { found: false, reason: 'the electron package is not installed (run `npm ci`)', version: null };
  }
  const packageJson = readTrimmed(join(packageDir, 'package.json'));
  const packageVersion = packageJson
    ? ((JSON.parse(packageJson) as { version?: string }).version ?? null)
    : null;
  const relative = readTrimmed(join(packageDir, 'path.txt'));
  if (relative === null || relative === '') {
    return {
      found: false,
      reason: `its binary was never downloaded (${join(packageDir, 'path.txt')} is missing: ${DOWNLOAD_NOTE})`,
      version: packageVersion,
    };
  }
  const distDir = env.ELECTRON_OVERRIDE_DIST_PATH || join(packageDir, 'dist');
  const binary = join(distDir, relative);
  if (!existsSync(binary)) {
    return {
      found: false,
      reason: `its binary ${binary} is missing (${DOWNLOAD_NOTE})`,
      version: packageVersion,
    };
  }
  const version = readTrimmed(join(distDir, 'version'))?.replace(/^v/, '') || packageVersion || 'unknown';
  return { found: true, path: binary, version };
}

/** The one line `npm start` prints where there is no binary to start. */
export function missingElectronMessage(binary: Extract<ElectronBinary, { found: false }>): string {
  const name = binary.version === null ? 'Electron' : `Electron ${binary.version}`;
  return `Cannot start the desktop app: ${name} is not installed here: ${binary.reason}. To use the app in a browser instead, run \`npm run serve\`.`;
}
