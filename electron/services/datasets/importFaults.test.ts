/**
 * Dataset import against hostile paths and faults: special files (/dev/zero, a FIFO, a folder), files
 * over the size cap or growing while read, and a disk that fills up mid-import. Each is refused with a
 * message naming the file and what happened, and leaves the store as it was.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseFileName } from '../database';
import { createServices, type Services } from '../services';
import { readDatasetFile } from './readDatasetFile';
import { DatasetStore } from './store';

let dir: string;
let services: Services;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-import-faults-'));
  services = await createServices({ dataDir: join(dir, 'data'), resourcesDir: null, host: 'serve' });
});
afterEach(() => {
  services.close();
  rmSync(dir, { recursive: true, force: true });
});

function corpus(sentences: number): string {
  const parts: string[] = [];
  for (let i = 0; i < sentences; i++)
    parts.push(`张\tB-PER\n三\tI-PER\n在\tO\n北\tB-LOC\n京\tI-LOC\n${i % 10}\tO\n\n`);
  return parts.join('');
}

function counts() {
  const count = (table: string) =>
    (services.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { datasets: count('datasets'), examples: count('examples'), annotations: count('annotations') };
}

function store(extra: Partial<ConstructorParameters<typeof DatasetStore>[0]>): DatasetStore {
  return new DatasetStore({
    db: services.db,
    dbFile: join(services.dataDir, databaseFileName),
    events: services.events,
    jobs: services.jobs,
    ...extra,
  });
}

describe('dataset import: special and endless files', () => {
  it('refuses /dev/zero at once instead of reading it forever', async () => {
    const started = Date.now();
    const rss = process.memoryUsage().rss;
    await expect(services.datasetStore.import({ path: '/dev/zero' })).rejects.toThrow(
      '/dev/zero is a character device, not a regular file; import a dataset file (text, TSV or JSON).',
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(64 * 1024 * 1024);
    expect(counts().datasets).toBe(0);
  });

  it('refuses a FIFO without blocking on it, and a folder', async () => {
    const fifo = join(dir, 'pipe.txt');
    execFileSync('mkfifo', [fifo]);
    await expect(services.datasetStore.import({ path: fifo })).rejects.toThrow(
      /pipe\.txt is a named pipe \(FIFO\), not a regular file/,
    );
    mkdirSync(join(dir, 'folder'));
    await expect(services.datasetStore.import({ path: join(dir, 'folder') })).rejects.toThrow(
      /folder is a folder, not a regular file/,
    );
  });

  it('refuses a file over the size cap before reading it', async () => {
    const file = join(dir, 'big.txt');
    writeFileSync(file, corpus(200));
    await expect(store({ maxFileBytes: 1024 }).import({ path: file })).rejects.toThrow(
      /big\.txt is .* MiB, over the 0\.0 MiB an import reads; split it into smaller files/,
    );
    expect(counts().datasets).toBe(0);
  });

  it('refuses a file that reports one size and holds more (a /proc file, a file being written)', async () => {
    await expect(readDatasetFile('/proc/self/status')).rejects.toThrow(
      /\/proc\/self\/status grew while it was read \(it reported 0 bytes\)/,
    );
  });

  it('reads in chunks, reporting progress on a big file, with the hash of the whole', async () => {
    const file = join(dir, 'corpus.txt');
    const text = corpus(4000);
    writeFileSync(file, text);
    const seen: [number, number][] = [];
    const { bytes, hash } = await readDatasetFile(file, {
      chunkBytes: 16 * 1024,
      onProgress: (done, total) => seen.push([done, total]),
    });
    expect(Buffer.from(bytes).toString('utf8')).toBe(text);
    const total = Buffer.byteLength(text);
    expect(seen.length).toBe(Math.ceil(total / (16 * 1024)));
    expect(seen.at(-1)).toEqual([total, total]);
    expect(seen.every(([done], i) => i === 0 || done > seen[i - 1][0])).toBe(true);
    const { createHash } = await import('node:crypto');
    expect(hash).toBe(createHash('sha256').update(text).digest('hex'));
  });
});

describe('dataset import: disk full', () => {
  it('reports the full disk, not "cannot rollback", and leaves the store as it was', async () => {
    const file = join(dir, 'corpus.txt');
    writeFileSync(file, corpus(5000));
    const before = counts();
    // A connection whose database may grow by a few pages only: SQLite fails the insert with
    // SQLITE_FULL and ends the transaction itself, as it does when the disk is full.
    const full = store({
      openConnection: (dbFile) => {
        const db = new DatabaseSync(dbFile);
        const pages = (db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count;
        db.exec(`PRAGMA max_page_count = ${pages + 8}`);
        return db;
      },
    });
    const failure = await full.import({ path: file }).then(
      () => null,
      (error: Error & { code?: string }) => error,
    );
    expect(failure).not.toBeNull();
    expect(failure!.message).not.toMatch(/cannot rollback/);
    expect(failure!.message).toMatch(
      /^The disk is full while importing .*corpus\.txt \(after \d+ records\): SQLite said "database or disk is full"\. Free space on the drive holding .*nezha-studio\.sqlite and import again; nothing was imported\.$/,
    );
    expect(failure!.code).toBe('failed');
    expect(counts()).toEqual(before);
    // The store still works: the same file imports once there is room.
    const summary = await services.datasetStore.import({ path: file });
    expect(summary.examples).toBe(5000);
  });
});
