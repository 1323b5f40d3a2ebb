import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../services';
import { TaskRouter } from './taskRouter';

let dir: string;
let services: Services;
let datasetId: string;
let ids: number[];
let now: number;
let router: TaskRouter;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-routing-'));
  services = await createServices({ dataDir: join(dir, 'data'), resourcesDir: null, host: 'serve' });
  const file = join(dir, 'team.jsonl');
  const texts = ['张三在北京', '李四去上海', '王五在广州'];
  writeFileSync(file, texts.map((text) => JSON.stringify({ text, spans: [] })).join('\n') + '\n');
  datasetId = (await services.datasetStore.import({ path: file })).dataset.id;
  services.datasetStore.updateLabels(datasetId, [{ name: 'PER' }, { name: 'LOC' }]);
  ids = services.datasetStore
    .listExamples({ datasetId, offset: 0, limit: 10 } as never)
    .items.map((e) => e.id);
  now = 1_000_000;
  router = new TaskRouter(services.db, { now: () => now, leaseMs: 10_000 });
});
afterEach(() => {
  services.close();
  rmSync(dir, { recursive: true, force: true });
});

function annotate(author: string, exampleId: number) {
  services.annotations.apply({ exampleId, author, ops: [{ op: 'add', start: 0, end: 2, label: 'PER' }] });
}

describe('TaskRouter', () => {
  it('with overlap 1, never hands the same example to two annotators while a lease runs', () => {
    const alice = router.next(datasetId, 'alice');
    const bob = router.next(datasetId, 'bob');
    expect(alice).toEqual({ exampleId: ids[0], leaseExpiresAt: now + 10_000 });
    expect(bob?.exampleId).toBe(ids[1]);
    // Asking again returns the example one already holds.
    expect(router.next(datasetId, 'alice')?.exampleId).toBe(ids[0]);
    expect(router.isAssigned(ids[0]!, 'alice')).toBe(true);
    expect(router.isAssigned(ids[0]!, 'bob')).toBe(false);
  });

  it('counts marking done without any span ("no entities") as a finished annotation', () => {
    expect(router.next(datasetId, 'alice')?.exampleId).toBe(ids[0]);
    services.annotations.setStatus({ exampleId: ids[0]!, status: 'done', author: 'alice' });
    // The lease no longer holds her: the queue moves on, and her done example stays hers.
    expect(router.next(datasetId, 'alice')?.exampleId).toBe(ids[1]);
    expect(router.isAssigned(ids[0]!, 'alice')).toBe(true);
    const progress = router.progress(datasetId);
    expect(progress).toMatchObject({ complete: 1, annotations: 1 });
    expect(progress.annotators).toEqual([{ annotator: 'alice', done: 1, leased: 1 }]);
    // Taking "done" back makes it hers to finish again, not the team's.
    services.annotations.setStatus({ exampleId: ids[0]!, status: 'in-progress', author: 'alice' });
    expect(router.progress(datasetId).complete).toBe(0);
  });

  it('gives an example back when its lease expires (injected clock)', () => {
    router.next(datasetId, 'alice');
    router.next(datasetId, 'bob');
    expect(router.next(datasetId, 'carol')?.exampleId).toBe(ids[2]);
    expect(router.next(datasetId, 'dave')).toBeNull();
    now += 10_000; // every lease has run out
    expect(router.next(datasetId, 'dave')?.exampleId).toBe(ids[0]);
    expect(router.isAssigned(ids[0]!, 'alice')).toBe(false);
  });

  it('serves only examples the annotator has not done and that still need annotations', () => {
    annotate('alice', ids[0]!);
    expect(router.next(datasetId, 'alice')?.exampleId).toBe(ids[1]);
    // Overlap 1: example 0 has its annotator; bob gets example 2 (1 is leased to alice).
    expect(router.next(datasetId, 'bob')?.exampleId).toBe(ids[2]);
    router.release(ids[2]!, 'bob');
    router.release(ids[1]!, 'alice');
    annotate('alice', ids[1]!);
    annotate('alice', ids[2]!);
    expect(router.next(datasetId, 'alice')).toBeNull();
    expect(router.next(datasetId, 'bob')).toBeNull();
  });

  it('with overlap 2, hands each example to two annotators and then to nobody else', () => {
    router.setOverlap(datasetId, 2);
    for (const id of ids) {
      expect(router.next(datasetId, 'alice')?.exampleId).toBe(id);
      expect(router.next(datasetId, 'bob')?.exampleId).toBe(id);
      // Two leases on the example: a third annotator is sent elsewhere.
      const carol = router.next(datasetId, 'carol');
      expect(carol?.exampleId).not.toBe(id);
      if (carol) router.release(carol.exampleId, 'carol');
      annotate('alice', id);
      annotate('bob', id);
    }
    expect(router.next(datasetId, 'carol')).toBeNull();
    const progress = router.progress(datasetId);
    expect(progress).toMatchObject({
      overlap: 2,
      examples: 3,
      complete: 3,
      annotations: 6,
      annotationsNeeded: 6,
    });
    expect(progress.annotators).toEqual([
      { annotator: 'alice', done: 3, leased: 0 },
      { annotator: 'bob', done: 3, leased: 0 },
    ]);
  });

  it('reports progress per annotator with leases, and refuses a bad overlap', () => {
    router.setOverlap(datasetId, 2);
    annotate('alice', ids[0]!);
    router.next(datasetId, 'bob');
    const progress = router.progress(datasetId);
    expect(progress).toMatchObject({ examples: 3, complete: 0, annotations: 1, annotationsNeeded: 6 });
    expect(progress.annotators).toEqual([
      { annotator: 'alice', done: 1, leased: 0 },
      { annotator: 'bob', done: 0, leased: 1 },
    ]);
    expect(() => router.setOverlap(datasetId, 0)).toThrow(/Overlap must be an integer 1\.\.50/);
    expect(() => router.next('missing', 'bob')).toThrow(/Dataset missing does not exist/);
  });
});

describe('TaskRouter leases after an edit', () => {
  it('does not count a lease twice once its annotator has edited the example', () => {
    router.setOverlap(datasetId, 2);
    expect(router.next(datasetId, 'alice')?.exampleId).toBe(ids[0]);
    annotate('alice', ids[0]!);
    // alice's lease on example 0 is still running, but she counts as its editor now: bob gets example 0.
    expect(router.next(datasetId, 'bob')?.exampleId).toBe(ids[0]);
  });
});
