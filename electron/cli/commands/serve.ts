/** `serve`: the app's UI in a browser, through the serve host on 127.0.0.1. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServeHost } from '../../serve/host';
import { CliError, parseCommandArgs, type Command } from '../command';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Open `url` in the default browser; failures only print a hint (the URL is printed anyway). */
function openInBrowser(url: string, onError: (message: string) => void): void {
  const [program, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(program, args, { stdio: 'ignore', detached: true });
    child.on('error', (error) =>
      onError(`Could not open a browser (${error.message}); open the URL above by hand.`),
    );
    child.unref();
  } catch (error) {
    onError(`Could not open a browser (${(error as Error).message}); open the URL above by hand.`);
  }
}

export const command: Command = {
  name: 'serve',
  summary: 'serve the app to a browser on 127.0.0.1 (token-protected)',
  usage:
    'serve [--port N] [--no-open] [--renderer-dir DIR]\n\n' +
    'Serves the built renderer (out/renderer) and the app API on http://127.0.0.1:PORT with a per-start token.\n' +
    'Opens the default browser unless --no-open or CI is set. Stop with Ctrl+C.\n' +
    '--renderer-dir serves another renderer build (default: out/renderer).',
  async run(args, context) {
    const { values } = parseCommandArgs(this, args, {
      port: { type: 'string' },
      open: { type: 'boolean', default: true },
      'renderer-dir': { type: 'string' },
    });
    let port: number | undefined;
    if (values.port !== undefined) {
      port = Number(values.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new CliError(`serve: --port must be an integer 1..65535, got "${values.port}"`);
      }
    }
    const rendererDir = resolve(values['renderer-dir'] ?? join(repoRoot, 'out', 'renderer'));
    if (!existsSync(join(rendererDir, 'index.html'))) {
      throw new CliError(
        `serve: ${join(rendererDir, 'index.html')} is missing; run \`npm run build:renderer\` first`,
      );
    }
    const host = await startServeHost({
      dataDir: context.dataDir,
      rendererDir,
      port,
      resourcesDir: join(repoRoot, 'resources'),
    });
    context.out(`Nezha Studio is serving on ${host.url}`);
    context.out(`Data dir: ${context.dataDir}. Only this machine can connect (127.0.0.1). Ctrl+C stops it.`);
    if (values.open && !context.env.CI) openInBrowser(host.url, context.err);
    await new Promise<void>((done) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void host.close().then(done);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  },
};
