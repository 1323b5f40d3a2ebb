import { describe, expect, it } from 'vitest';
import {
  autoLearningRate,
  DEFAULT_UPDATE_OPTIONS,
  heldOutFraction,
  nerRecord,
  scoreHeldOut,
  splitDoneExamples,
  splitPosition,
  updateRunId,
  updateTrainingSettings,
  versionName,
} from './modelUpdate';

const examples = (ids: number[]) => ids.map((id) => ({ id }));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('the held-out slice of the done examples', () => {
  it('is about 20%, the same for the same examples, and independent of their order', () => {
    const done = examples(range(1, 501));
    const { train, heldOut } = splitDoneExamples(done);
    expect(train.length + heldOut.length).toBe(500);
    expect(heldOut.length / 500).toBeGreaterThan(heldOutFraction - 0.05);
    expect(heldOut.length / 500).toBeLessThan(heldOutFraction + 0.05);
    expect(new Set([...train, ...heldOut].map((e) => e.id)).size).toBe(500);
    const again = splitDoneExamples([...done].reverse());
    expect(again.heldOut.map((e) => e.id).sort((a, b) => a - b)).toEqual(heldOut.map((e) => e.id));
  });

  it('keeps an example held out as more examples are done: no later version trains on an earlier slice', () => {
    const first = splitDoneExamples(examples(range(1, 101)));
    const later = splitDoneExamples(examples(range(1, 301)));
    const laterHeld = new Set(later.heldOut.map((e) => e.id));
    for (const e of first.heldOut) expect(laterHeld.has(e.id), `example ${e.id}`).toBe(true);
    const laterTrain = new Set(later.train.map((e) => e.id));
    for (const e of first.train) expect(laterTrain.has(e.id), `example ${e.id}`).toBe(true);
  });

  it('holds out at least one and trains on at least one; refuses fewer than 2 examples', () => {
    for (const ids of [
      [1, 2],
      [7, 8, 9],
      [100, 200],
    ]) {
      const { train, heldOut } = splitDoneExamples(examples(ids));
      expect(train.length).toBeGreaterThanOrEqual(1);
      expect(heldOut.length).toBeGreaterThanOrEqual(1);
    }
    // Both below the threshold: one still goes to training.
    const low = range(1, 5000)
      .filter((id) => splitPosition(id) < heldOutFraction)
      .slice(0, 3);
    expect(splitDoneExamples(examples(low))).toMatchObject({ train: [expect.anything()] });
    expect(() => splitDoneExamples(examples([1]))).toThrow(/at least 2 done examples .* 1 is done/);
    expect(() => splitDoneExamples([])).toThrow(/0 are done/);
  });

  it('positions are spread over [0, 1) and depend on the seed', () => {
    const positions = range(1, 2001).map((id) => splitPosition(id));
    expect(Math.min(...positions)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...positions)).toBeLessThan(1);
    const mean = positions.reduce((a, b) => a + b, 0) / positions.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.03);
    expect(splitPosition(42, 1)).not.toBe(splitPosition(42, 2));
  });
});

describe('scoring a held-out slice', () => {
  const gold = [
    [
      { start: 0, end: 2, label: 'LOC' },
      { start: 5, end: 8, label: 'PER' },
    ],
    [{ start: 1, end: 3, label: 'ORG' }],
    [],
  ];

  it('counts exact spans with their label: micro precision, recall and F1 with an interval', () => {
    const predicted = [
      [
        { start: 0, end: 2, label: 'LOC' }, // right
        { start: 5, end: 7, label: 'PER' }, // cut short: wrong
      ],
      [{ start: 1, end: 3, label: 'LOC' }], // wrong label
      [{ start: 0, end: 1, label: 'PER' }], // spurious
    ];
    const score = scoreHeldOut(gold, predicted);
    expect(score.precision).toBeCloseTo(1 / 4);
    expect(score.recall).toBeCloseTo(1 / 3);
    expect(score.f1).toBeCloseTo((2 * (1 / 4) * (1 / 3)) / (1 / 4 + 1 / 3));
    expect(score.examples).toBe(3);
    expect(score.goldEntities).toBe(3);
    expect(score.ci[0]).toBeLessThanOrEqual(score.f1);
    expect(score.ci[1]).toBeGreaterThanOrEqual(score.f1);
  });

  it('is 1 for perfect predictions and 0 for none; refuses unpaired lists', () => {
    // The interval's low end can be 0: a resample of only the sentence without entities scores 0 (seqeval).
    expect(scoreHeldOut(gold, gold)).toMatchObject({
      f1: 1,
      precision: 1,
      recall: 1,
      ci: [expect.any(Number), 1],
    });
    expect(scoreHeldOut(gold.slice(0, 2), gold.slice(0, 2)).ci).toEqual([1, 1]);
    expect(scoreHeldOut(gold, [[], [], []])).toMatchObject({ f1: 0, recall: 0 });
    expect(() => scoreHeldOut(gold, [[]])).toThrow(/3 examples, 1 predictions/);
  });
});

describe('what an update makes', () => {
  it('names the version after its base, the dataset and the examples trained on', () => {
    expect(versionName('NEZHA demo NER', 2, 'Sample', 40)).toBe('NEZHA demo NER · v2 (Sample, 40 done)');
    const long = versionName('基'.repeat(300), 1, '集'.repeat(300), 5);
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long).toMatch(/… · v1 \(集+…, 5 done\)$/);
  });

  it('trains without a dev split or a best-checkpoint pick, with the options given', () => {
    const settings = updateTrainingSettings(
      { ...DEFAULT_UPDATE_OPTIONS, maxSteps: 7, learningRate: 2e-4 },
      768,
    );
    expect(settings).toMatchObject({
      task: 'token-classification',
      maxSteps: 7,
      learningRate: 2e-4,
      batchSize: DEFAULT_UPDATE_OPTIONS.batchSize,
      evalEverySteps: 0,
      earlyStoppingPatience: 0,
      loadBestModelAtEnd: false,
    });
  });

  it('picks the learning rate by model size unless one is set', () => {
    expect(updateTrainingSettings(DEFAULT_UPDATE_OPTIONS, 768).learningRate).toBe(5e-5);
    expect(updateTrainingSettings(DEFAULT_UPDATE_OPTIONS, 64).learningRate).toBe(3e-4);
    expect(autoLearningRate(512)).toBe(5e-5);
  });

  it('reads the annotator spans of an example as the trainer record', () => {
    expect(
      nerRecord({
        text: '在北京',
        spans: [
          {
            id: 1,
            start: 1,
            end: 3,
            label: 'LOC',
            source: 'annotator',
            author: 'a',
            score: null,
            checkpointId: null,
            createdAt: '',
          },
        ],
      }),
    ).toEqual({ text: '在北京', spans: [{ start: 1, end: 3, label: 'LOC' }] });
  });

  it('makes run ids the run store accepts', () => {
    expect(updateRunId(1_700_000_000_000, 0.5)).toMatch(/^update-[a-z0-9]+-[a-z0-9]{6}$/);
    expect(updateRunId(1, 0)).not.toBe(updateRunId(1, 0.9));
  });
});
