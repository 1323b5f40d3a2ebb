import { describe, expect, it } from 'vitest';
import { defaultRoute, formatHash, parseHash } from './router';

describe('hash routes', () => {
  it('parses views and decoded params', () => {
    expect(parseHash('#/datasets')).toEqual({ view: 'datasets', params: [] });
    expect(parseHash('#/checkpoints/builtin%2Fnezha%20tiny')).toEqual({
      view: 'checkpoints',
      params: ['builtin/nezha tiny'],
    });
  });
  it('treats an empty hash as the default view', () => {
    expect(parseHash('')).toEqual(defaultRoute);
    expect(parseHash('#/')).toEqual(defaultRoute);
  });
  it('rejects unknown views and broken escapes', () => {
    expect(parseHash('#/settings')).toBeNull();
    expect(parseHash('#/checkpoints/%E0%A4%A')).toBeNull();
  });
  it('round-trips through formatHash', () => {
    const route = { view: 'checkpoints' as const, params: ['a/b c', '中文'] };
    expect(parseHash(formatHash(route))).toEqual(route);
    expect(formatHash({ view: 'playground', params: [] })).toBe('#/playground');
  });
});
