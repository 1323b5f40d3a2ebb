/**
 * The checkpoint library: records of validated checkpoint folders (imported by the person, or builtin
 * from resources/checkpoints). Folders stay where they are; the library stores their path and file list.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import type { CheckpointRecord } from '../../shared/ipc';
import { transaction } from './database';
import { ServiceError } from './errors';
import { inspectCheckpointFolderOnDisk, type CheckpointFolderInfo } from './checkpointFolder';

interface CheckpointRow {
  id: string;
  name: string;
  path: string;
  architecture: string | null;
  model_type: string;
  format: string;
  files_json: string;
  hidden_size: number;
  num_layers: number;
  num_labels: number | null;
  labels_json: string | null;
  size_bytes: number;
  builtin: number;
  added_at: string;
}

function toRecord(row: CheckpointRow): CheckpointRecord {
  return {
    id: row.id,
    name: row.name,
    path: row.path,
    architecture: row.architecture,
    modelType: row.model_type,
    format: row.format as CheckpointRecord['format'],
    files: JSON.parse(row.files_json) as string[],
    hiddenSize: row.hidden_size,
    numLayers: row.num_layers,
    numLabels: row.num_labels,
    labels: row.labels_json === null ? null : (JSON.parse(row.labels_json) as string[]),
    sizeBytes: row.size_bytes,
    builtin: row.builtin === 1,
    addedAt: row.added_at,
  };
}

/** One entry of resources/checkpoints/index.json: which folder, and the name people see. */
export interface BuiltinCheckpointEntry {
  folder: string;
  name: string;
}

export const builtinIdPrefix = 'builtin-';

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

export class CheckpointLibrary {
  constructor(private readonly db: DatabaseSync) {}

