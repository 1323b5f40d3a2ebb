/**
 * One process per data dir. Two processes on one library (the app and `npm run serve`, two serve starts,
 * a CLI import while the app runs) would each cache state the other changes under it, and queue writes
 * the other does not see. The lock is a file in the data dir created exclusively (O_EXCL) holding the
 * owner's pid, host name, kind and start time; a second start reads it and says who holds it. A lock
 * left by a process that is gone (killed, crashed) is taken over. The desktop app's single-instance lock
 * does the same for two Electron windows; this one covers every kind of start.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ServiceError } from './errors';

export const dataDirLockFileName = 'nezha-studio.lock';

export interface DataDirLockOwner {
  pid: number;
  hostname: string;
  /** What holds it: 'electron', 'serve' (the browser host and the CLI) ... */
  kind: string;
  startedAt: string;
  /** The command line, for the message a second start prints. */
  command: string;
}

export interface DataDirLock {
  readonly file: string;
  readonly owner: DataDirLockOwner;
  /** Removes the lock file if it is still this process's. Idempotent. */
  release(): void;
}

/** Thrown when another live process holds the data dir. */
export class DataDirLockedError extends ServiceError {
  constructor(
    readonly dataDir: string,
    readonly holder: DataDirLockOwner,
  ) {
    super(
      'forbidden',
      `The data dir ${dataDir} is in use by process ${holder.pid} (${holder.kind}, started ${holder.startedAt}: ${holder.command}). ` +
        'Stop that process first, or start this one with another --data-dir.',
    );
    this.name = 'DataDirLockedError';
  }
}

function readOwner(file: string): DataDirLockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<DataDirLockOwner>;
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid)) return null;
    return {
      pid: parsed.pid,
      hostname: typeof parsed.hostname === 'string' ? parsed.hostname : '',
      kind: typeof parsed.kind === 'string' ? parsed.kind : 'unknown',
      startedAt: typeof parsed.startedAt === 'string' ? parsed.startedAt : 'at an unknown time',
      command: typeof parsed.command === 'string' ? parsed.command : '',
    };
  } catch {
    return null;
  }
}

/** Whether `pid` is a running process here (EPERM: it runs, as another user). */
function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data dir's lock or throws DataDirLockedError naming the holder. A lock file whose process
 * is gone, or that cannot be read (a start killed while writing it), is replaced.
 */
export function lockDataDir(dataDir: string, kind: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, dataDirLockFileName);
  const owner: DataDirLockOwner = {
    pid: process.pid,
    hostname: hostname(),
    kind,
    startedAt: new Date().toISOString(),
    command: process.argv.slice(1).join(' ').slice(0, 300),
  };
  const text = `${JSON.stringify(owner, null, 2)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new ServiceError(
          'failed',
          `Cannot create the lock file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; check that the data dir is writable.`,
        );
      }
      const holder = readOwner(file);
      // On another machine (a data dir on a network drive) the pid says nothing: trust the lock.
      if (holder && (holder.hostname !== owner.hostname || isAlive(holder.pid)))
        throw new DataDirLockedError(dataDir, holder);
      // Stale: its process is gone. Remove it and try again (another start racing us may win: then
      // the next attempt reports that one).
      try {
        unlinkSync(file);
      } catch {
        // Removed by that other start already.
      }
      continue;
    }
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      process.off('exit', release);
      // Only our own lock: a later owner's file stays.
      if (readOwner(file)?.pid === owner.pid) {
        try {
          unlinkSync(file);
        } catch {
          // Gone already.
        }
      }
    };
    // A process that ends without closing its services (an uncaught error) leaves no lock behind.
    process.on('exit', release);
    return { file, owner, release };
  }
  const holder = readOwner(file);
  if (holder) throw new DataDirLockedError(dataDir, holder);
  throw new ServiceError('failed', `Cannot take the lock file ${file}; another start keeps replacing it.`);
}
