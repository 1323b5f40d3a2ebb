/**
 * seqeval 1.2.2's STRICT mode schemes, `seqeval/scheme.py`: the IOB1, IOE1, IOB2, IOE2, IOBES and BILOU token
 * classes (their start / inside / end pattern tables), `Tokens.entities` (only chunks that are well formed in the
 * scheme count, e.g. in IOB2 an I- without its B- is dropped) and `auto_detect`.
 */
import { firstCodePoint, lastCodePoint, SeqevalInputError } from './input';

export type SeqevalScheme = 'IOB1' | 'IOE1' | 'IOB2' | 'IOE2' | 'IOBES' | 'BILOU';

/** A chunk in a sentence, as strict mode's `Entity` has it: end is EXCLUSIVE, offsets are within the sentence. */
export interface StrictEntity {
  sentence: number;
  type: string;
  start: number;
  end: number;
}

const P_I = 1;
const P_O = 2;
const P_B = 4;
const P_E = 8;
const P_S = 16;
const P_U = 32;
const P_L = 64;
const P_ANY = P_I | P_O | P_B | P_E | P_S | P_U | P_L;
const PREFIX_BITS: Record<string, number> = { I: P_I, O: P_O, B: P_B, E: P_E, S: P_S, U: P_U, L: P_L };
const PREFIX_NAMES: [number, string][] = [
  [P_I, 'I'],
  [P_O, 'O'],
  [P_B, 'B'],
  [P_E, 'E'],
  [P_S, 'S'],
  [P_U, 'U'],
  [P_L, 'L'],
];

const SAME = 1;
const DIFF = 2;
const ANY_TAG = SAME | DIFF;

type Pattern = readonly [prev: number, current: number, tagCondition: number];
interface SchemeDefinition {
  allowed: number;
  start: readonly Pattern[];
  inside: readonly Pattern[];
  end: readonly Pattern[];
}

/** The pattern tables of seqeval/scheme.py, verbatim. */
const SCHEMES: Record<SeqevalScheme, SchemeDefinition> = {
  IOB1: {
    allowed: P_I | P_O | P_B,
    start: [
      [P_O, P_I, ANY_TAG],
      [P_I, P_I, DIFF],
      [P_B, P_I, ANY_TAG],
      [P_I, P_B, SAME],
      [P_B, P_B, SAME],
    ],
    inside: [
      [P_B, P_I, SAME],
      [P_I, P_I, SAME],
    ],
    end: [
      [P_I, P_I, DIFF],
      [P_I, P_O, ANY_TAG],
      [P_I, P_B, ANY_TAG],
      [P_B, P_O, ANY_TAG],
      [P_B, P_I, DIFF],
      [P_B, P_B, SAME],
    ],
  },
  IOE1: {
    allowed: P_I | P_O | P_E,
    start: [
      [P_O, P_I, ANY_TAG],
      [P_I, P_I, DIFF],
      [P_E, P_I, ANY_TAG],
      [P_E, P_E, SAME],
    ],
    inside: [
      [P_I, P_I, SAME],
      [P_I, P_E, SAME],
    ],
    end: [
      [P_I, P_I, DIFF],
      [P_I, P_O, ANY_TAG],
      [P_I, P_E, DIFF],
      [P_E, P_I, SAME],
      [P_E, P_E, SAME],
    ],
  },
  IOB2: {
    allowed: P_I | P_O | P_B,
    start: [[P_ANY, P_B, ANY_TAG]],
    inside: [
      [P_B, P_I, SAME],
      [P_I, P_I, SAME],
    ],
    end: [
      [P_I, P_O, ANY_TAG],
      [P_I, P_I, DIFF],
      [P_I, P_B, ANY_TAG],
      [P_B, P_O, ANY_TAG],
      [P_B, P_I, DIFF],
      [P_B, P_B, ANY_TAG],
    ],
  },
  IOE2: {
    allowed: P_I | P_O | P_E,
    start: [
      [P_O, P_I, ANY_TAG],
      [P_O, P_E, ANY_TAG],
      [P_E, P_I, ANY_TAG],
      [P_E, P_E, ANY_TAG],
      [P_I, P_I, DIFF],
      [P_I, P_E, DIFF],
    ],
    inside: [
      [P_I, P_E, SAME],
      [P_I, P_I, SAME],
    ],
    end: [[P_E, P_ANY, ANY_TAG]],
  },
  IOBES: {
    allowed: P_I | P_O | P_B | P_E | P_S,
    start: [
      [P_ANY, P_B, ANY_TAG],
      [P_ANY, P_S, ANY_TAG],
    ],
    inside: [
      [P_B, P_I, SAME],
      [P_B, P_E, SAME],
      [P_I, P_I, SAME],
      [P_I, P_E, SAME],
    ],
    end: [
      [P_S, P_ANY, ANY_TAG],
      [P_E, P_ANY, ANY_TAG],
    ],
  },
  BILOU: {
    allowed: P_B | P_I | P_L | P_O | P_U,
    start: [
      [P_ANY, P_B, ANY_TAG],
      [P_ANY, P_U, ANY_TAG],
    ],
    inside: [
      [P_B, P_I, SAME],
      [P_B, P_L, SAME],
      [P_I, P_I, SAME],
      [P_I, P_L, SAME],
    ],
    end: [
      [P_U, P_ANY, ANY_TAG],
      [P_L, P_ANY, ANY_TAG],
    ],
  },
};

