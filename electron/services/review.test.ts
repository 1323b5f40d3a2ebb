import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRequest } from '../../shared/ipc';
import { createHandlers } from '../ipc/handlers';
import type { Services } from './services';
import { openTestCorpus, type TestCorpus } from './testing/testCorpus';

let services: Services;
let datasetId: string;
let ids: number[];
let testCorpus: TestCorpus;

const corpus = ['张三在北京工作', '李四去上海', '王五和赵六在广州', '没有实体的句子'];

beforeEach(async () => {
  testCorpus = await openTestCorpus('nezha-review-', corpus);
  ({ services, datasetId, ids } = testCorpus);
});
afterEach(() => testCorpus.close());

const add: TestCorpus['add'] = (...args) => testCorpus.add(...args);

/** Alice and Bob annotate examples 0-2; Carol only example 3 (not compared with them). */
function annotateTwice() {
  add('alice', 0, [
    [0, 2, 'PER'],
    [3, 5, 'LOC'],
  ]);
  add('bob', 0, [
    [0, 2, 'PER'],
    [3, 5, 'PER'],
  ]);
  add('alice', 1, [
    [0, 2, 'PER'],
    [3, 5, 'LOC'],
  ]);
  add('bob', 1, [
    [0, 2, 'PER'],
    [3, 5, 'LOC'],
  ]);
  add('alice', 2, [[6, 8, 'LOC']]);
  add('bob', 2, [
    [0, 2, 'PER'],
    [6, 8, 'LOC'],
  ]);
  add('carol', 3, [[0, 2, 'PER']]);
}

