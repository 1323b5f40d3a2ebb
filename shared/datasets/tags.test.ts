import { describe, expect, it } from 'vitest';
import { detectTagScheme, parseTag, sortSpans, spansToTags, tagsToSpans, type InvalidTag } from './index';
import type { EntitySpan, TagScheme } from './index';

const split = (s: string) => s.split(' ');

describe('tagsToSpans', () => {
  it('BIO: entities, adjacent same-type entities, entity at the end', () => {
    expect(tagsToSpans(split('B-PER I-PER O B-LOC B-LOC I-LOC'), 'BIO')).toEqual([
      { start: 0, end: 2, label: 'PER' },
      { start: 3, end: 4, label: 'LOC' },
      { start: 4, end: 6, label: 'LOC' },
    ]);
  });

  it('BIO: I- without B- starts a new entity (conlleval/seqeval) and is reported', () => {
    const invalid: InvalidTag[] = [];
    const spans = tagsToSpans(split('I-PER I-PER O I-LOC B-ORG I-LOC'), 'BIO', (x) => invalid.push(x));
    expect(spans).toEqual([
      { start: 0, end: 2, label: 'PER' },
      { start: 3, end: 4, label: 'LOC' },
      { start: 4, end: 5, label: 'ORG' },
      { start: 5, end: 6, label: 'LOC' },
    ]);
    expect(invalid.map((x) => x.index)).toEqual([0, 3, 5]);
    expect(invalid[0].reason).toBe('I-PER does not follow B-PER or I-PER');
  });

  it('IOB1: B- only separates adjacent entities of the same type', () => {
    const invalid: InvalidTag[] = [];
    expect(tagsToSpans(split('I-PER I-PER B-PER O I-LOC'), 'IOB1', (x) => invalid.push(x))).toEqual([
      { start: 0, end: 2, label: 'PER' },
      { start: 2, end: 3, label: 'PER' },
      { start: 4, end: 5, label: 'LOC' },
    ]);
    expect(invalid).toEqual([]);
  });

  it('BIOES and BMES: singletons and closed entities; unclosed entities are reported', () => {
    expect(tagsToSpans(split('S-PER B-LOC I-LOC E-LOC O S-ORG'), 'BIOES')).toEqual([
      { start: 0, end: 1, label: 'PER' },
      { start: 1, end: 4, label: 'LOC' },
      { start: 5, end: 6, label: 'ORG' },
    ]);
    expect(tagsToSpans(split('B-NR M-NR E-NR S-NS'), 'BMES')).toEqual([
      { start: 0, end: 3, label: 'NR' },
      { start: 3, end: 4, label: 'NS' },
    ]);
    const invalid: InvalidTag[] = [];
    // E- after E- starts a new chunk; B- followed by O never closes.
    expect(tagsToSpans(split('B-PER E-PER E-PER B-LOC O'), 'BIOES', (x) => invalid.push(x))).toEqual([
      { start: 0, end: 2, label: 'PER' },
      { start: 2, end: 3, label: 'PER' },
      { start: 3, end: 4, label: 'LOC' },
    ]);
    expect(invalid.map((x) => x.index)).toEqual([2, 3]);
    // S- always ends its entity: a following I-/E- of the same type starts a new one.
    const afterSingle: InvalidTag[] = [];
    expect(tagsToSpans(split('S-PER I-PER E-PER S-LOC E-LOC'), 'BIOES', (x) => afterSingle.push(x))).toEqual([
      { start: 0, end: 1, label: 'PER' },
      { start: 1, end: 3, label: 'PER' },
      { start: 3, end: 4, label: 'LOC' },
      { start: 4, end: 5, label: 'LOC' },
    ]);
    expect(afterSingle.map((x) => x.index)).toEqual([1, 4]);
  });

  it('a tag of another scheme is reported, and a malformed tag throws with its position', () => {
    const invalid: InvalidTag[] = [];
    tagsToSpans(split('S-PER O'), 'BIO', (x) => invalid.push(x));
    expect(invalid[0].reason).toBe('"S-" is not a BIO prefix');
    expect(() => tagsToSpans(split('O PER'), 'BIO')).toThrow('tag #2 "PER" is not a BIO tag');
  });

  it('parseTag reads prefixes and types with dashes', () => {
    expect(parseTag('B-creative-work')).toEqual({ prefix: 'B', type: 'creative-work' });
    expect(parseTag('M-ORG')).toEqual({ prefix: 'I', type: 'ORG' });
    expect(parseTag('O')).toEqual({ prefix: 'O', type: '' });
    expect(parseTag('B_PER')).toBeNull();
    expect(parseTag('X-PER')).toBeNull();
  });
});

