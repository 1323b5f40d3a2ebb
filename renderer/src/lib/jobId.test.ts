import { describe, expect, it } from 'vitest';
import { newJobId } from './jobId';

describe('newJobId', () => {
  it('names the kind of job and never repeats', () => {
    const ids = Array.from({ length: 100 }, () => newJobId('playground'));
    expect(ids.every((id) => id.startsWith('playground-'))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
