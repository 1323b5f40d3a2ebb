import { describe, expect, it } from 'vitest';
import type { DatasetRecord } from '../../../../shared/ipc';
import { benchmarkGoldIds, trainingDatasetChoice } from './trainingDataset';

const dataset = (id: string, readOnly = false): DatasetRecord => ({
  id,
  name: id,
  task: 'ner',
  format: 'char-per-line',
  sourcePath: null,
  exampleCount: 10,
  builtin: readOnly,
  readOnly,
  addedAt: '2026-01-01T00:00:00.000Z',
});

describe('the Train view’s default dataset', () => {
  const gold = dataset('builtin-peoples-daily-heldout.txt', true);
  const evaluated = dataset('user-evaluated');
  const fresh = dataset('user-fresh');

  it('counts read-only gold sets and every stored benchmark run’s dataset as gold', () => {
    const ids = benchmarkGoldIds(
      [gold, evaluated, fresh],
      [{ datasetId: 'user-evaluated' }, { datasetId: null }],
    );
    expect([...ids].sort()).toEqual(['builtin-peoples-daily-heldout.txt', 'user-evaluated']);
  });

  it('never defaults to a benchmark’s gold, but keeps what the person picked', () => {
    const goldIds = benchmarkGoldIds([gold, evaluated, fresh], [{ datasetId: 'user-evaluated' }]);
    expect(trainingDatasetChoice([gold, evaluated, fresh], '', goldIds)?.id).toBe('user-fresh');
    expect(trainingDatasetChoice([gold, evaluated], '', goldIds)).toBeUndefined();
    expect(trainingDatasetChoice([gold, evaluated, fresh], gold.id, goldIds)?.id).toBe(gold.id);
    // A pick that no longer fits the task falls back to the non-gold default.
    expect(trainingDatasetChoice([gold, fresh], 'gone', goldIds)?.id).toBe('user-fresh');
  });
});