describe('spansToTags', () => {
  const spans: EntitySpan[] = [
    { start: 0, end: 1, label: 'PER' },
    { start: 1, end: 4, label: 'PER' },
    { start: 5, end: 7, label: 'LOC' },
  ];

  it('encodes each scheme', () => {
    expect(spansToTags(spans, 8, 'BIO').join(' ')).toBe('B-PER B-PER I-PER I-PER O B-LOC I-LOC O');
    expect(spansToTags(spans, 8, 'IOB1').join(' ')).toBe('I-PER B-PER I-PER I-PER O I-LOC I-LOC O');
    expect(spansToTags(spans, 8, 'BIOES').join(' ')).toBe('S-PER B-PER I-PER E-PER O B-LOC E-LOC O');
    expect(spansToTags(spans, 8, 'BMES').join(' ')).toBe('S-PER B-PER M-PER E-PER O B-LOC E-LOC O');
    expect(spansToTags(spans, 8, 'BIOS').join(' ')).toBe('S-PER B-PER I-PER I-PER O B-LOC I-LOC O');
    expect(spansToTags([spans[2]], 8, 'IO').join(' ')).toBe('O O O O O I-LOC I-LOC O');
  });

  it('refuses what tags cannot hold: overlaps, out-of-range, empty spans, adjacent IO entities', () => {
    expect(() =>
      spansToTags(
        [
          { start: 0, end: 3, label: 'A' },
          { start: 2, end: 4, label: 'B' },
        ],
        5,
        'BIO',
      ),
    ).toThrow(/overlap/);
    expect(() => spansToTags([{ start: 3, end: 6, label: 'A' }], 5, 'BIO')).toThrow(
      'span [3, 6) A is outside 0..5',
    );
    expect(() => spansToTags([{ start: 2, end: 2, label: 'A' }], 5, 'BIO')).toThrow(/empty/);
    expect(() => spansToTags(spans, 8, 'IO')).toThrow(/IO tags cannot separate the adjacent PER entities/);
  });

  it('round-trips random flat span sets in every scheme (seeded)', () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const labels = ['PER', 'LOC', 'ORG'];
    for (let trial = 0; trial < 300; trial++) {
      const length = 1 + Math.floor(random() * 30);
      const generated: EntitySpan[] = [];
      let at = 0;
      while (at < length) {
        at += Math.floor(random() * 3);
        const end = Math.min(length, at + 1 + Math.floor(random() * 4));
        if (at < end) generated.push({ start: at, end, label: labels[Math.floor(random() * 3)] });
        at = end;
      }
      for (const scheme of ['BIO', 'IOB1', 'BIOES', 'BMES', 'BIOS'] as TagScheme[]) {
        const reported: InvalidTag[] = [];
        const tags = spansToTags(generated, length, scheme);
        expect(tagsToSpans(tags, scheme, (x) => reported.push(x))).toEqual(sortSpans(generated));
        expect(reported).toEqual([]);
      }
    }
  });
});

describe('detectTagScheme', () => {
  it('tells the schemes apart from their tags', () => {
    expect(detectTagScheme([split('B-PER I-PER O'), split('O B-LOC')])).toBe('BIO');
    expect(detectTagScheme([split('I-PER I-PER O'), split('I-PER B-PER')])).toBe('IOB1');
    expect(detectTagScheme([split('S-PER O B-LOC E-LOC')])).toBe('BIOES');
    expect(detectTagScheme([split('B-LOC M-LOC E-LOC')])).toBe('BMES');
    expect(detectTagScheme([split('S-PER O B-LOC I-LOC')])).toBe('BIOS');
    expect(detectTagScheme([split('I-PER O I-LOC')])).toBe('IO');
    // BIO with pieces that start with I- (Chinese-BERT-wwm) stays BIO.
    expect(detectTagScheme([split('I-PER O'), split('B-PER I-PER O B-LOC')])).toBe('BIO');
  });
});
