import { describe, expect, it } from 'vitest';
import { FleissAccumulator } from './fleissKappa';

describe('FleissAccumulator', () => {
  it('matches a hand-computed kappa for three annotators on one example', () => {
    // Text of 4 characters. A: PER [0,2); B: PER [0,2); C: PER [0,1).
    // Character tags: c0 PER,PER,PER; c1 PER,PER,O; c2 O,O,O; c3 O,O,O.
    // P_i: c0 (9-3)/6 = 1; c1 (4+1-3)/6 = 1/3; c2 1; c3 1 → P̄ = (3 + 1/3)/4 = 10/12.
    // p_PER = 5/12, p_O = 7/12 → P̄_e = (25 + 49)/144 = 74/144.
    // κ = (10/12 − 74/144) / (1 − 74/144) = (120 − 74)/(144 − 74) = 46/70.
    const acc = new FleissAccumulator();
    acc.add(4, [
      [{ start: 0, end: 2, label: 'PER' }],
      [{ start: 0, end: 2, label: 'PER' }],
      [{ start: 0, end: 1, label: 'PER' }],
    ]);
    const report = acc.report();
    expect(report.characters).toBe(4);
    expect(report.observed).toBeCloseTo(10 / 12, 12);
    expect(report.expected).toBeCloseTo(74 / 144, 12);
    expect(report.kappa).toBeCloseTo(46 / 70, 12);
  });

  it('equals Cohen-style perfect agreement (1) and skips examples with one annotator', () => {
    const acc = new FleissAccumulator();
    acc.add(3, [[{ start: 0, end: 1, label: 'LOC' }]]);
    acc.add(3, [[{ start: 0, end: 1, label: 'LOC' }], [{ start: 0, end: 1, label: 'LOC' }]]);
    const report = acc.report();
    expect(report.examples).toBe(1);
    expect(report.kappa).toBe(1);
  });

  it('reports null when everyone chose one category everywhere, or nothing was rated twice', () => {
    const acc = new FleissAccumulator();
    expect(acc.report().kappa).toBeNull();
    acc.add(2, [[], [], []]);
    expect(acc.report().kappa).toBeNull();
  });

  it('handles items with different rater counts', () => {
    // Example 1: 2 annotators disagree on c0 (PER vs O) → P=0; c1 both O → 1.
    // Example 2: 3 annotators all O on one char → 1.
    // P̄ = 2/3. Ratings: PER 1, O 2+1+... = c0:1 O, c1: 2 O, ex2: 3 O → O=6, PER=1, total 7.
    // P̄_e = (1 + 36)/49 = 37/49; κ = (2/3 − 37/49)/(1 − 37/49) = (98 − 111)/(147 − 111) = −13/36.
    const acc = new FleissAccumulator();
    acc.add(2, [[{ start: 0, end: 1, label: 'PER' }], []]);
    acc.add(1, [[], [], []]);
    expect(acc.report().kappa).toBeCloseTo(-13 / 36, 12);
  });
});
