import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, expect, it } from 'vitest';
import { createReadCache } from './readCache';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('keeps an answer until this connection or another one writes, never longer', () => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-read-cache-'));
  const file = join(dir, 'db.sqlite');
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER)');
  const cache = createReadCache(db);
  let computed = 0;
  const count = () =>
    cache.get('count', () => {
      computed++;
      return (db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
    });
  expect(count()).toBe(0);
  expect(count()).toBe(0);
  expect(computed).toBe(1);

  db.exec('INSERT INTO t VALUES (1)');
  expect(count()).toBe(1);
  expect(computed).toBe(2);

  // An import writes through its own connection: data_version tells this one.
  const other = new DatabaseSync(file);
  other.exec('INSERT INTO t VALUES (2), (3)');
  other.close();
  expect(count()).toBe(3);
  expect(count()).toBe(3);
  expect(computed).toBe(3);
  db.close();
});
