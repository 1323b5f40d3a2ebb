/**
 * `npm start`: builds the app and opens it in Electron. Where the Electron binary is missing (the electron
 * package downloads it on first run, so an offline machine has none) it says so in one line, points to
 * `npm run serve`, and exits 1 before building anything. Arguments after `npm start --` go to Electron.
 */
import { spawn, spawnSync } from 'node:child_process';
import { findElectronBinary, missingElectronMessage } from '../electron/cli/electronBinary';

const binary = findElectronBinary();
if (!binary.found) {
  process.stderr.write(`npm start: ${missingElectronMessage(binary)}\n`);
  process.exit(1);
}

// The same npm that runs this script (npm_execpath), so `npm start` needs no npm on PATH.
const npm = process.env.npm_execpath;
const build = npm
  ? spawnSync(process.execPath, [npm, 'run', '-s', 'build'], { stdio: 'inherit' })
  : spawnSync('npm', ['run', '-s', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
if (build.status !== 0) process.exit(build.status ?? 1);

const app = spawn(binary.path, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.kill(signal));
app.on('error', (error) => {
  process.stderr.write(`npm start: cannot run ${binary.path}: ${error.message}\n`);
  process.exit(1);
});
app.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
