// Strict-mode schemes, ported from seqeval 1.2.2 tests/test_scheme.py with their expected values.
import { describe, expect, it } from 'vitest';
import {
  nerCounts,
  seqevalAutoDetectScheme,
  seqevalSchemeTransition,
  seqevalStrictEntities,
  SeqevalInputError,
  type SeqevalScheme,
} from '.';

type Row = [string, string, [boolean, boolean, boolean]];
const T = true;
const F = false;
const TRANSITIONS: Record<string, Row[]> = {
  IOB1: [
    ['O', 'O', [F, F, F]],
    ['O', 'I-PER', [T, F, F]],
    ['O', 'B-PER', [F, F, F]],
    ['I-PER', 'O', [F, F, T]],
    ['I-PER', 'I-PER', [F, T, F]],
    ['I-PER', 'I-ORG', [T, F, T]],
    ['I-PER', 'B-PER', [T, F, T]],
    ['I-PER', 'B-ORG', [F, F, T]],
    ['B-PER', 'O', [F, F, T]],
    ['B-PER', 'I-PER', [T, T, F]],
    ['B-PER', 'I-ORG', [T, F, T]],
    ['B-PER', 'B-PER', [T, F, T]],
    ['B-PER', 'B-ORG', [F, F, F]],
  ],
  IOB2: [
    ['O', 'O', [F, F, F]],
    ['O', 'I-PER', [F, F, F]],
    ['O', 'B-PER', [T, F, F]],
    ['I-PER', 'O', [F, F, T]],
    ['I-PER', 'I-PER', [F, T, F]],
    ['I-PER', 'I-ORG', [F, F, T]],
    ['I-PER', 'B-PER', [T, F, T]],
    ['I-PER', 'B-ORG', [T, F, T]],
    ['B-PER', 'O', [F, F, T]],
    ['B-PER', 'I-PER', [F, T, F]],
    ['B-PER', 'I-ORG', [F, F, T]],
    ['B-PER', 'B-PER', [T, F, T]],
    ['B-PER', 'B-ORG', [T, F, T]],
  ],
  IOE1: [
    ['O', 'O', [F, F, F]],
    ['O', 'I-PER', [T, F, F]],
    ['O', 'E-PER', [F, F, F]],
    ['I-PER', 'O', [F, F, T]],
    ['I-PER', 'I-PER', [F, T, F]],
    ['I-PER', 'I-ORG', [T, F, T]],
    ['I-PER', 'E-PER', [F, T, F]],
    ['I-PER', 'E-ORG', [F, F, T]],
    ['E-PER', 'O', [F, F, F]],
    ['E-PER', 'I-PER', [T, F, T]],
    ['E-PER', 'I-ORG', [T, F, F]],
    ['E-PER', 'E-PER', [T, F, T]],
    ['E-PER', 'E-ORG', [F, F, F]],
  ],
  IOE2: [
    ['O', 'O', [F, F, F]],
    ['O', 'I-PER', [T, F, F]],
    ['O', 'E-PER', [T, F, F]],
    ['I-PER', 'O', [F, F, F]],
    ['I-PER', 'I-PER', [F, T, F]],
    ['I-PER', 'I-ORG', [T, F, F]],
    ['I-PER', 'E-PER', [F, T, F]],
    ['I-PER', 'E-ORG', [T, F, F]],
    ['E-PER', 'O', [F, F, T]],
    ['E-PER', 'I-PER', [T, F, T]],
    ['E-PER', 'I-ORG', [T, F, T]],
    ['E-PER', 'E-PER', [T, F, T]],
    ['E-PER', 'E-ORG', [T, F, T]],
  ],
  IOBES: [
    ['O', 'O', [F, F, F]],
    ['O', 'I-PER', [F, F, F]],
    ['O', 'B-PER', [T, F, F]],
    ['O', 'E-PER', [F, F, F]],
    ['O', 'S-PER', [T, F, F]],
    ['I-PER', 'O', [F, F, F]],
    ['I-PER', 'I-PER', [F, T, F]],
    ['I-PER', 'I-ORG', [F, F, F]],
    ['I-PER', 'B-PER', [T, F, F]],
    ['I-PER', 'E-PER', [F, T, F]],
    ['I-PER', 'E-ORG', [F, F, F]],
    ['I-PER', 'S-PER', [T, F, F]],
    ['B-PER', 'O', [F, F, F]],
    ['B-PER', 'I-PER', [F, T, F]],
    ['B-PER', 'I-ORG', [F, F, F]],
    ['B-PER', 'E-PER', [F, T, F]],
    ['B-PER', 'E-ORG', [F, F, F]],
    ['B-PER', 'S-PER', [T, F, F]],
    ['E-PER', 'O', [F, F, T]],
    ['E-PER', 'I-PER', [F, F, T]],
    ['E-PER', 'B-PER', [T, F, T]],
    ['E-PER', 'E-PER', [F, F, T]],
    ['E-PER', 'S-PER', [T, F, T]],
    ['S-PER', 'O', [F, F, T]],
    ['S-PER', 'I-PER', [F, F, T]],
    ['S-PER', 'B-PER', [T, F, T]],
    ['S-PER', 'E-PER', [F, F, T]],
    ['S-PER', 'S-PER', [T, F, T]],
  ],
};

