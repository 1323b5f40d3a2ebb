/**
 * The active-learning queue on the main side (issue 12): `examples.list` with order 'uncertainty' leaves out
 * done examples, puts the highest stored uncertainty first and unpredicted examples last (file order), and
 * the `notPredictedBy` / `undone` filters select what background pre-annotation still has to run on.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExampleFilter } from '../../../shared/ipc';
import { createServices, type Services } from '../services';

let dir: string;
let services: Services;
let datasetId: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-queue-'));
  services = await createServices({ dataDir: join(dir, 'data'), resourcesDir: null, host: 'serve' });
  const file = join(dir, 'six.jsonl');
  const texts = ['张三在北京', '李四去上海', '王五在广州', '没有实体', '赵六来了', '孙七走了'];
  writeFileSync(file, texts.map((text) => JSON.stringify({ text, spans: [] })).join('\n') + '\n');
  datasetId = (await services.datasetStore.import({ path: file })).dataset.id;
  services.datasetStore.updateLabels(datasetId, [{ name: 'PER' }, { name: 'LOC' }]);
});
afterEach(() => {
  services.close();
  rmSync(dir, { recursive: true, force: true });
});

const all = () => services.datasetStore.listExamples({ datasetId, limit: 100 }).items;
const indices = (order: 'index' | 'uncertainty', filter?: ExampleFilter) =>
  services.datasetStore.listExamples({ datasetId, limit: 100, order, filter }).items.map((e) => e.index);

describe('the active-learning queue', () => {
  it('orders undone examples by stored uncertainty, unpredicted ones after in file order, done ones left out', () => {
    const [e0, e1, e2, e3, e4] = all();
    const save = (
      id: number,
      checkpointId: string,
      spans: { start: number; end: number; score: number }[],
      uncertainty?: number,
    ) =>
      services.annotations.saveModelPredictions({
        exampleId: id,
        checkpointId,
        spans: spans.map((s) => ({ ...s, label: 'PER' })),
        uncertainty,
      });
    save(e0.id, 'a', [{ start: 0, end: 2, score: 0.9 }]); // 0.1 by default (1 - lowest span score)
    save(e1.id, 'a', [], 0.7); // no entity, but an unsure token: the given token uncertainty wins
    save(e2.id, 'a', [{ start: 0, end: 2, score: 0.2 }]); // 0.8, but done
    save(e3.id, 'b', [], 0.4);
    services.annotations.setStatus({ exampleId: e2.id, status: 'done', author: 'ann' });
    services.annotations.apply({
      exampleId: e4.id,
      ops: [{ op: 'add', start: 0, end: 2, label: 'PER' }],
      author: 'ann',
    });

    // e1 (0.7), e3 (0.4), e0 (0.1), then the unpredicted e4 (in progress) and e5 in file order; e2 is done.
    expect(indices('uncertainty')).toEqual([1, 3, 0, 4, 5]);
    expect(services.datasetStore.listExamples({ datasetId, order: 'uncertainty' }).total).toBe(5);
    // File order still lists everything.
    expect(indices('index')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(indices('uncertainty', { status: 'in-progress' })).toEqual([4]);

    // The view says which checkpoint's predictions the uncertainty came from.
    const views = all();
    expect(views.map((v) => v.predictedBy)).toEqual(['a', 'a', 'a', 'b', null, null]);
    expect(views.map((v) => v.uncertainty)).toEqual([
      expect.closeTo(0.1, 6),
      0.7,
      expect.closeTo(0.8, 6),
      0.4,
      null,
      null,
    ]);
  });

  it('selects what pre-annotation with a checkpoint still has to do: not done, not predicted by it', () => {
    const [e0, e1, e2, e3] = all();
    services.annotations.saveModelPredictions({ exampleId: e0.id, checkpointId: 'a', spans: [] });
    services.annotations.saveModelPredictions({ exampleId: e1.id, checkpointId: 'b', spans: [] });
    services.annotations.saveModelPredictions({ exampleId: e2.id, checkpointId: 'a', spans: [] });
    services.annotations.setStatus({ exampleId: e3.id, status: 'done', author: 'ann' });
    const todo = { undone: true, notPredictedBy: 'a' };
    // e0 and e2 are predicted by a (a zero-entity prediction counts: nothing to redo), e3 is done.
    expect(indices('index', todo)).toEqual([1, 4, 5]);
    expect(indices('index', { notPredictedBy: 'b' })).toEqual([0, 2, 3, 4, 5]);
    expect(indices('index', { undone: false })).toEqual([3]);
    // Another checkpoint's prediction replaces the resume state: e0 now needs a again.
    services.annotations.saveModelPredictions({ exampleId: e0.id, checkpointId: 'b', spans: [] });
    expect(indices('index', todo)).toEqual([0, 1, 4, 5]);
  });

  it('refuses a malformed filter at the IPC boundary', async () => {
    const { requestChannels } = await import('../../../shared/ipc');
    const schema = requestChannels['examples.list'].request;
    expect(schema.safeParse({ datasetId, filter: { notPredictedBy: '' } }).success).toBe(false);
    expect(schema.safeParse({ datasetId, filter: { undone: 'yes' } }).success).toBe(false);
    expect(schema.safeParse({ datasetId, filter: { undone: true, notPredictedBy: 'a' } }).success).toBe(true);
  });
});
