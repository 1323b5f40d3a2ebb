import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExampleView } from '../../../shared/ipc';
import { databaseFileName } from '../database';
import { createServices, type Services } from '../services';

let dir: string;
let dataDir: string;
let services: Services;
let datasetId: string;

// Example 0 has a non-BMP char (𠀋, two UTF-16 units, one code point) before the names.
const corpus = [
  { text: '𠀋张三在北京工作', spans: [{ start: 1, end: 3, label: 'PER' }] },
  { text: '李四去上海', spans: [] },
  { text: '王五和赵六在广州', spans: [{ start: 6, end: 8, label: 'LOC' }] },
  { text: '没有实体的句子', spans: [] },
];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-annotations-'));
  dataDir = join(dir, 'data');
  services = await createServices({ dataDir, resourcesDir: null, host: 'serve' });
  const file = join(dir, 'tiny.jsonl');
  writeFileSync(file, corpus.map((record) => JSON.stringify(record)).join('\n') + '\n');
  const summary = await services.datasetStore.import({ path: file });
  datasetId = summary.dataset.id;
  // PER comes from the file; LOC too; ORG is added by hand.
  services.datasetStore.updateLabels(datasetId, [{ name: 'ORG' }]);
});
afterEach(() => {
  services.close();
  rmSync(dir, { recursive: true, force: true });
});

function example(index: number): ExampleView {
  return services.datasetStore.listExamples({ datasetId, offset: index, limit: 1 }).items[0];
}
const spansOf = (view: ExampleView) => view.spans.map((s) => [s.start, s.end, s.label, s.source]);

