/**
 * Issue 12's "gold is protected" on the main side, through the same dispatch both transports use: the
 * builtin benchmark gold set refuses every write channel (named, with what to do), `datasets.copy` makes an
 * editable copy in one go, Annotate's remembered place and the label mappings are kept and validated, and
 * `checkpoints.trainedOn` reads what a trained folder's record names.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IpcResult, RequestChannel, RequestOf, ResponseOf } from '../../shared/ipc';
import { createServices, type Services } from '../services/services';
import { dispatchRequest } from './dispatch';
import { createHandlers, type Handlers } from './handlers';
import { isGuardedChannel } from './readOnlyGuard';

const gold = 'builtin-peoples-daily-heldout.txt';
const sample = 'builtin-peoples-daily-sample.jsonl';

let dir: string;
let services: Services;
let handlers: Handlers;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-gold-channels-'));
  services = await createServices({
    dataDir: join(dir, 'data'),
    resourcesDir: resolve(__dirname, '../../resources'),
    host: 'serve',
  });
  handlers = createHandlers(services);
}, 60_000);
afterAll(() => {
  services?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call<C extends RequestChannel>(channel: C, payload: RequestOf<C>): Promise<IpcResult> {
  return dispatchRequest(handlers, channel, payload);
}
async function ok<C extends RequestChannel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>> {
  const result = await call(channel, payload);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.result as ResponseOf<C>;
}
/** The first example with at least one span (with none at all: the first example). */
const firstExample = (datasetId: string) => {
  const items = services.datasetStore.listExamples({ datasetId, offset: 0, limit: 50 }).items;
  return items.find((e) => e.spans.length > 0) ?? items[0];
};

describe('builtin benchmark gold is read-only on the main side', () => {
  it('marks the gold set read-only and the text-only sample editable', async () => {
    const list = await ok('datasets.list', undefined);
    expect(list.find((d) => d.id === gold)).toMatchObject({ builtin: true, readOnly: true });
    expect(list.find((d) => d.id === sample)).toMatchObject({ builtin: true, readOnly: false });
    expect((await ok('datasets.get', { id: gold })).readOnly).toBe(true);
  });

  it('refuses every write channel naming the gold set, and the gold stays as it was', async () => {
    const before = JSON.stringify(services.datasetStore.nerRecords(gold));
    const example = firstExample(gold);
    const span = example.spans[0];
    const author = 'tester';
    const writes: [RequestChannel, unknown][] = [
      [
        'annotations.apply',
        { exampleId: example.id, ops: [{ op: 'add', start: 0, end: 1, label: 'PER' }], author },
      ],
      ['annotations.apply', { exampleId: example.id, ops: [{ op: 'remove', spanId: span.id }], author }],
      ['annotations.undo', { exampleId: example.id, author: 'tester' }],
      ['annotations.redo', { exampleId: example.id, author: 'tester' }],
      [
        'annotations.saveModelPredictions',
        { exampleId: example.id, checkpointId: 'c', spans: [{ start: 0, end: 1, label: 'PER', score: 0.5 }] },
      ],
      ['annotations.acceptModel', { exampleId: example.id, author }],
      ['annotations.rejectModel', { exampleId: example.id, author }],
      ['examples.setStatus', { exampleId: example.id, status: 'done', author }],
      ['labels.update', { datasetId: gold, labels: [{ name: 'NEW' }] }],
      ['review.adjudicate', { exampleId: example.id, spans: [], author }],
      ['review.acceptAgreeing', { datasetId: gold, authorA: 'a', authorB: 'b', author }],
    ];
    // Every annotations.* channel the contract has is covered by the guard, with no list to keep up to date.
    for (const channel of Object.keys(handlers).filter((c) => c.startsWith('annotations.')))
      expect(isGuardedChannel(channel)).toBe(true);
    for (const [channel, payload] of writes) {
      const result = await dispatchRequest(handlers, channel, payload);
      expect(result.ok, channel).toBe(false);
      if (result.ok) continue;
      expect(result.error.code, channel).toBe('forbidden');
      expect(result.error.message).toContain(`"People's Daily NER held-out (348 sentences, gold)" (${gold})`);
      expect(result.error.message).toContain(`${channel} was refused`);
      expect(result.error.message).toMatch(/Annotate a copy/);
    }
    expect(JSON.stringify(services.datasetStore.nerRecords(gold))).toBe(before);
    expect(services.datasetStore.listLabels(gold).map((l) => l.name)).not.toContain('NEW');
    // Reads still work.
    expect((await ok('examples.get', { exampleId: example.id })).id).toBe(example.id);
  });

  it('lets the same writes through on an editable dataset', async () => {
    const example = firstExample(sample);
    const view = await ok('annotations.apply', {
      exampleId: example.id,
      ops: [{ op: 'add', start: 0, end: 2, label: 'ORG' }],
      author: 'tester',
    });
    expect(view.spans.map((s) => s.label)).toEqual(['ORG']);
    await ok('annotations.undo', { exampleId: example.id, author: 'tester' });
  });
});

