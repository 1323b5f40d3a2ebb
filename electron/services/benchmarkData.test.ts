import { createHash, webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetLabelsOf } from '../../shared/benchmark/compatibility';
import { canonicalJson } from '../../shared/benchmark/hash';
import type { BenchmarkData } from '../../shared/benchmark/types';
import type { ExampleView } from '../../shared/ipc';
import { BenchmarkDataFiles } from './benchmarkData';
import { createServices, type Services } from './services';

/*
 * Benchmark data files built on the main side: the same bytes (and so the same SHA-256) the Benchmark view
 * used to compute in the UI thread, so runs stored before keep matching their datasets; cached until the
 * dataset changes, rebuilt after any edit.
 */

const resourcesDir = resolve(__dirname, '../../resources');
let dir: string;
let services: Services;
let heldoutId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-benchmark-data-'));
  services = await createServices({ dataDir: join(dir, 'data'), resourcesDir, host: 'serve' });
  heldoutId = services.datasetStore.list().find((d) => d.name.startsWith("People's Daily NER held-out"))!.id;
});
afterAll(() => {
  services.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * What the Benchmark view did before the file existed (renderer/src/views/benchmark/store.ts, loadDataset):
 * page through examples.list in index order, map each example to its record, hash the canonical JSON with
 * WebCrypto. Kept here, written out, as the oracle the main side's file must match byte for byte.
 */
async function viewSha256(datasetId: string): Promise<{ sha256: string; data: BenchmarkData }> {
  const task = services.datasetStore.get(datasetId).task as BenchmarkData['task'];
  const records: unknown[] = [];
  for (let offset = 0; ;) {
    const page = services.datasetStore.listExamples({ datasetId, offset, limit: 500, order: 'index' });
    for (const item of page.items as ExampleView[]) {
      records.push(
        task === 'ner'
          ? {
              text: item.text,
              spans: item.spans.map((s) => ({ start: s.start, end: s.end, label: s.label })),
            }
          : item.record,
      );
    }
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total) break;
  }
  const data = { task, records } as BenchmarkData;
  const digest = await webcrypto.subtle.digest('SHA-256', new TextEncoder().encode(canonicalJson(data)));
  return { sha256: Buffer.from(digest).toString('hex'), data };
}

describe('benchmark data files', () => {
  it("holds the view's canonical JSON: the same SHA-256 as runs stored before", async () => {
    const prepared = services.benchmarkData.prepare(heldoutId);
    const bytes = readFileSync(prepared.file);
    const oracle = await viewSha256(heldoutId);
    expect(prepared.sha256).toBe(oracle.sha256);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(prepared.sha256);
    // Pinned: the builtin held-out split as the view hashed it (so a change of the file's content shows here).
    expect(prepared.sha256).toBe('5a59c9ef5d1c430d6b425e8b7f3bbc52951758612979b61ad798fd8c0ca6f522');
    expect(JSON.parse(bytes.toString('utf8'))).toEqual(oracle.data);
    expect(prepared).toMatchObject({
      datasetId: heldoutId,
      task: 'ner',
      path: `/files/datasets/${heldoutId}/benchmark.json`,
      bytes: bytes.length,
      count: 348,
      labels: datasetLabelsOf(oracle.data),
    });
  });

  it('builds a file once while the dataset is unchanged', () => {
    let reads = 0;
    const counting = {
      get: (id: string) => services.datasetStore.get(id),
      listExamples: (request: Parameters<Services['datasetStore']['listExamples']>[0]) => {
        reads += 1;
        return services.datasetStore.listExamples(request);
      },
    };
    const files = new BenchmarkDataFiles(services.db, counting, join(dir, 'cache-once'));
    const first = files.prepare(heldoutId);
    const afterFirst = reads;
    expect(files.prepare(heldoutId)).toEqual(first);
    expect(reads).toBe(afterFirst);
    // A damaged cache (the file truncated by hand) is rebuilt, not served.
    writeFileSync(first.file, '{}');
    expect(files.prepare(heldoutId).sha256).toBe(first.sha256);
    expect(reads).toBeGreaterThan(afterFirst);
  });

  it('gives a new file and hash after an edit, and the old hash again after undo', async () => {
    const before = services.benchmarkData.prepare(heldoutId);
    const example = services.datasetStore
      .listExamples({ datasetId: heldoutId, limit: 20 })
      .items.find((e) => e.spans.length > 0)!;
    services.annotations.apply({
      exampleId: example.id,
      ops: [{ op: 'remove', spanId: example.spans[0].id }],
      author: 'tester',
    });
    const edited = services.benchmarkData.prepare(heldoutId);
    expect(edited.sha256).not.toBe(before.sha256);
    expect(edited.sha256).toBe((await viewSha256(heldoutId)).sha256);
    services.annotations.undo(example.id, 'tester');
    expect(services.benchmarkData.prepare(heldoutId).sha256).toBe(before.sha256);
  });

  it('refuses an unknown dataset as not found', () => {
    expect(() => services.benchmarkData.prepare('no-such-dataset')).toThrow(
      expect.objectContaining({
        code: 'not-found',
        message: expect.stringMatching(/no-such-dataset does not exist/),
      }),
    );
  });
});
