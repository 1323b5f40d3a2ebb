import { describe, expect, it } from 'vitest';
import { wordStops } from '../../lib/words/wordStops';
import { moveCaret, rangeFromUtf16, selectedRange, selectionFromChars, trimRange } from './selection';

const withPairs = '在😀北京𠀋'; // 😀 U+1F600 and 𠀋 U+2000B are two UTF-16 units each

describe('pointer selection', () => {
  it('covers both characters pointed at, in either direction', () => {
    expect(selectedRange(selectionFromChars(2, 4))).toEqual({ start: 2, end: 5 });
    expect(selectedRange(selectionFromChars(4, 2))).toEqual({ start: 2, end: 5 });
    expect(selectedRange(selectionFromChars(3, 3))).toEqual({ start: 3, end: 4 });
  });

  it('a caret is no selection', () => {
    expect(selectedRange({ anchor: 3, focus: 3 })).toBeNull();
    expect(selectedRange(null)).toBeNull();
  });
});

describe('DOM (UTF-16) ranges to code points', () => {
  it('converts offsets after a surrogate pair', () => {
    // 北京 is UTF-16 3..5 and code points 2..4.
    expect(rangeFromUtf16(withPairs, 3, 5)).toEqual({ start: 2, end: 4 });
    expect(rangeFromUtf16(withPairs, 5, 3)).toEqual({ start: 2, end: 4 });
  });

  it('never splits a surrogate pair: offsets inside one snap outward', () => {
    // UTF-16 2 is between the halves of 😀 (units 1-2).
    expect(rangeFromUtf16(withPairs, 0, 2)).toEqual({ start: 0, end: 2 });
    expect(rangeFromUtf16(withPairs, 2, 4)).toEqual({ start: 1, end: 3 });
    // The last character 𠀋 is units 5-6; cut in half it is still taken whole.
    expect(rangeFromUtf16(withPairs, 6, 6)).toEqual({ start: 4, end: 5 });
  });

  it('clamps to the text and returns null when nothing is selected', () => {
    expect(rangeFromUtf16(withPairs, -4, 99)).toEqual({ start: 0, end: 5 });
    expect(rangeFromUtf16(withPairs, 3, 3)).toBeNull();
  });

  it('trims whitespace at the ends only', () => {
    const text = 'Hi 北 京 ';
    expect(trimRange(text, { start: 2, end: 7 })).toEqual({ start: 3, end: 6 });
    expect(trimRange(text, { start: 2, end: 3 })).toBeNull();
  });
});

describe('keyboard caret', () => {
  const length = 5;

  it('moves and extends by whole characters within the text', () => {
    let selection = moveCaret(null, { type: 'right', extend: false }, length);
    expect(selection).toEqual({ anchor: 1, focus: 1 });
    selection = moveCaret(selection, { type: 'right', extend: true }, length);
    selection = moveCaret(selection, { type: 'right', extend: true }, length);
    expect(selectedRange(selection)).toEqual({ start: 1, end: 3 });
    selection = moveCaret(selection, { type: 'end', extend: true }, length);
    selection = moveCaret(selection, { type: 'right', extend: true }, length);
    expect(selectedRange(selection)).toEqual({ start: 1, end: 5 });
    selection = moveCaret({ anchor: 0, focus: 0 }, { type: 'left', extend: true }, length);
    expect(selection).toEqual({ anchor: 0, focus: 0 });
  });

  it('extends backwards past the anchor', () => {
    let selection = { anchor: 3, focus: 3 };
    selection = moveCaret(selection, { type: 'left', extend: true }, length);
    selection = moveCaret(selection, { type: 'left', extend: true }, length);
    expect(selectedRange(selection)).toEqual({ start: 1, end: 3 });
    selection = moveCaret(selection, { type: 'home', extend: true }, length);
    expect(selectedRange(selection)).toEqual({ start: 0, end: 3 });
  });

  it('collapses a selection to the side the arrow points to', () => {
    expect(moveCaret({ anchor: 1, focus: 4 }, { type: 'left', extend: false }, length)).toEqual({
      anchor: 1,
      focus: 1,
    });
    expect(moveCaret({ anchor: 4, focus: 1 }, { type: 'right', extend: false }, length)).toEqual({
      anchor: 4,
      focus: 4,
    });
    expect(selectedRange(moveCaret(null, { type: 'all' }, length))).toEqual({ start: 0, end: 5 });
  });
});

describe('keyboard caret by word', () => {
  // 李明|昨天|在|上海|参观|了|复旦大学|。 as jieba cuts it: stops after each word.
  const text = '李明昨天在上海参观了复旦大学。';
  const stops = wordStops(text, ['李明', '昨天', '在', '上海', '参观', '了', '复旦大学', '。']);
  const length = 15;

  it('jumps to the next / previous word boundary', () => {
    expect(stops).toEqual([0, 2, 4, 5, 7, 9, 10, 14, 15]);
    let selection = moveCaret({ anchor: 0, focus: 0 }, { type: 'word-right', extend: false }, length, stops);
    expect(selection).toEqual({ anchor: 2, focus: 2 });
    selection = moveCaret({ anchor: 3, focus: 3 }, { type: 'word-right', extend: false }, length, stops);
    expect(selection).toEqual({ anchor: 4, focus: 4 });
    selection = moveCaret({ anchor: 15, focus: 15 }, { type: 'word-left', extend: false }, length, stops);
    expect(selection).toEqual({ anchor: 14, focus: 14 });
    selection = moveCaret({ anchor: 12, focus: 12 }, { type: 'word-left', extend: false }, length, stops);
    expect(selection).toEqual({ anchor: 10, focus: 10 });
    // Clamped at both ends.
    expect(
      moveCaret({ anchor: 15, focus: 15 }, { type: 'word-right', extend: false }, length, stops),
    ).toEqual({
      anchor: 15,
      focus: 15,
    });
    expect(moveCaret(null, { type: 'word-left', extend: false }, length, stops)).toEqual({
      anchor: 0,
      focus: 0,
    });
  });

  it('Shift extends by whole words, in both directions', () => {
    let selection = moveCaret({ anchor: 14, focus: 14 }, { type: 'word-left', extend: true }, length, stops);
    expect(selectedRange(selection)).toEqual({ start: 10, end: 14 }); // 复旦大学
    selection = moveCaret(selection, { type: 'word-left', extend: true }, length, stops);
    expect(selectedRange(selection)).toEqual({ start: 9, end: 14 });
    selection = moveCaret({ anchor: 5, focus: 5 }, { type: 'word-right', extend: true }, length, stops);
    expect(selectedRange(selection)).toEqual({ start: 5, end: 7 }); // 上海
  });

  it('moves one character while the words are not known, or when they belong to another text', () => {
    expect(moveCaret({ anchor: 0, focus: 0 }, { type: 'word-right', extend: false }, length)).toEqual({
      anchor: 1,
      focus: 1,
    });
    expect(moveCaret({ anchor: 4, focus: 4 }, { type: 'word-left', extend: true }, length, null)).toEqual({
      anchor: 4,
      focus: 3,
    });
    const stale = [0, 3, 9];
    expect(moveCaret({ anchor: 0, focus: 0 }, { type: 'word-right', extend: false }, length, stale)).toEqual({
      anchor: 1,
      focus: 1,
    });
  });
});
