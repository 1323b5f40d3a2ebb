import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../services';
import { openTestCorpus, type TestCorpus } from '../testing/testCorpus';
import { teamAgreement } from './teamAgreement';

let services: Services;
let datasetId: string;
let ids: number[];
let testCorpus: TestCorpus;

beforeEach(async () => {
  testCorpus = await openTestCorpus('nezha-team-agreement-', ['张三在北京', '李四去上海']);
  ({ services, datasetId, ids } = testCorpus);
});
afterEach(() => testCorpus.close());

const add: TestCorpus['add'] = (...args) => testCorpus.add(...args);

describe('teamAgreement', () => {
  it('computes pairwise F1 / Cohen and Fleiss over three annotators as by hand', () => {
    // Example 0 "张三在北京" (5 chars): A and B: PER[0,2) LOC[3,5); C: PER[0,2) only.
    add('a', 0, [
      [0, 2, 'PER'],
      [3, 5, 'LOC'],
    ]);
    add('b', 0, [
      [0, 2, 'PER'],
      [3, 5, 'LOC'],
    ]);
    add('c', 0, [[0, 2, 'PER']]);
    // Example 1: only A (not compared with anyone).
    add('a', 1, [[0, 2, 'PER']]);
    services.review.adjudicate({
      exampleId: ids[0]!,
      spans: [{ start: 0, end: 2, label: 'PER' }],
      author: 'rev',
    });

    const report = teamAgreement(services.db, datasetId, 1);
    expect(report.annotators).toEqual(['a', 'b', 'c']);
    const pair = (x: string, y: string) => report.pairs.find((p) => p.authorA === x && p.authorB === y)!;
    expect(pair('a', 'b').overall.f1).toBe(1);
    expect(pair('a', 'b').kappa.kappa).toBe(1);
    // a vs c: matched 1, |a| 2, |c| 1 → F1 = 2/3.
    expect(pair('a', 'c').overall.f1).toBeCloseTo(2 / 3, 12);
    // Tags a: P P O L L; c: P P O O O. p_o = 3/5; marginals a {P2,O1,L2}, c {P2,O3}:
    // p_e = (2·2 + 1·3)/25 = 7/25; κ = (15/25 − 7/25)/(18/25) = 8/18.
    expect(pair('a', 'c').kappa.kappa).toBeCloseTo(8 / 18, 12);
    expect(pair('a', 'c').examples).toBe(1);
    // Fleiss over a, b, c on 5 chars: chars 0,1,2: unanimous (1); chars 3,4: L,L,O → (4+1−3)/6 = 1/3.
    // P̄ = (3 + 2/3)/5 = 11/15. Totals: P 6, O 3+2 = 5, L 4 of 15 → P̄_e = (36+25+16)/225 = 77/225.
    // κ = (165/225 − 77/225)/(148/225) = 88/148.
    expect(report.fleiss.characters).toBe(5);
    expect(report.fleiss.kappa).toBeCloseTo(88 / 148, 12);
    expect(report.decisions).toEqual([
      expect.objectContaining({
        exampleId: ids[0],
        index: 0,
        author: 'rev',
        op: 'adjudicate: gold PER [0, 2)',
      }),
    ]);
  });
});
