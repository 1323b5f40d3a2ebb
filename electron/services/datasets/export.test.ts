/**
 * datasets.export says what is known (issue 12), against a real data folder: done only by default (all of a
 * gold corpus), all with status, accepted suggestions with their provenance, stored suggestions as Label
 * Studio predictions, the BIO warning, and re-imports that give back the texts, spans and statuses.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../services';

let dir: string;
let services: Services;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-export-'));
  services = await createServices({ dataDir: join(dir, 'data'), resourcesDir: null, host: 'serve' });
});
afterEach(() => {
  services.close();
  rmSync(dir, { recursive: true, force: true });
});

const texts = ['张三在北京工作', '没有实体的句子', '李四去上海', '王五和赵六在广州'];

/** A text-only corpus (no entities): two sentences done (one with an accepted suggestion), one edited, one unseen. */
async function annotatedCorpus() {
  const file = join(dir, 'raw.jsonl');
  writeFileSync(file, texts.map((text) => JSON.stringify({ text, spans: [] })).join('\n') + '\n');
  const { dataset } = await services.datasetStore.import({ path: file });
  services.datasetStore.updateLabels(dataset.id, [{ name: 'PER' }, { name: 'LOC' }]);
  const [e0, e1, e2, e3] = services.datasetStore.listExamples({ datasetId: dataset.id }).items;
  const suggested = services.annotations.saveModelPredictions({
    exampleId: e0.id,
    checkpointId: 'ckpt-demo',
    spans: [
      { start: 0, end: 2, label: 'PER', score: 0.93 },
      { start: 5, end: 7, label: 'LOC', score: 0.4 },
    ],
  });
  services.annotations.acceptModel({
    exampleId: e0.id,
    spanIds: [suggested.modelSpans[0].id],
    author: 'ann',
  });
  services.annotations.apply({
    exampleId: e0.id,
    ops: [{ op: 'add', start: 3, end: 5, label: 'LOC' }],
    author: 'ann',
  });
  services.annotations.setStatus({ exampleId: e0.id, status: 'done', author: 'ann' });
  services.annotations.setStatus({ exampleId: e1.id, status: 'done', author: 'ann' });
  services.annotations.apply({
    exampleId: e2.id,
    ops: [{ op: 'add', start: 3, end: 5, label: 'LOC' }],
    author: 'ann',
  });
  services.annotations.saveModelPredictions({
    exampleId: e3.id,
    checkpointId: 'ckpt-demo',
    spans: [{ start: 6, end: 8, label: 'LOC', score: 0.88 }],
  });
  return dataset.id;
}

