import { describe, expect, it } from 'vitest';
import { resolveTheme } from './settings';

describe('resolveTheme', () => {
  it('follows the system only when the setting says so', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
});
