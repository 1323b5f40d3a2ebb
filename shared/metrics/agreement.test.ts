import { describe, expect, it } from 'vitest';
import { AgreementAccumulator, agreeingSpans, characterTags, computeAgreement } from './agreement';

describe('span agreement (exact match)', () => {
  // A: PER [0,2), LOC [3,5). B: PER [0,2), LOC [3,6), ORG [7,8). Only PER matches.
  const a = [
    { start: 0, end: 2, label: 'PER' },
    { start: 3, end: 5, label: 'LOC' },
  ];
  const b = [
    { start: 0, end: 2, label: 'PER' },
    { start: 3, end: 6, label: 'LOC' },
    { start: 7, end: 8, label: 'ORG' },
  ];
  const report = computeAgreement([{ length: 10, a, b }]);

  it('scores A against B as the reference, overall and per label (hand-computed)', () => {
    expect(report.overall).toMatchObject({ matched: 1, spansA: 2, spansB: 3, precision: 0.5 });
    expect(report.overall.recall).toBeCloseTo(1 / 3, 12);
    expect(report.overall.f1).toBeCloseTo(0.4, 12);
    expect(report.perLabel.PER).toEqual({ matched: 1, spansA: 1, spansB: 1, precision: 1, recall: 1, f1: 1 });
    expect(report.perLabel.LOC).toEqual({ matched: 0, spansA: 1, spansB: 1, precision: 0, recall: 0, f1: 0 });
    expect(report.perLabel.ORG).toEqual({ matched: 0, spansA: 0, spansB: 1, precision: 0, recall: 0, f1: 0 });
    expect(Object.keys(report.perLabel)).toEqual(['LOC', 'ORG', 'PER']);
  });

  it("computes Cohen's kappa on character tags from the marginals (hand-computed)", () => {
    // Tags A: PER PER O LOC LOC O O O O O; B: PER PER O LOC LOC LOC O ORG O O -> 8 of 10 agree.
    // p_e = (2*2 [PER] + 2*3 [LOC] + 6*4 [O] + 0*1 [ORG]) / 100 = 0.34; kappa = 0.46 / 0.66.
    expect(report.kappa.characters).toBe(10);
    expect(report.kappa.observed).toBeCloseTo(0.8, 12);
    expect(report.kappa.expected).toBeCloseTo(0.34, 12);
    expect(report.kappa.kappa).toBeCloseTo(0.46 / 0.66, 12);
    expect(report.kappa.marginals).toEqual({
      LOC: { a: 2, b: 3 },
      O: { a: 6, b: 4 },
      ORG: { a: 0, b: 1 },
      PER: { a: 2, b: 2 },
    });
  });

  it('is symmetric in F1 and kappa, swapping precision and recall', () => {
    const swapped = computeAgreement([{ length: 10, a: b, b: a }]);
    expect(swapped.overall.f1).toBeCloseTo(report.overall.f1, 12);
    expect(swapped.overall.precision).toBeCloseTo(report.overall.recall, 12);
    expect(swapped.kappa.kappa).toBeCloseTo(report.kappa.kappa!, 12);
  });

  it('lists the spans both annotators agree on', () => {
    expect(agreeingSpans(a, b)).toEqual([{ start: 0, end: 2, label: 'PER' }]);
  });
});

describe("Cohen's kappa", () => {
  it('matches the textbook example (Wikipedia: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> 0.4)', () => {
    // 50 characters, one per rated item; a 'Y' span on a character is a "yes".
    const yesA: number[] = [];
    const yesB: number[] = [];
    for (let i = 0; i < 50; i++) {
      if (i < 20) {
        yesA.push(i);
        yesB.push(i);
      } else if (i < 25) yesA.push(i);
      else if (i < 35) yesB.push(i);
    }
    const spans = (xs: number[]) => xs.map((i) => ({ start: i, end: i + 1, label: 'Y' }));
    // Split over two examples to check that accumulation is per character across examples.
    const acc = new AgreementAccumulator();
    acc.add(30, spans(yesA.filter((i) => i < 30)), spans(yesB.filter((i) => i < 30)));
    acc.add(
      20,
      spans(yesA.filter((i) => i >= 30).map((i) => i - 30)),
      spans(yesB.filter((i) => i >= 30).map((i) => i - 30)),
    );
    const { kappa, examples } = acc.report();
    expect(examples).toBe(2);
    expect(kappa.observed).toBeCloseTo(0.7, 12);
    expect(kappa.expected).toBeCloseTo(0.5, 12);
    expect(kappa.kappa).toBeCloseTo(0.4, 12);
  });

  it('is 1 for identical annotations and null when chance agreement is certain', () => {
    const same = [{ start: 1, end: 3, label: 'LOC' }];
    expect(computeAgreement([{ length: 5, a: same, b: same }]).kappa.kappa).toBeCloseTo(1, 12);
    const empty = computeAgreement([{ length: 5, a: [], b: [] }]);
    expect(empty.kappa.kappa).toBeNull();
    expect(empty.kappa.observed).toBe(1);
    expect(empty.overall.f1).toBe(1);
  });

  it('refuses a span outside its example, naming the annotator and the span', () => {
    expect(() => new AgreementAccumulator().add(3, [], [{ start: 2, end: 4, label: 'PER' }])).toThrow(
      /annotator B's span PER \[2, 4\) lies outside the example \(0\.\.3\)/,
    );
  });

  it('tags characters with the covering label or O', () => {
    expect(characterTags(4, [{ start: 1, end: 3, label: 'ORG' }])).toEqual(['O', 'ORG', 'ORG', 'O']);
  });
});
