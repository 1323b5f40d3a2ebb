import { describe, expect, it } from 'vitest';
import type { NerExample } from '../../shared/datasets/types';
import { clueNerAsPeoplesDaily, splitLongSentence, splitSource } from './corpora';

/*
 * The training corpora of the builtin models: long MSRA paragraphs are cut into sentences without cutting an
 * entity, CLUENER is mapped to People's Daily's types only where the mapping is exact, and every source's
 * held-out slice is disjoint from what trains.
 */

describe('splitLongSentence', () => {
  const text = '张三去北京。李四在上海工作；王五没去。';
  const example: NerExample = {
    text,
    spans: [
      { start: 0, end: 2, label: 'PER' },
      { start: 3, end: 5, label: 'LOC' },
      { start: 6, end: 8, label: 'PER' },
      { start: 9, end: 11, label: 'LOC' },
      { start: 14, end: 16, label: 'PER' },
    ],
  };

  it('keeps a sentence that fits as it is', () => {
    expect(splitLongSentence(example, text.length)).toEqual([example]);
  });

  it('cuts after sentence-final marks into pieces that fit, with the spans moved into each piece', () => {
    const pieces = splitLongSentence(example, 8);
    expect(pieces.map((p) => p.text)).toEqual(['张三去北京。', '李四在上海工作；', '王五没去。']);
    expect(pieces.map((p) => p.text).join('')).toBe(text);
    for (const piece of pieces)
      for (const span of piece.spans) expect(span.end).toBeLessThanOrEqual(piece.text.length);
    expect(pieces[1].spans).toEqual([
      { start: 0, end: 2, label: 'PER' },
      { start: 3, end: 5, label: 'LOC' },
    ]);
    expect(pieces.flatMap((p) => p.spans)).toHaveLength(example.spans.length);
  });

  it('never cuts inside an entity, even after a mark', () => {
    const inside: NerExample = { text: '甲。乙丙。丁戊', spans: [{ start: 0, end: 4, label: 'ORG' }] };
    const pieces = splitLongSentence(inside, 3);
    expect(pieces[0].text).toBe('甲。乙丙。');
    expect(pieces[0].spans).toEqual([{ start: 0, end: 4, label: 'ORG' }]);
  });
});

describe('clueNerAsPeoplesDaily', () => {
  it('maps name/address/organisation types, drops job titles, and leaves out sentences with other types', () => {
    const mapped = clueNerAsPeoplesDaily([
      {
        text: '彭小军认为台湾的银行',
        spans: [
          { start: 0, end: 3, label: 'name' },
          { start: 5, end: 7, label: 'address' },
        ],
      },
      {
        text: '国务院总理到曼联',
        spans: [
          { start: 0, end: 3, label: 'government' },
          { start: 3, end: 5, label: 'position' },
          { start: 6, end: 8, label: 'organization' },
        ],
      },
      { text: '去故宫看《英雄》', spans: [{ start: 1, end: 3, label: 'scene' }] },
    ]);
    expect(mapped).toEqual([
      {
        text: '彭小军认为台湾的银行',
        spans: [
          { start: 0, end: 3, label: 'PER' },
          { start: 5, end: 7, label: 'LOC' },
        ],
      },
      {
        text: '国务院总理到曼联',
        spans: [
          { start: 0, end: 3, label: 'ORG' },
          { start: 6, end: 8, label: 'ORG' },
        ],
      },
    ]);
  });
});

describe('splitSource', () => {
  it('splits held-out, dev and train disjointly and reproducibly', () => {
    const records = Array.from({ length: 200 }, (_, i) => i);
    const a = splitSource('n', 'f', records, 0.1, 7);
    expect(a.heldOut).toHaveLength(20);
    expect(new Set([...a.train, ...a.dev, ...a.heldOut]).size).toBe(200);
    expect(splitSource('n', 'f', records, 0.1, 7)).toEqual(a);
  });
});
