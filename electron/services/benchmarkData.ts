/**
 * Benchmark data files: a dataset's stored examples as the file the inference worker evaluates (the canonical
 * JSON of shared/benchmark's BenchmarkData), with its SHA-256 computed here, once, instead of in the UI thread.
 * Files are cached under the data dir and rebuilt when the dataset changes: the cache key is a fingerprint of
 * the dataset's rows (examples' count, ids and edit revisions; working spans' count and ids), so any edit or
 * re-import gives a new file and a new hash, and an unchanged dataset is never read twice.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
// Not the shared/benchmark index: it also exports the tfjs model runner, which the main process never needs.
import { datasetLabelsOf } from '../../shared/benchmark/compatibility';
import {
  benchmarkDataBytes,
  benchmarkRecordOf,
  isBenchmarkTask,
  type StoredBenchmarkExample,
} from '../../shared/benchmark/datasetRecords';
import type { BenchmarkData } from '../../shared/benchmark/types';
import { benchmarkDataFilePath, type PreparedBenchmarkData } from '../../shared/ipc';
import { ServiceError } from './errors';

/** What the files are built from: the dataset store's reads (DatasetStore implements it). */
export interface BenchmarkExampleSource {
  get(id: string): { id: string; name: string; task: string };
  listExamples(request: { datasetId: string; offset: number; limit: number; order: 'index' }): {
    total: number;
    items: readonly StoredBenchmarkExample[];
  };
}

/** A prepared file on disk, with what the channel tells the UI about it. */
export interface BenchmarkDataFile extends PreparedBenchmarkData {
  /** Where the bytes are on disk. */
  file: string;
}

interface CacheEntry {
  fingerprint: string;
  prepared: PreparedBenchmarkData;
}

const PAGE = 500;

export class BenchmarkDataFiles {
  constructor(
    private readonly db: DatabaseSync,
    private readonly examples: BenchmarkExampleSource,
    /** Folder the files are cached in (created when needed). */
    private readonly cacheDir: string,
  ) {}

  /** The dataset's benchmark data file, rebuilt first if the dataset changed since it was last built. */
  prepare(datasetId: string): BenchmarkDataFile {
    const dataset = this.examples.get(datasetId);
    const { file, meta } = this.paths(datasetId);
    const fingerprint = this.fingerprint(datasetId);
    const cached = this.readCache(meta, file);
    if (cached?.fingerprint === fingerprint) return { ...cached.prepared, file };

    const data = this.build(dataset);
    const bytes = benchmarkDataBytes(data);
    const prepared: PreparedBenchmarkData = {
      datasetId,
      task: data.task,
      path: benchmarkDataFilePath(datasetId),
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.byteLength,
      count: data.records.length,
      labels: datasetLabelsOf(data),
    };
    mkdirSync(this.cacheDir, { recursive: true });
    // The data file first, then the entry naming it: a crash in between only costs a rebuild.
    writeAtomically(file, bytes);
    writeAtomically(meta, JSON.stringify({ fingerprint, prepared } satisfies CacheEntry));
    return { ...prepared, file };
  }

  private build(dataset: { id: string; name: string; task: string }): BenchmarkData {
    const { task } = dataset;
    if (!isBenchmarkTask(task)) {
      throw new ServiceError(
        'bad-request',
        `Dataset "${dataset.name}" has task "${task}", which no benchmark runs.`,
      );
    }
    const records: unknown[] = [];
    for (let offset = 0; ;) {
      const page = this.examples.listExamples({ datasetId: dataset.id, offset, limit: PAGE, order: 'index' });
      for (const item of page.items) {
        try {
          records.push(benchmarkRecordOf(task, item));
        } catch (error) {
          throw new ServiceError('bad-request', (error as Error).message);
        }
      }
      offset += page.items.length;
      if (page.items.length === 0 || offset >= page.total) break;
    }
    if (records.length === 0)
      throw new ServiceError('bad-request', `Dataset "${dataset.name}" has no examples to evaluate.`);
    return { task, records } as BenchmarkData;
  }

  /** Changes with every import, edit (each bumps its example's revision), added or removed span. */
  private fingerprint(datasetId: string): string {
    const examples = this.db
      .prepare(
        `SELECT COUNT(*) AS n, COALESCE(SUM(revision), 0) AS revisions, COALESCE(MIN(id), 0) AS first,
           COALESCE(MAX(id), 0) AS last FROM examples WHERE dataset_id = ?`,
      )
      .get(datasetId) as Record<string, number>;
    const spans = this.db
      .prepare(
        `SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS last FROM annotations
         WHERE dataset_id = ? AND source != 'model'`,
      )
      .get(datasetId) as Record<string, number>;
    return JSON.stringify([
      examples.n,
      examples.revisions,
      examples.first,
      examples.last,
      spans.n,
      spans.last,
    ]);
  }

  private readCache(meta: string, file: string): CacheEntry | null {
    try {
      const entry = JSON.parse(readFileSync(meta, 'utf8')) as CacheEntry;
      // A data file that is gone or of another size (touched by hand) is rebuilt.
      return statSync(file).size === entry.prepared.bytes ? entry : null;
    } catch {
      return null;
    }
  }

  private paths(datasetId: string): { file: string; meta: string } {
    // Ids are any string up to 200 characters: hash them into safe file names.
    const name = createHash('sha256').update(datasetId).digest('hex').slice(0, 32);
    return { file: join(this.cacheDir, `${name}.json`), meta: join(this.cacheDir, `${name}.meta.json`) };
  }
}

/** Temp file + rename, so a reader (a request serving the file) never sees half of it. */
function writeAtomically(path: string, content: string | Uint8Array): void {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, content);
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // Nothing was written.
    }
    throw error;
  }
}