describe('strict-mode schemes (test_scheme.py)', () => {
  for (const [scheme, rows] of Object.entries(TRANSITIONS)) {
    it.each(rows)(`${scheme}: %s -> %s is [start, inside, end] = %j`, (prev, tag, expected) => {
      const t = seqevalSchemeTransition(scheme as SeqevalScheme, prev, tag);
      expect([t.isStart, t.isInside, t.isEnd]).toEqual(expected);
    });
  }

  type TokenCase = [string[], [string, number, number][]];
  const TOKENS: Record<string, TokenCase[]> = {
    IOB1: [
      [[], []],
      [['B-PER'], []],
      [['I-PER'], [['PER', 0, 1]]],
      [['O'], []],
      [['O', 'I-PER'], [['PER', 1, 2]]],
      [['O', 'B-PER'], []],
      [['I-PER', 'O'], [['PER', 0, 1]]],
      [['I-PER', 'I-PER'], [['PER', 0, 2]]],
      [
        ['I-PER', 'I-ORG'],
        [
          ['PER', 0, 1],
          ['ORG', 1, 2],
        ],
      ],
      [
        ['I-PER', 'B-PER'],
        [
          ['PER', 0, 1],
          ['PER', 1, 2],
        ],
      ],
      [['I-PER', 'B-ORG'], [['PER', 0, 1]]],
      [['B-PER', 'O'], []],
      [['B-PER', 'I-PER'], [['PER', 1, 2]]],
      [['B-PER', 'I-ORG'], [['ORG', 1, 2]]],
      [['B-PER', 'B-PER'], [['PER', 1, 2]]],
      [['B-PER', 'B-ORG'], []],
      // test_iob1_tokens_without_tag
      [['B'], []],
      [['I'], [['_', 0, 1]]],
      [['O', 'O'], []],
      [['I', 'I'], [['_', 0, 2]]],
      [
        ['I', 'B'],
        [
          ['_', 0, 1],
          ['_', 1, 2],
        ],
      ],
      [['B', 'B'], [['_', 1, 2]]],
    ],
    IOB2: [
      [[], []],
      [['B-PER'], [['PER', 0, 1]]],
      [['I-PER'], []],
      [['O'], []],
      [['O', 'I-PER'], []],
      [['O', 'B-PER'], [['PER', 1, 2]]],
      [['I-PER', 'O'], []],
      [['I-PER', 'I-PER'], []],
      [['I-PER', 'I-ORG'], []],
      [['I-PER', 'B-PER'], [['PER', 1, 2]]],
      [['I-PER', 'B-ORG'], [['ORG', 1, 2]]],
      [['B-PER', 'O'], [['PER', 0, 1]]],
      [['B-PER', 'I-PER'], [['PER', 0, 2]]],
      [['B-PER', 'I-ORG'], [['PER', 0, 1]]],
      [
        ['B-PER', 'B-PER'],
        [
          ['PER', 0, 1],
          ['PER', 1, 2],
        ],
      ],
      [
        ['B-PER', 'B-ORG'],
        [
          ['PER', 0, 1],
          ['ORG', 1, 2],
        ],
      ],
      // test_iob2_tokens_without_tag
      [['B'], [['_', 0, 1]]],
      [['I'], []],
      [['I', 'B'], [['_', 1, 2]]],
      [['B', 'I'], [['_', 0, 2]]],
      [
        ['B', 'B'],
        [
          ['_', 0, 1],
          ['_', 1, 2],
        ],
      ],
    ],
    IOE1: [
      [[], []],
      [['E-PER'], []],
      [['I-PER'], [['PER', 0, 1]]],
      [['O'], []],
      [['O', 'I-PER'], [['PER', 1, 2]]],
      [['O', 'E-PER'], []],
      [['I-PER', 'O'], [['PER', 0, 1]]],
      [['I-PER', 'I-PER'], [['PER', 0, 2]]],
      [
        ['I-PER', 'I-ORG'],
        [
          ['PER', 0, 1],
          ['ORG', 1, 2],
        ],
      ],
      [['I-PER', 'E-ORG'], [['PER', 0, 1]]],
      [['E-PER', 'O'], []],
      [['E-PER', 'I-PER'], [['PER', 1, 2]]],
      [['E-PER', 'I-ORG'], [['ORG', 1, 2]]],
      [['E-PER', 'E-PER'], []],
      [['E-PER', 'E-ORG'], []],
      [['E', 'I'], [['_', 1, 2]]],
    ],
    IOE2: [
      [[], []],
      [['E-PER'], [['PER', 0, 1]]],
      [['I-PER'], []],
      [['O'], []],
      [['O', 'I-PER'], []],
      [['O', 'E-PER'], [['PER', 1, 2]]],
      [['I-PER', 'O'], []],
      [['I-PER', 'I-PER'], []],
      [['I-PER', 'I-ORG'], []],
      [['I-PER', 'E-PER'], [['PER', 0, 2]]],
      [['I-PER', 'E-ORG'], [['ORG', 1, 2]]],
      [['E-PER', 'O'], [['PER', 0, 1]]],
      [['E-PER', 'I-PER'], [['PER', 0, 1]]],
      [['E-PER', 'I-ORG'], [['PER', 0, 1]]],
      [
        ['E-PER', 'E-PER'],
        [
          ['PER', 0, 1],
          ['PER', 1, 2],
        ],
      ],
      [
        ['E-PER', 'E-ORG'],
        [
          ['PER', 0, 1],
          ['ORG', 1, 2],
        ],
      ],
      [['I', 'E'], [['_', 0, 2]]],
    ],
    IOBES: [
      [['O'], []],
      [['I-PER'], []],
      [['B-PER'], []],
      [['E-PER'], []],
      [['S-PER'], [['PER', 0, 1]]],
      [['O', 'O'], []],
      [['O', 'I-PER'], []],
      [['O', 'B-PER'], []],
      [['O', 'E-PER'], []],
      [['O', 'S-PER'], [['PER', 1, 2]]],
      [['I-PER', 'O'], []],
      [['I-PER', 'I-PER'], []],
      [['I-PER', 'I-ORG'], []],
      [['I-PER', 'B-PER'], []],
      [['I-PER', 'E-PER'], []],
      [['I-PER', 'E-ORG'], []],
      [['I-PER', 'S-PER'], [['PER', 1, 2]]],
      [['B-PER', 'O'], []],
      [['B-PER', 'I-PER'], []],
      [['B-PER', 'I-ORG'], []],
      [['B-PER', 'B-PER'], []],
      [['B-PER', 'E-PER'], [['PER', 0, 2]]],
      [['B-PER', 'E-ORG'], []],
      [['B-PER', 'S-PER'], [['PER', 1, 2]]],
      [['E-PER', 'O'], []],
      [['E-PER', 'I-PER'], []],
      [['E-PER', 'B-PER'], []],
      [['E-PER', 'E-PER'], []],
      [['E-PER', 'S-PER'], [['PER', 1, 2]]],
      [['S-PER', 'O'], [['PER', 0, 1]]],
      [['S-PER', 'I-PER'], [['PER', 0, 1]]],
      [['S-PER', 'B-PER'], [['PER', 0, 1]]],
      [['S-PER', 'E-PER'], [['PER', 0, 1]]],
      [
        ['S-PER', 'S-PER'],
        [
          ['PER', 0, 1],
          ['PER', 1, 2],
        ],
      ],
      [['B', 'E'], [['_', 0, 2]]],
      [['S', 'I'], [['_', 0, 1]]],
    ],
  };
  for (const [scheme, cases] of Object.entries(TOKENS)) {
    it.each(cases)(`${scheme} tokens %j -> %j`, (tokens, expected) => {
      const entities = seqevalStrictEntities(tokens, scheme as SeqevalScheme).map((e) => [
        e.type,
        e.start,
        e.end,
      ]);
      expect(entities).toEqual(expected);
    });
  }

  it('reads tags: I-ORG-COMPANY -> ORG-COMPANY, suffix ORG-COMPANY-I, I-組織 (test_token_tag)', () => {
    expect(seqevalStrictEntities(['B-ORG-COMPANY', 'I-ORG-COMPANY'], 'IOB2')).toEqual([
      { sentence: 0, type: 'ORG-COMPANY', start: 0, end: 2 },
    ]);
    expect(seqevalStrictEntities(['ORG-COMPANY-B', 'ORG-COMPANY-I'], 'IOB2', { suffix: true })[0].type).toBe(
      'ORG-COMPANY',
    );
    expect(seqevalStrictEntities(['B-組織'], 'IOB2')[0].type).toBe('組織');
  });

  it.each([
    ['E', 'IOB1'],
    ['S', 'IOB1'],
    ['E', 'IOB2'],
    ['S', 'IOB2'],
    ['B', 'IOE1'],
    ['S', 'IOE1'],
    ['B', 'IOE2'],
    ['S', 'IOE2'],
  ] as const)('rejects prefix %s in %s (test_invalid_prefix)', (token, scheme) => {
    expect(() => seqevalStrictEntities([token], scheme)).toThrow(/allowed prefixes/);
  });

  it('rejects IOBES tokens under IOB2 and unknown prefixes, saying where', () => {
    expect(() => seqevalStrictEntities(['B-PER', 'E-PER', 'S-PER'], 'IOB2', { sentenceIndex: 7 })).toThrow(
      /sentence 7, token 1/,
    );
    expect(() => seqevalStrictEntities(['T'], 'IOB2')).toThrow(/prefix "T"/);
  });

  it.each([
    [[['B', 'I', 'O']], 'IOB2'],
    [[['B', 'I']], 'IOB2'],
    [[['B', 'O']], 'IOB2'],
    [[['B']], 'IOB2'],
    [[['I', 'O', 'E']], 'IOE2'],
    [[['I', 'E']], 'IOE2'],
    [[['E', 'O']], 'IOE2'],
    [[['E']], 'IOE2'],
    [[['I', 'O', 'B', 'E', 'S']], 'IOBES'],
    [[['I', 'B', 'E', 'S']], 'IOBES'],
    [[['I', 'O', 'B', 'E']], 'IOBES'],
    [[['O', 'B', 'E', 'S']], 'IOBES'],
    [[['I', 'B', 'E']], 'IOBES'],
    [[['B', 'E', 'S']], 'IOBES'],
    [[['O', 'B', 'E']], 'IOBES'],
    [[['B', 'E']], 'IOBES'],
    [[['S']], 'IOBES'],
    // seqeval 1.2.2 auto_detect's allowed_bilou_prefixes, in its order.
    [[['I', 'O', 'B', 'L', 'U']], 'BILOU'],
    [[['I', 'B', 'L', 'U']], 'BILOU'],
    [[['I', 'O', 'B', 'L']], 'BILOU'],
    [[['O', 'B', 'L', 'U']], 'BILOU'],
    [[['I', 'B', 'L']], 'BILOU'],
    [[['B', 'L', 'U']], 'BILOU'],
    [[['O', 'B', 'L']], 'BILOU'],
    [[['B', 'L']], 'BILOU'],
    [[['U']], 'BILOU'],
    [[['B', 'L', 'U', 'I', 'O']], 'BILOU'],
    [
      [
        ['B-PER', 'I-PER', 'L-PER'],
        ['U-LOC', 'O'],
      ],
      'BILOU',
    ],
  ])('auto-detects %j as %s', (sequences, expected) => {
    expect(seqevalAutoDetectScheme(sequences)).toBe(expected);
  });

  it('auto-detects BILOU from suffix-style tags and uses it in strict mode', () => {
    expect(seqevalAutoDetectScheme([['PER-U', 'O', 'LOC-B', 'LOC-L']], { suffix: true })).toBe('BILOU');
    const counts = nerCounts([['U-PER', 'O', 'B-LOC', 'L-LOC']], [['U-PER', 'O', 'B-LOC', 'I-LOC']], {
      mode: 'strict',
    });
    expect(counts.scheme).toBe('BILOU');
    // Gold: PER and LOC; predicted: PER only (B-LOC I-LOC without its L- is not a BILOU chunk).
    expect(counts.types).toEqual(['LOC', 'PER']);
    expect([...counts.counts]).toEqual([0, 0, 1, 1, 1, 1]);
  });

  // Prefix sets in none of seqeval's four lists raise there too, even where one scheme could read them
  // ({O, U} and {O, S} are not listed; neither is a bare {I} or {O}, nor no tags at all).
  it.each([
    [[['I', 'O']]],
    [[['H']]],
    [[['O']]],
    [[['I']]],
    [[['L']]],
    [[['O', 'U']]],
    [[['O', 'S']]],
    [[['B', 'L', 'S']]],
    [[['E', 'L']]],
    [[['B', 'I', 'E', 'L']]],
    [[['U', 'S']]],
    [[['B', 'I', 'L', 'O', 'U', 'E']]],
    [[]],
    [[[]]],
  ])('cannot auto-detect %j', (sequences) => {
    expect(() => seqevalAutoDetectScheme(sequences)).toThrow(SeqevalInputError);
  });

  it('names the prefixes it found when it cannot auto-detect', () => {
    expect(() => seqevalAutoDetectScheme([['B-PER', 'L-PER', 'S-LOC']])).toThrow(
      /prefixes \{B\|S\|L\}, which is not IOB2, IOE2, IOBES or BILOU/,
    );
  });
});
