import { describe, expect, it } from 'vitest';
import {
  codePointLength,
  codePointToUtf16,
  OffsetMap,
  spansFromUtf16,
  spansToUtf16,
  spanText,
  utf16ToCodePoint,
} from './index';

// "😀" and "𠮷" are outside the BMP: one code point, two UTF-16 units each.
const text = '我在😀北京看到𠮷野家';

describe('code point ↔ UTF-16 offsets', () => {
  it('counts code points', () => {
    expect(text.length).toBe(12);
    expect(codePointLength(text)).toBe(10);
    expect(codePointLength('abc')).toBe(3);
  });

  it('converts both ways around non-BMP chars', () => {
    // 北 is code point 3, UTF-16 offset 4.
    expect(codePointToUtf16(text, 3)).toBe(4);
    expect(utf16ToCodePoint(text, 4)).toBe(3);
    expect(codePointToUtf16(text, 10)).toBe(12);
    const map = new OffsetMap(text);
    for (let cp = 0; cp <= 10; cp++) expect(map.toCodePoint(map.toUtf16(cp))).toBe(cp);
    expect(map.slice(7, 10)).toBe('𠮷野家');
  });

  it('refuses an offset inside a surrogate pair or outside the text', () => {
    expect(() => utf16ToCodePoint(text, 3)).toThrow('UTF-16 offset 3 splits a surrogate pair (code point 2)');
    expect(() => codePointToUtf16(text, 11)).toThrow('code point offset 11 is outside the text (0..10)');
  });

  it('converts spans for display and back', () => {
    const spans = [
      { start: 3, end: 5, label: 'LOC' },
      { start: 7, end: 10, label: 'ORG' },
    ];
    const utf16 = spansToUtf16(text, spans);
    expect(utf16).toEqual([
      { start: 4, end: 6, label: 'LOC' },
      { start: 8, end: 12, label: 'ORG' },
    ]);
    expect(text.slice(utf16[1].start, utf16[1].end)).toBe('𠮷野家');
    expect(spansFromUtf16(text, utf16)).toEqual(spans);
    expect(spanText(text, spans[0])).toBe('北京');
  });
});
