import { describe, expect, it } from 'vitest';
import type { CheckpointRecord, DatasetRecord } from '../../../../shared/ipc';
import { firstStartExample } from './firstStartExample';

function checkpoint(id: string, patch: Partial<CheckpointRecord>): CheckpointRecord {
  return {
    id,
    name: id,
    path: `/lib/${id}`,
    architecture: 'NezhaForTokenClassification',
    modelType: 'nezha',
    format: 'safetensors',
    files: ['config.json', 'model.safetensors', 'vocab.txt', 'training_record.json'],
    hiddenSize: 128,
    numLayers: 4,
    numLabels: 7,
    labels: null,
    sizeBytes: 1,
    builtin: true,
    addedAt: '2026-01-01T00:00:00.000Z',
    ...patch,
  };
}

function dataset(id: string, patch: Partial<DatasetRecord>): DatasetRecord {
  return {
    id,
    name: id,
    task: 'ner',
    format: 'char-per-line',
    sourcePath: null,
    exampleCount: 10,
    builtin: true,
    readOnly: true,
    addedAt: '2026-01-01T00:00:00.000Z',
    ...patch,
  };
}

describe('firstStartExample', () => {
  it('offers the builtin trained models with a benchmark head against the builtin gold sets', () => {
    const example = firstStartExample({
      checkpoints: [
        checkpoint('ner', {}),
        checkpoint('sentiment', { architecture: 'NezhaForSequenceClassification' }),
        // No benchmark runs a masked-LM head.
        checkpoint('mlm', { architecture: 'NezhaForMaskedLM' }),
        // Random weights: shipped without a training record.
        checkpoint('tiny', { files: ['config.json', 'model.safetensors', 'vocab.txt'] }),
        checkpoint('mine', { builtin: false }),
      ],
      datasets: [
        dataset('gold', {}),
        dataset('senti', { task: 'classification', format: 'tsv-classification' }),
        // The text-only sample people annotate, and a person's own import.
        dataset('sample', { readOnly: false }),
        dataset('imported', { builtin: false, readOnly: false }),
      ],
    });
    expect(example).toEqual({
      selectedCheckpoints: ['ner', 'sentiment'],
      selectedDatasets: ['gold', 'senti'],
    });
  });
});