describe('datasets.copy', () => {
  it('copies examples, labels and working spans into a new editable dataset; the gold is untouched', async () => {
    const goldRecords = services.datasetStore.nerRecords(gold);
    const copy = await ok('datasets.copy', { id: gold });
    expect(copy).toMatchObject({
      name: "People's Daily NER held-out (348 sentences, gold) (copy)",
      builtin: false,
      readOnly: false,
      task: 'ner',
      exampleCount: 348,
    });
    expect(copy.id).not.toBe(gold);
    expect(services.datasetStore.nerRecords(copy.id)).toEqual(goldRecords);
    expect(copy.labels.map((l) => [l.name, l.hotkey])).toEqual(
      services.datasetStore.listLabels(gold).map((l) => [l.name, l.hotkey]),
    );
    // The copy is editable, and editing it leaves the gold as it was.
    const example = firstExample(copy.id);
    await ok('annotations.apply', {
      exampleId: example.id,
      ops: [{ op: 'remove', spanId: example.spans[0].id }],
      author: 'tester',
    });
    expect(services.datasetStore.nerRecords(copy.id)[example.index].spans).toHaveLength(
      goldRecords[example.index].spans.length - 1,
    );
    expect(services.datasetStore.nerRecords(gold)).toEqual(goldRecords);
    // A second copy gets a name of its own; an explicit name is used as given.
    expect((await ok('datasets.copy', { id: gold })).name).toMatch(/\(copy 2\)$/);
    expect((await ok('datasets.copy', { id: copy.id, name: 'mine' })).name).toBe('mine');
  });

  it('copies nothing for an unknown dataset', async () => {
    const count = services.datasetStore.list().length;
    const result = await call('datasets.copy', { id: 'missing' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ code: 'not-found' });
    expect(services.datasetStore.list()).toHaveLength(count);
  });
});

describe("Annotate's remembered place", () => {
  it('keeps the dataset, the example index per dataset and the checkpoint; forgets removed ones', async () => {
    expect(await ok('annotateSession.get', undefined)).toEqual({
      datasetId: null,
      checkpointId: null,
      positions: {},
    });
    const copy = await ok('datasets.copy', { id: gold, name: 'to remove' });
    await ok('annotateSession.save', { datasetId: sample, position: { datasetId: sample, exampleIndex: 7 } });
    await ok('annotateSession.save', { position: { datasetId: copy.id, exampleIndex: 3 } });
    const checkpointId = services.checkpoints.list()[0].id;
    const session = await ok('annotateSession.save', { checkpointId });
    expect(session).toEqual({ datasetId: sample, checkpointId, positions: { [copy.id]: 3, [sample]: 7 } });
    await ok('annotateSession.save', { datasetId: copy.id });
    await ok('datasets.remove', { id: copy.id });
    expect(await ok('annotateSession.get', undefined)).toMatchObject({ datasetId: null, checkpointId });
    await ok('annotateSession.save', { checkpointId: null });
    expect((await ok('annotateSession.get', undefined)).checkpointId).toBeNull();
    const bad = await call('annotateSession.save', {
      position: { datasetId: sample, exampleIndex: -1 },
    } as never);
    expect(bad.ok).toBe(false);
  });
});

describe('label mappings', () => {
  it('are kept per (checkpoint, dataset), and a target must be a dataset label', async () => {
    expect(await ok('labelMappings.get', { checkpointId: 'demo', datasetId: sample })).toBeNull();
    const refused = await call('labelMappings.save', {
      checkpointId: 'demo',
      datasetId: sample,
      mapping: { PER: 'name' },
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('bad-request');
      expect(refused.error.message).toContain('mapping.PER is "name", which is not a label of the dataset');
    }
    const saved = await ok('labelMappings.save', {
      checkpointId: 'demo',
      datasetId: sample,
      mapping: { PER: 'PER', MISC: null },
    });
    expect(saved.mapping).toEqual({ PER: 'PER', MISC: null });
    expect((await ok('labelMappings.get', { checkpointId: 'demo', datasetId: sample }))?.mapping).toEqual({
      PER: 'PER',
      MISC: null,
    });
    expect(await ok('labelMappings.get', { checkpointId: 'demo', datasetId: gold })).toBeNull();
  });
});

describe('checkpoints.trainedOn', () => {
  it('reads the dataset a trained folder’s training_record.json names; null when it names none', async () => {
    const folder = join(dir, 'trained');
    cpSync(resolve(__dirname, '../../fixtures/nezha-tiny/token-classification'), folder, { recursive: true });
    const dataset = { id: sample, name: 'Sample', sha256: 'f'.repeat(64) };
    writeFileSync(
      join(folder, 'training_record.json'),
      JSON.stringify({ schema: 'nezha-training-record/1', dataset }),
    );
    const trained = await ok('checkpoints.import', { path: folder, name: 'trained' });
    const demo = services.checkpoints
      .list()
      .find((c) => c.files.includes('training_record.json') && c.builtin);
    expect(demo).toBeDefined();
    const answer = await ok('checkpoints.trainedOn', { ids: [trained.id, demo!.id, 'missing'] });
    expect(answer).toEqual({
      [trained.id]: {
        datasetId: sample,
        datasetName: 'Sample',
        sha256: 'f'.repeat(64),
        source: 'training_record.json',
      },
      // The demo model's record (trained by scripts/train-demo-model.ts) names no dataset of this library.
      [demo!.id]: null,
      missing: null,
    });
  });
});
