/**
 * `serve`: the app's UI in a browser, through the serve host on 127.0.0.1; with --team, a team server
 * (accounts and sessions, issue 17) that may bind beyond loopback and speak TLS.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindRefusal, startServeHost } from '../../serve/host';
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
  summary: 'serve the app to a browser on 127.0.0.1 (token-protected), or as a team server (--team)',
  usage:
    'serve [--port N] [--no-open] [--renderer-dir DIR] [--team [--host ADDR] [--tls-cert F --tls-key F] [--secure-cookie]]\n\n' +
    'Serves the built renderer (out/renderer) and the app API on http://127.0.0.1:PORT with a per-start token.\n' +
    'Opens the default browser unless --no-open or CI is set. Stop with Ctrl+C.\n' +
    '--renderer-dir serves another renderer build (default: out/renderer).\n' +
    '--team: a team server: people log in with accounts made by `user add` (roles admin, reviewer, annotator)\n' +
    'instead of the token. Only a team server may bind beyond 127.0.0.1 (--host 0.0.0.0 or an address).\n' +
    '--tls-cert/--tls-key (PEM) serve HTTPS; behind a TLS-terminating reverse proxy pass --secure-cookie.',
  async run(args, context) {
    const { values } = parseCommandArgs(this, args, {
      port: { type: 'string' },
      open: { type: 'boolean', default: true },
      'renderer-dir': { type: 'string' },
      team: { type: 'boolean', default: false },
      host: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'secure-cookie': { type: 'boolean', default: false },
    });
    const team = values.team === true;
    const bindAddress = values.host ?? '127.0.0.1';
    const refusal = bindRefusal(bindAddress, team);
    if (refusal) throw new CliError(`serve: ${refusal}`);
    if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined))
      throw new CliError('serve: give both --tls-cert and --tls-key (PEM files), or neither');
    if ((values['tls-cert'] !== undefined || values['secure-cookie']) && !team)
      throw new CliError('serve: --tls-cert/--tls-key and --secure-cookie are for a team server (--team)');
    let tls: { cert: Buffer; key: Buffer } | undefined;
    if (values['tls-cert'] !== undefined && values['tls-key'] !== undefined) {
      const read = (flag: string, file: string) => {
        try {
          return readFileSync(resolve(file));
        } catch (error) {
          throw new CliError(`serve: cannot read ${flag} ${file}: ${(error as Error).message}`);
        }
      };
      tls = { cert: read('--tls-cert', values['tls-cert']), key: read('--tls-key', values['tls-key']) };
    }
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
      team,
      bindAddress,
      tls,
      secureCookie: values['secure-cookie'],
    });
    context.out(`Nezha Studio is serving on ${host.url}`);
    if (team) {
      const users = host.services.team.accounts.list();
      context.out(
        `Team server on ${bindAddress}:${host.port} (data dir ${context.dataDir}); ${users.length} account(s). Ctrl+C stops it.`,
      );
      if (!users.some((user) => user.role === 'admin'))
        context.err('No admin account yet: stop the server and run `user add NAME --role admin` first.');
      if (!tls && !values['secure-cookie'] && bindAddress !== '127.0.0.1')
        context.err(
          'Without --tls-cert/--tls-key passwords cross the network in clear text; put a TLS proxy in front.',
        );
    } else {
      context.out(
        `Data dir: ${context.dataDir}. Only this machine can connect (127.0.0.1). Ctrl+C stops it.`,
      );
    }
    if (values.open && !context.env.CI && !team) openInBrowser(host.url, context.err);
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