  list(): CheckpointRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM checkpoints ORDER BY builtin DESC, name COLLATE NOCASE, added_at')
      .all() as unknown as CheckpointRow[];
    return rows.map(toRecord);
  }

  find(id: string): CheckpointRecord | null {
    const row = this.db.prepare('SELECT * FROM checkpoints WHERE id = ?').get(id) as unknown as
      CheckpointRow | undefined;
    return row ? toRecord(row) : null;
  }

  get(id: string): CheckpointRecord {
    const record = this.find(id);
    if (!record)
      throw new ServiceError(
        'not-found',
        `No checkpoint with id "${id}" in the library; list them with checkpoints.list.`,
      );
    return record;
  }

  /** Validate the folder at `path` and add it to the library. */
  async import(path: string, name?: string): Promise<CheckpointRecord> {
    const folder = resolve(expandHome(path.trim()));
    const info = await inspectCheckpointFolderOnDisk(folder);
    const existing = this.db.prepare('SELECT id, name FROM checkpoints WHERE path = ?').get(folder) as
      { id: string; name: string } | undefined;
    if (existing) {
      throw new ServiceError(
        'bad-request',
        `${folder} is already in the library as "${existing.name}" (id ${existing.id}).`,
      );
    }
    const record: CheckpointRecord = {
      id: randomUUID(),
      name: name?.trim() || defaultName(folder),
      path: folder,
      ...info,
      builtin: false,
      addedAt: new Date().toISOString(),
    };
    transaction(this.db, () => this.insert(record));
    return record;
  }

  remove(id: string): { removed: boolean } {
    return transaction(this.db, () => {
      const record = this.find(id);
      if (!record) return { removed: false };
      if (record.builtin) {
        throw new ServiceError('forbidden', `"${record.name}" is built into the app and cannot be removed.`);
      }
      this.db.prepare('DELETE FROM checkpoints WHERE id = ?').run(id);
      return { removed: true };
    });
  }

  /**
   * Make the library's builtin records match resources/checkpoints: add or refresh each folder listed
   * in index.json (re-validated, since an app update may change it), drop builtins that are gone.
   * Returns the problems found (a broken builtin is reported, not fatal).
   */
  async syncBuiltins(resourcesDir: string | null): Promise<string[]> {
    const problems: string[] = [];
    let entries: BuiltinCheckpointEntry[] = [];
    try {
      entries = resourcesDir ? readBuiltinIndex(resourcesDir) : [];
    } catch (error) {
      // A broken index must not stop the app: report it and keep the library as it was.
      problems.push(`Builtin checkpoints: ${(error as Error).message}`);
      return problems;
    }
    const now = new Date().toISOString();
    // Inspect first (async file reads), then write everything in one transaction.
    const inspected = new Map<string, CheckpointFolderInfo>();
    for (const entry of entries) {
      try {
        inspected.set(
          entry.folder,
          await inspectCheckpointFolderOnDisk(join(resourcesDir as string, 'checkpoints', entry.folder)),
        );
      } catch (error) {
        problems.push(`Builtin checkpoint ${entry.folder}: ${(error as Error).message}`);
      }
    }
    transaction(this.db, () => {
      const keep = new Set<string>();
      for (const entry of entries) {
        const folder = join(resourcesDir as string, 'checkpoints', entry.folder);
        const id = builtinIdPrefix + entry.folder;
        const info = inspected.get(entry.folder);
        if (!info) continue;
        {
          const previous = this.find(id);
          // A person may have imported this same folder by hand before; the builtin record replaces it.
          this.db.prepare('DELETE FROM checkpoints WHERE path = ? AND id != ?').run(folder, id);
          this.db.prepare('DELETE FROM checkpoints WHERE id = ?').run(id);
          this.insert({
            id,
            name: entry.name,
            path: folder,
            ...info,
            builtin: true,
            addedAt: previous?.addedAt ?? now,
          });
          keep.add(id);
        }
      }
      const builtins = this.db.prepare('SELECT id FROM checkpoints WHERE builtin = 1').all() as {
        id: string;
      }[];
      for (const { id } of builtins) {
        if (!keep.has(id)) this.db.prepare('DELETE FROM checkpoints WHERE id = ?').run(id);
      }
    });
    return problems;
  }

  private insert(record: CheckpointRecord): void {
    this.db
      .prepare(
        `INSERT INTO checkpoints (id, name, path, architecture, model_type, format, files_json, hidden_size,
           num_layers, num_labels, labels_json, size_bytes, builtin, added_at, validated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.id,
        record.name,
        record.path,
        record.architecture,
        record.modelType,
        record.format,
        JSON.stringify(record.files),
        record.hiddenSize,
        record.numLayers,
        record.numLabels,
        record.labels === null ? null : JSON.stringify(record.labels),
        record.sizeBytes,
        record.builtin ? 1 : 0,
        record.addedAt,
        new Date().toISOString(),
      );
  }
}

function defaultName(folder: string): string {
  const parts = folder.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? folder;
}

/**
 * The builtin checkpoints: every folder in resources/checkpoints/. index.json gives their display
 * names ({"checkpoints": [{"folder", "name"}]}); a folder it does not list is named after itself.
 */
export function readBuiltinIndex(resourcesDir: string): BuiltinCheckpointEntry[] {
  const checkpointsDir = join(resourcesDir, 'checkpoints');
  if (!existsSync(checkpointsDir)) return [];
  const folders = readdirSync(checkpointsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
  const indexFile = join(checkpointsDir, 'index.json');
  const names = new Map<string, string>();
  if (existsSync(indexFile)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(indexFile, 'utf8'));
    } catch (error) {
      throw new Error(`${indexFile}: invalid JSON: ${(error as Error).message}`, { cause: error });
    }
    const list = (parsed as { checkpoints?: unknown } | null)?.checkpoints;
    if (!Array.isArray(list))
      throw new Error(`${indexFile}: expected {"checkpoints": [{"folder", "name"}, ...]}.`);
    list.forEach((entry: unknown, index) => {
      const { folder, name } = (entry ?? {}) as Partial<BuiltinCheckpointEntry>;
      if (typeof folder !== 'string' || typeof name !== 'string' || !name.trim()) {
        throw new Error(`${indexFile}: checkpoints[${index}] needs a "folder" and a "name".`);
      }
      if (!folders.includes(folder)) {
        throw new Error(
          `${indexFile}: checkpoints[${index}] names folder "${folder}", which is not in ${checkpointsDir}.`,
        );
      }
      names.set(folder, name.trim());
    });
  }
  return folders.map((folder) => ({ folder, name: names.get(folder) ?? folder }));
}

/** The absolute path of `file` in checkpoint `id`, only if the record lists it (no traversal possible). */
export function resolveCheckpointFile(library: CheckpointLibrary, id: string, file: string): string {
  const record = library.find(id);
  if (!record) throw new ServiceError('not-found', `No checkpoint with id "${id}".`);
  if (!record.files.includes(file)) {
    throw new ServiceError(
      'not-found',
      `Checkpoint "${record.name}" has no file "${file}"; its files are ${record.files.join(', ')}.`,
    );
  }
  return join(record.path, ...file.split('/'));
}
