import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING_SETTINGS, explainTrainingFailure } from './trainer';

describe('explainTrainingFailure', () => {
  const run = {
    settings: { ...DEFAULT_TRAINING_SETTINGS, batchSize: 8, gradientAccumulationSteps: 1 },
    maxLength: 256,
    afterward: 'Reload the window.',
  };

  it('says what an abort of the WASM heap means and what to change', () => {
    const abort = new Error('RuntimeError: Aborted(). Build with -sASSERTIONS for more info.');
    const explained = explainTrainingFailure(abort, 'wasm', run) as Error;
    expect(explained.message).toContain("WASM backend's 4 GiB memory (batch 8 × up to 256 tokens");
    expect(explained.message).toContain('raise gradient accumulation (now 1)');
    expect(explained.message).toMatch(/Reload the window\.$/);
    expect(explained.cause).toBe(abort);
  });

  it('passes other failures, and aborts on other backends, through as they are', () => {
    const abort = new Error('RuntimeError: Aborted()');
    expect(explainTrainingFailure(abort, 'webgpu', run)).toBe(abort);
    const other = new Error('labels has 3 values but the logits have 4 rows');
    expect(explainTrainingFailure(other, 'wasm', run)).toBe(other);
  });
});
