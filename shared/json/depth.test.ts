import { describe, expect, it } from 'vitest';
import { importDataset } from '../datasets/importDataset';
import { findExcessJsonNesting } from './depth';

describe('JSON nesting limit', () => {
  it('finds the first bracket over the limit, ignoring brackets inside strings', () => {
    expect(findExcessJsonNesting('[[[]]]', 3)).toBeNull();
    expect(findExcessJsonNesting('[[[[]]]]', 3)).toEqual({ offset: 3, line: 1, column: 4 });
    expect(findExcessJsonNesting('{"a": "[[[[[[\\"[[["}', 2)).toBeNull();
    expect(findExcessJsonNesting('{\n "a": [\n  [[1]]]}', 3)).toEqual({ offset: 13, line: 3, column: 4 });
  });

  it('a million-deep JSON dataset is refused with file:line:column, not "Maximum call stack size exceeded"', () => {
    const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    for (const text of [deep, `[{"sentence": "好", "label": ${deep}}]`, `[[${deep}]]`]) {
      expect(() => importDataset(new TextEncoder().encode(text), { file: 'deep.json' })).toThrow(
        /^deep\.json:1:\d+: expected JSON nested at most 1000 levels deep, found arrays or objects nested deeper than that\.$/,
      );
    }
  });
});
