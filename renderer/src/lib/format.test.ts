import { describe, expect, it } from 'vitest';
import { describeArchitecture, formatBytes } from './format';

describe('formatBytes', () => {
  it('uses binary units with one decimal below 10', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(2_781_472)).toBe('2.7 MB');
    expect(formatBytes(409 * 1024 * 1024)).toBe('409 MB');
    expect(formatBytes(-1)).toBe('—');
  });
});

describe('describeArchitecture', () => {
  it('names the head in words', () => {
    expect(describeArchitecture('NezhaForTokenClassification')).toBe('Token classification');
    expect(describeArchitecture('NeZhaForMaskedLM')).toBe('Masked LM');
    expect(describeArchitecture('NezhaModel')).toBe('Encoder');
    expect(describeArchitecture(null)).toMatch(/Encoder only/);
  });
});
