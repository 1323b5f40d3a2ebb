import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion, transaction } from '../database';
import { checkMigrationList, latestSchemaVersion, migrate, migrations } from '.';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-db-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The schema as SQLite reports it, so "upgraded" and "fresh" databases can be compared exactly. */
function schemaOf(db: DatabaseSync): string[] {
  const objects = db
    .prepare(
      "SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )
    .all() as { type: string; name: string; tbl_name: string }[];
  const columns = objects
    .filter((o) => o.type === 'table')
    .flatMap((o) =>
      (
        db.prepare(`PRAGMA table_info(${o.name})`).all() as {
          name: string;
          type: string;
          notnull: number;
          pk: number;
        }[]
      ).map((c) => `${o.name}.${c.name} ${c.type} notnull=${c.notnull} pk=${c.pk}`),
    );
  return [...objects.map((o) => `${o.type} ${o.name} on ${o.tbl_name}`), ...columns];
}

/** Rows that exist at schema version 1, inserted with v1's columns only. */
function seedVersion1(db: DatabaseSync) {
  db.prepare(
    `INSERT INTO checkpoints (id, name, path, architecture, model_type, format, files_json, hidden_size, num_layers,
       num_labels, labels_json, size_bytes, builtin, added_at)
     VALUES ('c1', 'old', '/tmp/old', 'NezhaForMaskedLM', 'nezha', 'pytorch', '["config.json"]', 768, 12, NULL, NULL, 10, 0, '2026-01-01T00:00:00.000Z')`,
  ).run();
  db.prepare(`INSERT INTO settings (key, value_json) VALUES ('theme', '"dark"')`).run();
}

describe('migrations', () => {
  it('are numbered 1..N without gaps', () => {
    expect(() => checkMigrationList(migrations)).not.toThrow();
    expect(latestSchemaVersion).toBe(migrations.length);
    expect(() => checkMigrationList([migrations[0], { ...migrations[0], version: 3 }])).toThrow(
      /entry 1 has version 3/,
    );
  });

  it('create a fresh database at the latest version with WAL and foreign keys on', () => {
    const db = openDatabase(join(dir, 'fresh.sqlite'));
    expect(schemaVersion(db)).toBe(latestSchemaVersion);
    expect((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
    expect((db.prepare('PRAGMA foreign_keys').get() as { foreign_keys: number }).foreign_keys).toBe(1);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    ).map((t) => t.name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'checkpoints',
        'datasets',
        'settings',
        'examples',
        'annotations',
        'dataset_labels',
        'example_history',
      ]),
    );
    db.close();
  });

  // One case per earlier version: a database left at version v upgrades to exactly the fresh schema.
  for (let from = 0; from < latestSchemaVersion; from++) {
    it(`upgrade from version ${from} to ${latestSchemaVersion} gives the fresh schema and keeps data`, () => {
      const fresh = openDatabase(join(dir, 'fresh.sqlite'));
      const old = new DatabaseSync(join(dir, `v${from}.sqlite`));
      expect(migrate(old, from)).toBe(from);
      if (from >= 1) seedVersion1(old);
      old.close();

      const upgraded = openDatabase(join(dir, `v${from}.sqlite`));
      expect(schemaVersion(upgraded)).toBe(latestSchemaVersion);
      expect(schemaOf(upgraded)).toEqual(schemaOf(fresh));
      if (from >= 1) {
        const row = upgraded.prepare("SELECT name, validated_at FROM checkpoints WHERE id = 'c1'").get() as {
          name: string;
          validated_at: string | null;
        };
        expect(row.name).toBe('old');
        // Migration 2 backfills validated_at; rows seeded after it (from >= 2) never had one.
        expect(row.validated_at).toBe(from < 2 ? '2026-01-01T00:00:00.000Z' : null);
        expect(upgraded.prepare("SELECT value_json FROM settings WHERE key = 'theme'").get()).toEqual({
          value_json: '"dark"',
        });
      }
      upgraded.close();
      fresh.close();
    });
  }

  it('refuse a database from a newer app version', () => {
    const file = join(dir, 'future.sqlite');
    const db = new DatabaseSync(file);
    db.exec(`PRAGMA user_version = ${latestSchemaVersion + 1}`);
    db.close();
    expect(() => openDatabase(file)).toThrow(/newer than this app understands/);
  });
});

describe('transaction', () => {
  it('rolls back every write when the work throws', () => {
    const db = openDatabase(join(dir, 'tx.sqlite'));
    expect(() =>
      transaction(db, () => {
        db.prepare(`INSERT INTO settings (key, value_json) VALUES ('a', '1')`).run();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(db.prepare('SELECT COUNT(*) AS n FROM settings').get()).toEqual({ n: 0 });
    transaction(db, () => db.prepare(`INSERT INTO settings (key, value_json) VALUES ('a', '1')`).run());
    expect(db.prepare('SELECT COUNT(*) AS n FROM settings').get()).toEqual({ n: 1 });
    db.close();
  });
});

describe('migration 8 (example text index)', () => {
  it('indexes the examples a v7 database already holds and follows later inserts and deletes', () => {
    const file = join(dir, 'v7.sqlite');
    const old = new DatabaseSync(file);
    migrate(old, 7);
    old.exec(`INSERT INTO datasets (id, name, task, format, example_count, builtin, added_at)
                VALUES ('d1', 'd', 'ner', 'bio', 2, 0, '2026-01-01');
              INSERT INTO examples (dataset_id, idx, text) VALUES ('d1', 0, '张三在北京工作'), ('d1', 1, '李四');`);
    old.close();
    const db = openDatabase(file);
    const hits = (q: string) =>
      (
        db.prepare('SELECT COUNT(*) AS n FROM examples_text WHERE examples_text MATCH ?').get(q) as {
          n: number;
        }
      ).n;
    expect(hits('"北京工"')).toBe(1);
    db.exec(`INSERT INTO examples (dataset_id, idx, text) VALUES ('d1', 2, '在北京工作')`);
    expect(hits('"北京工"')).toBe(2);
    db.exec(`DELETE FROM datasets WHERE id = 'd1'`);
    expect(hits('"北京工"')).toBe(0);
    db.close();
  });
});