describe('datasets.export: done only or all with status', () => {
  it('refuses "done only" while nothing is done, with what to do', async () => {
    const file = join(dir, 'raw.jsonl');
    writeFileSync(file, texts.map((text) => JSON.stringify({ text, spans: [] })).join('\n') + '\n');
    const { dataset } = await services.datasetStore.import({ path: file });
    await expect(
      services.datasetStore.export({ id: dataset.id, format: 'jsonl-spans', path: join(dir, 'x.jsonl') }),
    ).rejects.toThrow(/No example of "raw" is done yet \(0 of 4\).*export "all with status"/);
  });

  it('JSONL: done only by default; all with Prodigy answer/status and span provenance; re-import restores statuses', async () => {
    const id = await annotatedCorpus();
    const done = join(dir, 'done.jsonl');
    const result = await services.datasetStore.export({ id, format: 'jsonl-spans', path: done });
    expect(result).toMatchObject({ selection: 'done', examples: 2, skipped: 2, spans: 2, warning: null });
    const doneRows = readFileSync(done, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(doneRows.map((r) => [r.text, r.answer, r.status])).toEqual([
      [texts[0], 'accept', 'done'],
      [texts[1], 'accept', 'done'],
    ]);
    expect(doneRows[0].spans).toEqual([
      { start: 0, end: 2, label: 'PER', source: 'ckpt-demo', score: 0.93, origin: 'prediction' },
      { start: 3, end: 5, label: 'LOC' },
    ]);

    const all = join(dir, 'all.jsonl');
    const written = await services.datasetStore.export({
      id,
      format: 'jsonl-spans',
      path: all,
      examples: 'all',
    });
    expect(written).toMatchObject({ examples: 4, skipped: 0, unseen: 1, unfinished: 1, warning: null });
    const rows = readFileSync(all, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => [r.answer, r.status])).toEqual([
      ['accept', 'done'],
      ['accept', 'done'],
      [undefined, 'in-progress'],
      [undefined, 'unannotated'],
    ]);

    // Export, import, compare: the same texts, spans and statuses; and it is not taken for a gold corpus.
    const again = await services.datasetStore.import({ path: all });
    const view = (datasetId: string) =>
      services.datasetStore
        .listExamples({ datasetId })
        .items.map((e) => [e.text, e.status, e.spans.map((s) => [s.start, s.end, s.label])]);
    expect(view(again.dataset.id)).toEqual(view(id));
    const redone = await services.datasetStore.export({
      id: again.dataset.id,
      format: 'jsonl-spans',
      path: join(dir, 'again.jsonl'),
    });
    expect(redone).toMatchObject({ examples: 2, skipped: 2 });
  });

  it('Label Studio: annotations for done tasks only, suggestions as predictions, accepted ones with their origin', async () => {
    const id = await annotatedCorpus();
    const out = join(dir, 'ls.json');
    await services.datasetStore.export({ id, format: 'label-studio', path: out, examples: 'all' });
    const tasks = JSON.parse(readFileSync(out, 'utf8'));
    expect(
      tasks.map((t: { annotations?: unknown; meta: { status: string } }) => [
        Boolean(t.annotations),
        t.meta.status,
      ]),
    ).toEqual([
      [true, 'done'],
      [true, 'done'],
      [false, 'in-progress'],
      [false, 'unannotated'],
    ]);
    expect(tasks[0].annotations[0].result.map((r: { origin: string }) => r.origin)).toEqual([
      'prediction',
      'manual',
    ]);
    expect(tasks[0].predictions).toEqual([
      expect.objectContaining({ model_version: 'ckpt-demo', score: 0.4 }),
    ]);
    expect(tasks[3].predictions[0]).toMatchObject({ model_version: 'ckpt-demo', score: 0.88 });
    const again = await services.datasetStore.import({ path: out });
    expect(
      services.datasetStore
        .listExamples({ datasetId: again.dataset.id })
        .items.map((e) => [e.status, e.spans.length]),
    ).toEqual([
      ['done', 2],
      ['done', 0],
      ['in-progress', 1],
      ['unannotated', 0],
    ]);
  });

  it('BIO of all warns how many sentences were never looked at; a gold corpus exports whole by default', async () => {
    const id = await annotatedCorpus();
    const bio = await services.datasetStore.export({
      id,
      format: 'char-per-line-bio',
      path: join(dir, 'all.bio.txt'),
      examples: 'all',
    });
    expect(bio).toMatchObject({ examples: 4, unseen: 1, unfinished: 1 });
    expect(bio.warning).toMatch(/^1 of 4 sentences were never looked at .*1 are unfinished/);

    const gold = join(dir, 'gold.jsonl');
    writeFileSync(
      gold,
      [
        JSON.stringify({ text: '张三在北京', spans: [{ start: 0, end: 2, label: 'PER' }] }),
        JSON.stringify({ text: '没有', spans: [] }),
      ].join('\n') + '\n',
    );
    const { dataset } = await services.datasetStore.import({ path: gold });
    // A correction of the file's annotation (not marked done) is still exported by default.
    const second = services.datasetStore.listExamples({ datasetId: dataset.id }).items[1];
    services.annotations.apply({
      exampleId: second.id,
      ops: [{ op: 'add', start: 0, end: 2, label: 'PER' }],
      author: 'ann',
    });
    const whole = await services.datasetStore.export({
      id: dataset.id,
      format: 'label-studio',
      path: join(dir, 'gold.json'),
    });
    expect(whole).toMatchObject({ examples: 2, skipped: 0, warning: null });
    const tasks = JSON.parse(readFileSync(join(dir, 'gold.json'), 'utf8'));
    expect(
      tasks.map((t: { meta: { status: string }; annotations?: unknown }) => [
        t.meta.status,
        Boolean(t.annotations),
      ]),
    ).toEqual([
      ['imported', true],
      ['in-progress', true],
    ]);
    expect(tasks[1].annotations[0].result).toHaveLength(1);
  });
});
