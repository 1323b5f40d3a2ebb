import { expect, it } from 'vitest';
import type { ExampleView } from '../../../../shared/ipc';
import { datasetFits, recordsFromExamples } from './trainingData';

const example = (index: number, patch: Partial<ExampleView>): ExampleView => ({
  id: index + 1,
  datasetId: 'd',
  index,
  text: '',
  split: null,
  status: 'unannotated',
  revision: 0,
  updatedAt: null,
  spans: [],
  modelSpans: [],
  uncertainty: null,
  predictedBy: null,
  record: null,
  canUndo: false,
  canRedo: false,
  ...patch,
});

const span = (start: number, end: number, label: string) => ({
  id: start,
  start,
  end,
  label,
  source: 'gold' as const,
  author: null,
  score: null,
  checkpointId: null,
  createdAt: '',
});

it('builds NER records from the working spans (model suggestions left out) and MLM texts from any dataset', () => {
  const examples = [
    example(0, {
      text: '哪吒在陈塘关',
      spans: [span(0, 2, 'PER'), span(3, 6, 'LOC')],
      modelSpans: [span(2, 3, 'ORG')],
    }),
    example(1, { text: '  ' }),
  ];
  expect(recordsFromExamples('token-classification', 'pd', examples)).toEqual({
    task: 'token-classification',
    records: [
      {
        text: '哪吒在陈塘关',
        spans: [
          { start: 0, end: 2, label: 'PER' },
          { start: 3, end: 6, label: 'LOC' },
        ],
      },
      { text: '  ', spans: [] },
    ],
  });
  expect(recordsFromExamples('masked-lm', 'pd', examples)).toEqual({
    task: 'masked-lm',
    records: ['哪吒在陈塘关'],
  });
  expect(datasetFits('masked-lm', { task: 'qa' })).toBe(true);
  expect(datasetFits('token-classification', { task: 'classification' })).toBe(false);
});

it('reads classification records, numeric and comma-separated labels, and names a bad example', () => {
  const rows = [
    example(0, { record: { text: '好', label: '1.5' } }),
    example(1, { record: { text: '差', label: 'a, b' } }),
  ];
  expect(recordsFromExamples('text-classification', 'c', rows).records).toEqual([
    { text: '好', label: '1.5' },
    { text: '差', label: 'a, b' },
  ]);
  expect(recordsFromExamples('multi-label-classification', 'c', rows).records[1]).toEqual({
    text: '差',
    labels: ['a', 'b'],
  });
  expect(() => recordsFromExamples('regression', 'senti', rows)).toThrow(
    'senti, example 2: label "a, b" is not a number; regression needs numeric labels.',
  );
  expect(() => recordsFromExamples('pair-classification', 'senti', [example(0, {})])).toThrow(
    /senti, example 1: no imported pair record/,
  );
});