describe('review of double annotation', () => {
  it('lets two authors annotate the same characters but refuses overlaps within one version', () => {
    add('alice', 0, [[0, 2, 'PER']]);
    expect(add('bob', 0, [[0, 3, 'PER']]).spans).toHaveLength(2);
    expect(() => add('alice', 0, [[1, 3, 'LOC']])).toThrow(/overlaps the annotator span/);
  });

  it('lists the authors and computes agreement over the examples both edited (hand-computed)', () => {
    annotateTwice();
    expect(services.review.authors(datasetId)).toEqual([
      { author: 'alice', spans: 5, examples: 3 },
      { author: 'bob', spans: 6, examples: 3 },
      { author: 'carol', spans: 1, examples: 1 },
    ]);
    const report = services.review.agreement({ datasetId, authorA: 'alice', authorB: 'bob' });
    expect(report.examples).toBe(3);
    expect(report.disagreeing).toBe(2);
    // Matches: 0:[0,2)PER, 1:[0,2)PER, 1:[3,5)LOC, 2:[6,8)LOC = 4 of A's 5 and B's 6.
    expect(report.overall).toMatchObject({ matched: 4, spansA: 5, spansB: 6 });
    expect(report.overall.f1).toBeCloseTo(8 / 11, 12);
    expect(report.perLabel.LOC).toMatchObject({ matched: 2, spansA: 3, spansB: 2 });
    // Characters 7 + 5 + 8 = 20; they differ on example 0 chars 3-4 (LOC/PER) and example 2 chars 0-1.
    expect(report.kappa.characters).toBe(20);
    expect(report.kappa.observed).toBeCloseTo(16 / 20, 12);
    // Marginals A: PER 4, LOC 6, O 10; B: PER 8, LOC 4, O 8 -> p_e = (32 + 24 + 80) / 400 = 0.34.
    expect(report.kappa.expected).toBeCloseTo(0.34, 12);
    expect(report.kappa.kappa).toBeCloseTo((0.8 - 0.34) / 0.66, 12);
    expect(() => services.review.agreement({ datasetId, authorA: 'bob', authorB: 'bob' })).toThrow(
      /two different annotators/,
    );
  });

  it('pages both versions side by side and filters to disagreements', () => {
    annotateTwice();
    const all = services.review.examples({
      datasetId,
      authorA: 'alice',
      authorB: 'bob',
      offset: 0,
      limit: 2,
    });
    expect(all.total).toBe(3);
    expect(all.items.map((i) => [i.index, i.agree])).toEqual([
      [0, false],
      [1, true],
    ]);
    expect(all.items[0]!.b.map((s) => [s.start, s.end, s.label])).toEqual([
      [0, 2, 'PER'],
      [3, 5, 'PER'],
    ]);
    const disagreements = services.review.examples({
      datasetId,
      authorA: 'alice',
      authorB: 'bob',
      offset: 1,
      limit: 10,
      onlyDisagreements: true,
    });
    expect(disagreements.total).toBe(2);
    expect(disagreements.items.map((i) => i.index)).toEqual([2]);
  });

  it('adjudicates one example into gold with history (undo restores the old gold)', () => {
    annotateTwice();
    const item = services.review.examples({
      datasetId,
      authorA: 'alice',
      authorB: 'bob',
      offset: 0,
      limit: 1,
    }).items[0]!;
    const view = services.review.adjudicate({
      exampleId: item.exampleId,
      author: 'judge',
      spans: [item.a[0]!, item.b[1]!].map(({ start, end, label }) => ({ start, end, label })),
      expectedRevision: item.revision,
    });
    const gold = view.spans.filter((s) => s.source === 'gold');
    expect(gold.map((s) => [s.start, s.end, s.label, s.author])).toEqual([
      [0, 2, 'PER', 'judge'],
      [3, 5, 'PER', 'judge'],
    ]);
    // Annotators' versions are untouched and agreement is unchanged by adjudication.
    expect(services.review.agreement({ datasetId, authorA: 'alice', authorB: 'bob' }).overall.matched).toBe(
      4,
    );
    const undone = services.annotations.undo(item.exampleId, 'judge');
    expect(undone.spans.filter((s) => s.source === 'gold')).toEqual([]);
    expect(() =>
      services.review.adjudicate({
        exampleId: item.exampleId,
        author: 'judge',
        spans: [
          { start: 0, end: 3, label: 'PER' },
          { start: 2, end: 4, label: 'LOC' },
        ],
      }),
    ).toThrow(/gold spans must not overlap/);
    expect(() =>
      services.review.adjudicate({
        exampleId: item.exampleId,
        author: 'judge',
        spans: [{ start: 0, end: 2, label: 'ORG' }],
      }),
    ).toThrow(/label "ORG" is not in the label set/);
  });

  it('accepts every agreeing span into gold, keeping earlier adjudications', () => {
    annotateTwice();
    services.review.adjudicate({
      exampleId: ids[2]!,
      author: 'judge',
      spans: [{ start: 5, end: 8, label: 'LOC' }],
    });
    const result = services.review.acceptAgreeing({
      datasetId,
      authorA: 'alice',
      authorB: 'bob',
      author: 'judge',
    });
    // Example 0: [0,2)PER; example 1: both; example 2: [6,8)LOC overlaps the adjudicated [5,8) -> skipped.
    expect(result).toEqual({ examples: 2, spans: 3, skipped: 1 });
    const gold = (index: number) =>
      services.annotations
        .get(ids[index]!)
        .spans.filter((s) => s.source === 'gold')
        .map((s) => [s.start, s.end, s.label]);
    expect(gold(0)).toEqual([[0, 2, 'PER']]);
    expect(gold(1)).toEqual([
      [0, 2, 'PER'],
      [3, 5, 'LOC'],
    ]);
    expect(gold(2)).toEqual([[5, 8, 'LOC']]);
    expect(gold(3)).toEqual([]);
    // Running it again adds nothing.
    expect(
      services.review.acceptAgreeing({ datasetId, authorA: 'alice', authorB: 'bob', author: 'judge' }),
    ).toEqual({
      examples: 0,
      spans: 0,
      skipped: 1,
    });
  });

  it('validates the author at the boundary and goes through the handlers', async () => {
    expect(() =>
      parseRequest('annotations.apply', {
        exampleId: 1,
        author: '  ',
        ops: [{ op: 'add', start: 0, end: 1, label: 'PER' }],
      }),
    ).toThrow(/author: the annotator name is empty/);
    expect(() => parseRequest('review.agreement', { datasetId, authorA: 'a\nb', authorB: 'c' })).toThrow(
      /authorA: the annotator name contains a control character/,
    );
    annotateTwice();
    const handlers = createHandlers(services);
    const report = await handlers['review.agreement'](
      parseRequest('review.agreement', { datasetId, authorA: ' alice ', authorB: 'bob' }),
    );
    expect(report.authorA).toBe('alice');
    expect(report.examples).toBe(3);
  });

  it('defaults the annotator name setting to a valid name and stores a new one', () => {
    expect(services.settings.get().annotatorName.length).toBeGreaterThan(0);
    expect(services.settings.update({ annotatorName: 'Zhang San' }).annotatorName).toBe('Zhang San');
    expect(() => services.settings.update({ annotatorName: '' })).toThrow(/annotatorName/);
  });
});