describe('annotations.apply', () => {
  it('adds, relabels and removes spans in code points, bumps the revision and marks the example in progress', () => {
    const first = example(0);
    expect(first.status).toBe('unannotated');
    const added = services.annotations.apply({
      exampleId: first.id,
      ops: [{ op: 'add', start: 4, end: 6, label: 'LOC' }],
      author: 'ann',
      expectedRevision: first.revision,
    });
    expect(spansOf(added)).toEqual([
      [1, 3, 'PER', 'gold'],
      [4, 6, 'LOC', 'annotator'],
    ]);
    expect(added.revision).toBe(first.revision + 1);
    expect(added.status).toBe('in-progress');
    expect(added.canUndo).toBe(true);
    expect(Array.from(added.text).slice(4, 6).join('')).toBe('北京');

    const gold = added.spans[0];
    const loc = added.spans[1];
    const edited = services.annotations.apply({
      exampleId: first.id,
      ops: [
        { op: 'relabel', spanId: gold.id, label: 'ORG' },
        { op: 'remove', spanId: loc.id },
      ],
      author: 'ann',
    });
    expect(spansOf(edited)).toEqual([[1, 3, 'ORG', 'annotator']]);
    expect(edited.spans[0]).toMatchObject({ id: gold.id, author: 'ann' });
    expect(edited.revision).toBe(first.revision + 2);
  });

  it('refuses overlaps, out-of-range spans, unknown labels and stale revisions, all or nothing', () => {
    const first = example(0);
    const attempt = (ops: Parameters<Services['annotations']['apply']>[0]['ops']) => () =>
      services.annotations.apply({ exampleId: first.id, ops, author: 'ann' });
    // The first op is valid, the second overlaps the gold PER span "张三": neither is stored.
    expect(
      attempt([
        { op: 'add', start: 4, end: 6, label: 'LOC' },
        { op: 'add', start: 2, end: 4, label: 'ORG' },
      ]),
    ).toThrow(
      /Edit 2 of 2 on example #1: ORG \[2, 4\) "三在" overlaps the gold span #\d+ PER \[1, 3\) "张三"/,
    );
    expect(attempt([{ op: 'add', start: 6, end: 9, label: 'LOC' }])).toThrow(
      /span \[6, 9\) is not inside the text \(0\.\.8 code points\)/,
    );
    expect(attempt([{ op: 'add', start: 5, end: 5, label: 'LOC' }])).toThrow(/start must be less than end/);
    expect(attempt([{ op: 'add', start: 4, end: 6, label: 'GPE' }])).toThrow(
      /label "GPE" is not in the label set of dataset "tiny" \(PER, LOC, ORG\); add it with labels\.update first/,
    );
    expect(attempt([{ op: 'remove', spanId: 999_999 }])).toThrow(/span #999999 is not on this example/);
    expect(() =>
      services.annotations.apply({
        exampleId: first.id,
        ops: [{ op: 'add', start: 4, end: 6, label: 'LOC' }],
        author: 'ann',
        expectedRevision: first.revision + 5,
      }),
    ).toThrow(/changed since you loaded it/);
    const after = example(0);
    expect(spansOf(after)).toEqual(spansOf(first));
    expect(after.revision).toBe(first.revision);
    expect(after.canUndo).toBe(false);
    expect(() =>
      services.annotations.apply({
        exampleId: 123_456,
        ops: first.spans.map(() => ({ op: 'remove' as const, spanId: 1 })),
        author: 'a',
      }),
    ).toThrow(/Example 123456 does not exist/);
  });
});

describe('undo / redo', () => {
  it('walks back and forth through the edits, survives a restart, and a new edit drops the redo stack', async () => {
    const id = example(1).id;
    services.annotations.apply({
      exampleId: id,
      ops: [{ op: 'add', start: 0, end: 2, label: 'PER' }],
      author: 'a',
    });
    const two = services.annotations.apply({
      exampleId: id,
      ops: [{ op: 'add', start: 3, end: 5, label: 'LOC' }],
      author: 'a',
    });
    const per = two.spans[0];
    services.annotations.apply({
      exampleId: id,
      ops: [{ op: 'relabel', spanId: per.id, label: 'ORG' }],
      author: 'a',
    });

    // Restart: history lives in the database.
    services.close();
    services = await createServices({ dataDir, resourcesDir: null, host: 'serve' });

    let view = services.annotations.undo(id, 'a');
    expect(spansOf(view)).toEqual([
      [0, 2, 'PER', 'annotator'],
      [3, 5, 'LOC', 'annotator'],
    ]);
    expect(view.spans[0].id).toBe(per.id);
    view = services.annotations.undo(id, 'a');
    expect(spansOf(view)).toEqual([[0, 2, 'PER', 'annotator']]);
    expect(view.canRedo).toBe(true);
    view = services.annotations.redo(id, 'a');
    expect(spansOf(view)).toEqual([
      [0, 2, 'PER', 'annotator'],
      [3, 5, 'LOC', 'annotator'],
    ]);
    view = services.annotations.apply({
      exampleId: id,
      ops: [{ op: 'remove', spanId: per.id }],
      author: 'a',
    });
    expect(view.canRedo).toBe(false);
    expect(() => services.annotations.redo(id, 'a')).toThrow(/Nothing to redo on example #2 for a/);
    services.annotations.undo(id, 'a');
    services.annotations.undo(id, 'a');
    view = services.annotations.undo(id, 'a');
    expect(view.spans).toEqual([]);
    expect(view.canUndo).toBe(false);
    expect(() => services.annotations.undo(id, 'a')).toThrow(/Nothing to undo on example #2 for a/);
    const history = services.db
      .prepare('SELECT op, state, author FROM example_history WHERE example_id = ? ORDER BY id')
      .all(id) as { op: string; state: string; author: string }[];
    expect(history.map((h) => h.state)).toEqual(['undone', 'undone', 'discarded', 'undone']);
    expect(history[0].op).toBe('apply: add PER [0, 2) "李四"');
  });
});

describe('per-annotator undo / redo', () => {
  it("A's undo takes back A's edit and leaves B's later edit; each has their own redo", () => {
    const id = example(1).id; // 李四去上海
    services.annotations.apply({
      exampleId: id,
      ops: [{ op: 'add', start: 0, end: 2, label: 'PER' }],
      author: 'A',
    });
    services.annotations.apply({
      exampleId: id,
      ops: [{ op: 'add', start: 3, end: 5, label: 'LOC' }],
      author: 'B',
    });
    const owned = (view: ExampleView) => view.spans.map((s) => [s.label, s.author]);

    let view = services.annotations.undo(id, 'A');
    expect(owned(view)).toEqual([['LOC', 'B']]);
    expect(() => services.annotations.undo(id, 'A')).toThrow(/Nothing to undo on example #2 for A/);
    // B editing does not drop A's redo.
    services.annotations.apply({
      exampleId: id,
      ops: [{ op: 'add', start: 2, end: 3, label: 'ORG' }],
      author: 'B',
    });
    view = services.annotations.redo(id, 'A');
    expect(owned(view)).toEqual([
      ['PER', 'A'],
      ['ORG', 'B'],
      ['LOC', 'B'],
    ]);
    view = services.annotations.undo(id, 'B');
    expect(owned(view)).toEqual([
      ['PER', 'A'],
      ['LOC', 'B'],
    ]);
    expect(() => services.annotations.redo(id, 'A')).toThrow(/Nothing to redo on example #2 for A/);
  });

  it("refuses another annotator's edit of one's span, and an undo over a span changed since", () => {
    const first = example(0); // gold PER [1, 3)
    const gold = first.spans[0];
    services.annotations.apply({
      exampleId: first.id,
      ops: [{ op: 'relabel', spanId: gold.id, label: 'ORG' }],
      author: 'A',
    });
    expect(() =>
      services.annotations.apply({
        exampleId: first.id,
        ops: [{ op: 'remove', spanId: gold.id }],
        author: 'B',
      }),
    ).toThrow(/in A's version, not B's/);
    // A change that did not go through A's history (e.g. a row written by an older version): not replayed over.
    services.db.prepare("UPDATE annotations SET label = 'LOC', author = 'C' WHERE id = ?").run(gold.id);
    expect(() => services.annotations.undo(first.id, 'A')).toThrow(
      new RegExp(`Cannot undo "apply: relabel PER .*span #${gold.id} was changed since by C`),
    );
  });
});

describe('model predictions', () => {
  it('stores suggestions with scores, accepts one or all (skipping conflicts), rejects, and undoes an accept', () => {
    const third = example(2); // gold LOC [6, 8) "广州"
    const saved = services.annotations.saveModelPredictions({
      exampleId: third.id,
      checkpointId: 'ckpt-a',
      spans: [
        { start: 0, end: 2, label: 'PER', score: 0.97 },
        { start: 3, end: 5, label: 'PER', score: 0.41 },
        { start: 5, end: 8, label: 'LOC', score: 0.88 },
      ],
    });
    expect(saved.modelSpans.map((s) => [s.start, s.end, s.score, s.checkpointId, s.decisions])).toEqual([
      [0, 2, 0.97, 'ckpt-a', []],
      [3, 5, 0.41, 'ckpt-a', []],
      [5, 8, 0.88, 'ckpt-a', []],
    ]);
    expect(saved.uncertainty).toBeCloseTo(0.59);
    const [wang, zhao, guangzhou] = saved.modelSpans;
    const decisionsOf = (view: ExampleView) => view.modelSpans.map((s) => s.decisions);

    expect(() =>
      services.annotations.acceptModel({ exampleId: third.id, spanIds: [guangzhou.id], author: 'b' }),
    ).toThrow(new RegExp(`Model span #${guangzhou.id} LOC \\[5, 8\\) "在广州" overlaps the gold span`));
    const one = services.annotations.acceptModel({ exampleId: third.id, spanIds: [zhao.id], author: 'b' });
    // The accepted span is b's, with the suggestion's provenance; the suggestion stays, decided by b.
    expect(one.spans.find((s) => s.start === 3)).toMatchObject({
      source: 'annotator',
      author: 'b',
      score: 0.41,
      checkpointId: 'ckpt-a',
      origin: 'prediction',
    });
    expect(decisionsOf(one)).toEqual([[], [{ author: 'b', decision: 'accepted' }], []]);
    expect(() =>
      services.annotations.acceptModel({ exampleId: third.id, spanIds: [zhao.id], author: 'b' }),
    ).toThrow(/was accepted by b already/);
    const undone = services.annotations.undo(third.id, 'b');
    expect(spansOf(undone)).toEqual([[6, 8, 'LOC', 'gold']]);
    expect(decisionsOf(undone)).toEqual([[], [], []]);

    const all = services.annotations.acceptModel({ exampleId: third.id, author: 'b' });
    expect(spansOf(all)).toEqual([
      [0, 2, 'PER', 'annotator'],
      [3, 5, 'PER', 'annotator'],
      [6, 8, 'LOC', 'gold'],
    ]);
    expect(all.modelSpans.map((s) => s.id)).toEqual([wang.id, zhao.id, guangzhou.id]);
    expect(decisionsOf(all)[2]).toEqual([]); // overlapping the gold span: left pending
    const rejected = services.annotations.rejectModel({ exampleId: third.id, author: 'b' });
    expect(decisionsOf(rejected)[2]).toEqual([{ author: 'b', decision: 'rejected' }]);
    // Another annotator still has every suggestion pending.
    expect(rejected.modelSpans.every((s) => !s.decisions?.some((d) => d.author === 'c'))).toBe(true);
    expect(decisionsOf(services.annotations.undo(third.id, 'b'))[2]).toEqual([]);

    expect(() =>
      services.annotations.saveModelPredictions({
        exampleId: third.id,
        checkpointId: 'ckpt-a',
        spans: [{ start: 7, end: 9, label: 'LOC', score: 0.5 }],
      }),
    ).toThrow(/Model span 1 \[7, 9\) LOC is not inside example #3 \(0\.\.8 code points\)/);
  });

  it('keeps a rejection when the model runs again; only an explicit re-run by that annotator brings it back', async () => {
    const second = example(1); // 李四去上海
    const predict = (extra: { rerun?: boolean; author?: string } = {}) =>
      services.annotations.saveModelPredictions({
        exampleId: second.id,
        checkpointId: 'ckpt-a',
        spans: [
          { start: 0, end: 2, label: 'PER', score: 0.9 },
          { start: 3, end: 5, label: 'LOC', score: 0.7 },
        ],
        ...extra,
      });
    const first = predict();
    const [li, shanghai] = first.modelSpans;
    const suggested = () =>
      Object.fromEntries(services.datasetStore.stats(datasetId).labels.map((l) => [l.label, l.modelSpans]));
    expect(suggested()).toMatchObject({ PER: 1, LOC: 1 });
    services.annotations.rejectModel({ exampleId: second.id, spanIds: [li.id, shanghai.id], author: 'a' });
    // Decided suggestions stay stored but are no longer counted as suggested.
    expect(suggested()).toMatchObject({ PER: 0, LOC: 0 });

    // A restart and the model running again (new suggestion rows): still rejected by a, pending for b.
    services.close();
    services = await createServices({ dataDir, resourcesDir: null, host: 'serve' });
    const again = predict();
    expect(again.modelSpans.map((s) => s.id)).not.toEqual([li.id, shanghai.id]);
    expect(again.modelSpans.map((s) => s.decisions)).toEqual([
      [{ author: 'a', decision: 'rejected' }],
      [{ author: 'a', decision: 'rejected' }],
    ]);
    // Accept all takes pending suggestions only: nothing for a, both for b.
    const forA = services.annotations.acceptModel({ exampleId: second.id, author: 'a' });
    expect(forA.spans).toEqual([]);
    const forB = services.annotations.acceptModel({ exampleId: second.id, author: 'b' });
    expect(forB.spans.map((s) => [s.start, s.end, s.label, s.author, s.origin])).toEqual([
      [0, 2, 'PER', 'b', 'prediction'],
      [3, 5, 'LOC', 'b', 'prediction'],
    ]);
    expect(() => predict({ rerun: true })).toThrow(/re-run of the model \(rerun: true\) needs the author/);
    // a asks for the model again on this example: their rejections are forgotten, b's acceptances stay.
    const rerun = predict({ rerun: true, author: 'a' });
    expect(rerun.modelSpans.map((s) => s.decisions)).toEqual([
      [{ author: 'b', decision: 'accepted' }],
      [{ author: 'b', decision: 'accepted' }],
    ]);
    const accepted = services.annotations.acceptModel({ exampleId: second.id, author: 'a' });
    expect(accepted.spans.filter((s) => s.author === 'a').map((s) => s.label)).toEqual(['PER', 'LOC']);
  });

  it('relabelling a suggestion accepts it as changed; removing one rejects it; other annotators stay pending', () => {
    const second = example(1);
    const saved = services.annotations.saveModelPredictions({
      exampleId: second.id,
      checkpointId: 'ckpt-a',
      spans: [
        { start: 0, end: 2, label: 'PER', score: 0.8 },
        { start: 3, end: 5, label: 'PER', score: 0.5 },
      ],
    });
    const [li, shanghai] = saved.modelSpans;
    const view = services.annotations.apply({
      exampleId: second.id,
      ops: [
        { op: 'relabel', spanId: shanghai.id, label: 'LOC' },
        { op: 'remove', spanId: li.id },
      ],
      author: 'a',
    });
    expect(view.spans.map((s) => [s.start, s.end, s.label, s.origin, s.score, s.checkpointId])).toEqual([
      [3, 5, 'LOC', 'prediction-changed', 0.5, 'ckpt-a'],
    ]);
    expect(view.modelSpans.map((s) => s.decisions)).toEqual([
      [{ author: 'a', decision: 'rejected' }],
      [{ author: 'a', decision: 'accepted' }],
    ]);
    // b cannot remove a's span, and a manual span says so.
    expect(() =>
      services.annotations.apply({
        exampleId: second.id,
        ops: [{ op: 'remove', spanId: view.spans[0].id }],
        author: 'b',
      }),
    ).toThrow(/is in a's version, not b's/);
    const manual = services.annotations.apply({
      exampleId: second.id,
      ops: [{ op: 'add', start: 0, end: 2, label: 'PER' }],
      author: 'b',
    });
    expect(manual.spans.find((s) => s.author === 'b')).toMatchObject({ origin: 'manual', score: null });
    // Undo of a's edit brings both suggestions back to pending for a.
    const undone = services.annotations.undo(second.id, 'a');
    expect(undone.modelSpans.map((s) => s.decisions)).toEqual([[], []]);
    expect(undone.spans.map((s) => s.author)).toEqual(['b']);
  });

  it('drives the filters, counts and the active-learning order', () => {
    const [e0, e1, e2, e3] = [0, 1, 2, 3].map(example);
    // e0: model agrees with gold. e1: model finds a span nobody annotated (disagreement), low score.
    // e2: model unsure but right. e3: predicted nothing.
    services.annotations.saveModelPredictions({
      exampleId: e0.id,
      checkpointId: 'c',
      spans: [{ start: 1, end: 3, label: 'PER', score: 0.99 }],
    });
    services.annotations.saveModelPredictions({
      exampleId: e1.id,
      checkpointId: 'c',
      spans: [{ start: 0, end: 2, label: 'PER', score: 0.3 }],
    });
    services.annotations.saveModelPredictions({
      exampleId: e2.id,
      checkpointId: 'c',
      spans: [{ start: 6, end: 8, label: 'LOC', score: 0.6 }],
      uncertainty: 0.45,
    });
    services.annotations.saveModelPredictions({ exampleId: e3.id, checkpointId: 'c', spans: [] });
    services.annotations.setStatus({ exampleId: e0.id, status: 'done', author: 'a' });

    const ids = (
      filter: Parameters<Services['datasetStore']['listExamples']>[0]['filter'],
      order?: 'uncertainty',
    ) => services.datasetStore.listExamples({ datasetId, filter, order }).items.map((e) => e.id);
    expect(ids({ disagreement: true })).toEqual([e1.id]);
    expect(ids({ disagreement: false })).toEqual([e0.id, e2.id, e3.id]);
    expect(ids({ lowConfidenceBelow: 0.5 })).toEqual([e1.id]);
    expect(ids({ lowConfidenceBelow: 0.7 })).toEqual([e1.id, e2.id]);
    expect(ids({ status: 'done' })).toEqual([e0.id]);
    expect(ids({ status: 'unannotated' })).toEqual([e1.id, e2.id, e3.id]);
    expect(ids({ entityText: '广州' })).toEqual([e2.id]);
    expect(ids({ entityText: '张', label: 'PER' })).toEqual([e0.id]);
    expect(ids({ label: 'PER' })).toEqual([e0.id, e1.id]);
    expect(ids({ text: '上海' })).toEqual([e1.id]);
    expect(ids(undefined, 'uncertainty')).toEqual([e1.id, e2.id, e0.id, e3.id]);
    expect(ids({ status: 'unannotated' }, 'uncertainty')).toEqual([e1.id, e2.id, e3.id]);

    const stats = services.datasetStore.stats(datasetId);
    expect(stats).toMatchObject({ total: 4, done: 1, unannotated: 3, inProgress: 0 });
    expect(stats.labels).toEqual([
      { label: 'PER', spans: 1, modelSpans: 2 },
      { label: 'LOC', spans: 1, modelSpans: 1 },
      { label: 'ORG', spans: 0, modelSpans: 0 },
    ]);
  });
});

describe('durability', () => {
  it('keeps every acknowledged edit when the process is killed (SIGKILL) mid-run', async () => {
    const first = example(0);
    const second = example(1);
    services.close();
    // A child process applies edits and prints each acknowledgement; it is killed without any cleanup.
    const script = join(dir, 'editor.mts');
    const servicesModule = resolve(__dirname, '../services.ts');
    writeFileSync(
      script,
      `import { createServices } from ${JSON.stringify(servicesModule)};
const services = await createServices({ dataDir: ${JSON.stringify(dataDir)}, resourcesDir: null, host: 'serve' });
for (let i = 0; ; i++) {
  const exampleId = i % 2 === 0 ? ${second.id} : ${first.id};
  const view = services.annotations.setStatus({ exampleId, status: i % 3 === 0 ? 'done' : 'in-progress', author: 'kill' });
  if (i === 0) services.annotations.apply({ exampleId: ${second.id}, ops: [{ op: 'add', start: 3, end: 5, label: 'LOC' }], author: 'kill' });
  process.stdout.write('ack ' + exampleId + ' ' + view.revision + ' ' + view.status + '\\n');
  await new Promise((r) => setTimeout(r, 2));
}
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: resolve(__dirname, '../../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acks: { exampleId: number; revision: number; status: string }[] = [];
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((done, fail) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          const [, exampleId, revision, status] = line.split(' ');
          acks.push({ exampleId: Number(exampleId), revision: Number(revision), status });
          if (acks.length === 40) {
            child.kill('SIGKILL');
            done();
          }
        }
      });
      child.on('exit', (code) => {
        if (acks.length < 40) fail(new Error(`editor exited early (${code}): ${stderr}`));
      });
    });
    await new Promise((r) => child.once('close', r));
    expect(child.signalCode).toBe('SIGKILL');

    const raw = new DatabaseSync(join(dataDir, databaseFileName));
    expect(raw.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    raw.close();
    services = await createServices({ dataDir, resourcesDir: null, host: 'serve' });
    for (const exampleId of [first.id, second.id]) {
      const lastAck = acks.filter((a) => a.exampleId === exampleId).at(-1)!;
      const stored = services.datasetStore.getExample(exampleId);
      // Everything acknowledged is there (one more unacknowledged write may have landed too).
      expect(stored.revision).toBeGreaterThanOrEqual(lastAck.revision);
      if (stored.revision === lastAck.revision) expect(stored.status).toBe(lastAck.status);
    }
    expect(spansOf(services.datasetStore.getExample(second.id))).toEqual([[3, 5, 'LOC', 'annotator']]);
  }, 30_000);
});