export const SEQEVAL_SCHEMES: readonly SeqevalScheme[] = ['IOB1', 'IOE1', 'IOB2', 'IOE2', 'IOBES', 'BILOU'];

interface ParsedToken {
  prefix: number;
  tag: string;
  text: string;
}

function stripChar(s: string, ch: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s[a] === ch) a++;
  while (b > a && s[b - 1] === ch) b--;
  return s.slice(a, b);
}

/** seqeval `Token.prefix` / `Token.tag` (delimiter '-'), with an error that says where the bad token is. */
function parseStrictToken(text: string, suffix: boolean, where: string): ParsedToken {
  if (typeof text !== 'string' || text.length === 0) {
    throw new SeqevalInputError(
      `${where}: the tag is ${JSON.stringify(text)}; every tag must be a non-empty string such as "O" or "B-PER".`,
    );
  }
  const letter = suffix ? lastCodePoint(text) : firstCodePoint(text);
  const prefix = PREFIX_BITS[letter];
  if (prefix === undefined) {
    throw new SeqevalInputError(
      `${where}: tag ${JSON.stringify(text)} has prefix ${JSON.stringify(letter)}, which is none of I, O, B, E, S, U, L. ` +
        `Check the label list, or use default (conlleval) mode which accepts any tag.`,
    );
  }
  const body = suffix ? text.slice(0, text.length - letter.length) : text.slice(letter.length);
  return { prefix, tag: stripChar(body, '-') || '_', text };
}

function prefixNames(bits: number): string {
  return PREFIX_NAMES.filter(([b]) => bits & b)
    .map(([, n]) => n)
    .join('|');
}

function matches(patterns: readonly Pattern[], prev: ParsedToken, token: ParsedToken): boolean {
  for (const [prevPrefix, currentPrefix, cond] of patterns) {
    if (!(prev.prefix & prevPrefix) || !(token.prefix & currentPrefix)) continue;
    if (cond === ANY_TAG) return true;
    if (prev.tag === token.tag && cond === SAME) return true;
    if (prev.tag !== token.tag && cond === DIFF) return true;
  }
  return false;
}

/**
 * seqeval `Tokens(tokens, scheme).entities` for one sentence: the well-formed chunks of the scheme, with
 * EXCLUSIVE ends. Throws (like seqeval's ValueError) when a token's prefix is not allowed in the scheme.
 */
