import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase } from '../database';
import { migrate } from '.';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-db-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('migration 7 clears the hotkeys imports stored by position and keeps the ones a person chose', () => {
  const file = join(dir, 'v5.sqlite');
  const old = new DatabaseSync(file);
  migrate(old, 5);
  old.exec(`
    INSERT INTO datasets (id, name, task, format, added_at) VALUES ('d', 'cluener', 'ner', 'cluener', '2026-01-01');
    INSERT INTO dataset_labels (dataset_id, name, color, hotkey, position) VALUES
      ('d', 'address', '#000000', '1', 0),
      ('d', 'book', '#000000', '2', 1),
      ('d', 'name', '#000000', 'n', 2),
      ('d', 'scene', '#000000', '9', 3),
      ('d', 'movie', '#000000', NULL, 9);
  `);
  old.close();

  const db = openDatabase(file);
  const rows = db.prepare('SELECT name, hotkey FROM dataset_labels ORDER BY position').all();
  expect(rows).toEqual([
    { name: 'address', hotkey: null },
    { name: 'book', hotkey: null },
    { name: 'name', hotkey: 'n' },
    { name: 'scene', hotkey: '9' },
    { name: 'movie', hotkey: null },
  ]);
  db.close();
});
