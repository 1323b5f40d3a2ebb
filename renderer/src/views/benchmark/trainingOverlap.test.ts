import { describe, expect, it } from 'vitest';
import { trainingOverlap } from './trainingOverlap';

describe('a checkpoint evaluated on its own training data', () => {
  const dataset = { id: 'pd-dev', name: 'PD dev', sha256: 'a'.repeat(64) };

  it('is flagged by the same benchmark data hash (a copy of the data) or the same dataset id', () => {
    expect(
      trainingOverlap(
        {
          datasetId: 'other-copy',
          datasetName: 'PD dev (copy)',
          sha256: 'a'.repeat(64),
          source: 'training_record.json',
        },
        dataset,
      ),
    ).toMatch(/same records as “PD dev”.*aaaaaaaaaaaa…/);
    expect(
      trainingOverlap(
        { datasetId: 'pd-dev', datasetName: null, sha256: null, source: 'training run' },
        dataset,
      ),
    ).toMatch(/Trained on “PD dev” itself \(its training run names this dataset\)/);
  });

  it('is not flagged for other data or an unknown record', () => {
    expect(
      trainingOverlap(
        {
          datasetId: 'pd-train',
          datasetName: 'PD train',
          sha256: 'b'.repeat(64),
          source: 'training_record.json',
        },
        dataset,
      ),
    ).toBeNull();
    expect(trainingOverlap(null, dataset)).toBeNull();
    expect(trainingOverlap(undefined, { ...dataset, sha256: null })).toBeNull();
  });
});
