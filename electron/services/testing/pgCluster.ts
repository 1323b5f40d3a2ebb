/**
 * A throwaway PostgreSQL cluster for tests: `initdb` in a temporary folder, `pg_ctl start` on a free
 * 127.0.0.1 port, stopped and removed by `stop()`. initdb refuses root, so as root the cluster is created
 * and run as the `postgres` system user (Debian's package creates it) through `runuser`.
 * `pgUnavailableReason()` says why no cluster can be started, for `describe.skipIf`.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const binDir = process.env.NEZHA_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const runAsUser = 'postgres';

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Why a cluster cannot be started here, or null when it can. */
export function pgUnavailableReason(): string | null {
  if (!existsSync(join(binDir, 'initdb'))) return `PostgreSQL is not installed (no ${binDir}/initdb; set NEZHA_PG_BIN)`;
  if (isRoot()) {
    try {
      execFileSync('id', ['-u', runAsUser], { stdio: 'ignore' });
    } catch {
      return `running as root and there is no '${runAsUser}' user to run initdb as`;
    }
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function run(command: string, args: string[]): string {
  const [file, argv] = isRoot() ? ['runuser', ['-u', runAsUser, '--', command, ...args]] : [command, args];
  return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface PgCluster {
  /** postgres://… URL of the `postgres` database as the cluster's superuser (trust auth, loopback only). */
  url: string;
  port: number;
  /** Create an empty database and return its URL (one per test file or test keeps them apart). */
  createDatabase(name: string): string;
  stop(): void;
}

export async function startPgCluster(): Promise<PgCluster> {
  const reason = pgUnavailableReason();
  if (reason) throw new Error(`Cannot start PostgreSQL: ${reason}`);
  const root = mkdtempSync(join(tmpdir(), 'nezha-pg-'));
  chmodSync(root, 0o777); // the postgres user must write here when we are root
  const dataDir = join(root, 'data');
  const port = await freePort();
  run(join(binDir, 'initdb'), ['-D', dataDir, '-U', 'nezha', '-A', 'trust', '-E', 'UTF8', '--no-locale']);
  run(join(binDir, 'pg_ctl'), [
    '-D', dataDir, '-l', join(root, 'log'), '-w', '-o',
    `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${root} -c fsync=off`, 'start',
  ]);
  const url = (db: string) => `postgres://nezha@127.0.0.1:${port}/${db}`;
  return {
    url: url('postgres'),
    port,
    createDatabase(name) {
      run(join(binDir, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'nezha', name]);
      return url(name);
    },
    stop() {
      try {
        run(join(binDir, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
