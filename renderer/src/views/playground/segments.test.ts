import { describe, expect, it } from 'vitest';
import { segmentText, typeColorSlot } from './segments';

describe('segmentText', () => {
  it('covers the text in order with highlighted spans between plain runs', () => {
    const text = '哪吒出生在陈塘关，父亲李靖。';
    const spans = [
      { start: 11, end: 13, type: 'PER' },
      { start: 0, end: 2, type: 'PER' },
      { start: 5, end: 8, type: 'LOC' },
    ];
    const segments = segmentText(text, spans);
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(segments.map((s) => [s.text, s.span?.type ?? null])).toEqual([
      ['哪吒', 'PER'],
      ['出生在', null],
      ['陈塘关', 'LOC'],
      ['，父亲', null],
      ['李靖', 'PER'],
      ['。', null],
    ]);
  });

  it('keeps surrogate pairs whole, drops overlapping and empty spans, clips to the text', () => {
    const text = '😀李靖';
    const segments = segmentText(text, [
      { start: 2, end: 4 },
      { start: 3, end: 4 },
      { start: 1, end: 1 },
      { start: 3, end: 99 },
    ]);
    expect(segments.map((s) => [s.text, s.span !== null])).toEqual([
      ['😀', false],
      ['李靖', true],
    ]);
  });

  it('gives common entity types fixed colour slots and others a stable one', () => {
    expect([typeColorSlot('PER'), typeColorSlot('LOC'), typeColorSlot('org')]).toEqual([0, 1, 2]);
    expect(typeColorSlot('address')).toBe(typeColorSlot('address'));
    expect(typeColorSlot('address')).toBeLessThan(8);
  });
});