export function seqevalStrictEntities(
  sentence: readonly string[],
  scheme: SeqevalScheme,
  options: { suffix?: boolean; sentenceIndex?: number } = {},
): StrictEntity[] {
  const definition = SCHEMES[scheme];
  if (!definition)
    throw new SeqevalInputError(
      `Unknown scheme ${JSON.stringify(scheme)}; use one of ${SEQEVAL_SCHEMES.join(', ')}.`,
    );
  const suffix = options.suffix ?? false;
  const sentenceIndex = options.sentenceIndex ?? 0;
  const tokens = sentence.map((t, i) => parseStrictToken(t, suffix, `sentence ${sentenceIndex}, token ${i}`));
  const outside: ParsedToken = { prefix: P_O, tag: '_', text: 'O' };
  const extended = [...tokens, outside];

  const validate = (i: number): void => {
    const token = extended[i];
    if (!(token.prefix & definition.allowed)) {
      throw new SeqevalInputError(
        `sentence ${sentenceIndex}, token ${i}: invalid token ${JSON.stringify(token.text)} for scheme ${scheme}; ` +
          `allowed prefixes are ${prefixNames(definition.allowed)}. Pick the scheme the labels were written in (or 'auto').`,
      );
    }
  };
  const forward = (start: number, prev: ParsedToken): number => {
    for (let i = start; i < extended.length; i++) {
      if (matches(definition.inside, prev, extended[i])) prev = extended[i];
      else return i;
    }
    return tokens.length - 1;
  };

  const entities: StrictEntity[] = [];
  let i = 0;
  let prev = outside;
  while (i < extended.length) {
    const token = extended[i];
    validate(i);
    if (matches(definition.start, prev, token)) {
      const end = forward(i + 1, token);
      if (matches(definition.end, extended[end - 1], extended[end])) {
        entities.push({ sentence: sentenceIndex, type: token.tag, start: i, end });
      }
      i = end;
    } else {
      i += 1;
    }
    prev = extended[i - 1];
  }
  return entities;
}

/**
 * seqeval `Token.is_start(prev)`, `is_inside(prev)`, `is_end(prev)` for two adjacent tags in a scheme
 * (exposed for tests and for explaining to a person why a chunk was not counted).
 */
export function seqevalSchemeTransition(
  scheme: SeqevalScheme,
  prevTag: string,
  tag: string,
  options: { suffix?: boolean } = {},
): {
  isStart: boolean;
  isInside: boolean;
  isEnd: boolean;
} {
  const definition = SCHEMES[scheme];
  const suffix = options.suffix ?? false;
  const prev = parseStrictToken(prevTag, suffix, 'previous tag');
  const token = parseStrictToken(tag, suffix, 'tag');
  return {
    isStart: matches(definition.start, prev, token),
    isInside: matches(definition.inside, prev, token),
    isEnd: matches(definition.end, prev, token),
  };
}

/**
 * seqeval 1.2.2 `auto_detect(sequences)` (seqeval/scheme.py): the set of prefixes the tags use picks the scheme,
 * checked in seqeval's order against its four lists of allowed sets. Anything else (e.g. {I, O}, {O} alone,
 * a mix of E and L, or no tags at all) is not supported and throws, as seqeval raises ValueError.
 */
const AUTO_DETECT_PREFIX_SETS: readonly (readonly [SeqevalScheme, readonly string[]])[] = [
  ['IOB2', ['IOB', 'IB', 'BO', 'B']],
  ['IOE2', ['IOE', 'IE', 'EO', 'E']],
  ['IOBES', ['IOBES', 'IBES', 'IOBE', 'OBES', 'IBE', 'BES', 'OBE', 'BE', 'S']],
  ['BILOU', ['IOBLU', 'IBLU', 'IOBL', 'OBLU', 'IBL', 'BLU', 'OBL', 'BL', 'U']],
];

export function seqevalAutoDetectScheme(
  sequences: readonly (readonly string[])[],
  options: { suffix?: boolean } = {},
): SeqevalScheme {
  const suffix = options.suffix ?? false;
  let used = 0;
  sequences.forEach((sentence, s) =>
    sentence.forEach((text, i) => {
      used |= parseStrictToken(text, suffix, `auto-detecting the scheme: sentence ${s}, token ${i}`).prefix;
    }),
  );
  const bitsOf = (letters: string): number =>
    Array.from(letters).reduce((bits, c) => bits | PREFIX_BITS[c], 0);
  for (const [scheme, prefixSets] of AUTO_DETECT_PREFIX_SETS) {
    if (prefixSets.some((letters) => bitsOf(letters) === used)) return scheme;
  }
  throw new SeqevalInputError(
    `Cannot auto-detect the tagging scheme: the gold tags use the prefixes {${prefixNames(used)}}, which is not IOB2, IOE2, IOBES or BILOU. ` +
      `Pass the scheme explicitly.`,
  );
}
