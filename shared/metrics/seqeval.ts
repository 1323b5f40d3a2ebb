/**
 * Entity-level NER metrics with the exact semantics of seqeval 1.2.2 (chakki-works/seqeval):
 *
 * - DEFAULT mode = `seqeval.metrics.sequence_labeling` (`get_entities`, `end_of_chunk`, `start_of_chunk`),
 *   which is the conlleval.pl chunking: an I- after O starts a chunk, a type change ends one and starts
 *   another, E-/S- close chunks, and sentences are joined with an 'O' between them.
 * - STRICT mode = `seqeval.metrics.v1` with a `seqeval.scheme` class (IOB1, IOE1, IOB2, IOE2, IOBES, BILOU):
 *   only chunks that are well formed in the scheme count (e.g. in IOB2 an I- without its B- is dropped).
 *
 * Precision/recall/F and the zero-division rule follow `_precision_recall_fscore_support` in seqeval/metrics/v1.py:
 * an undefined ratio (0/0) becomes 0 (`zeroDivision: 'warn'`, the default, also records a warning; seqeval raises
 * an UndefinedMetricWarning) or 1 (`zeroDivision: 1`). Warnings come back in the result instead of being printed.
 *
 * One API difference: here `mode: 'strict'` without a scheme auto-detects it from the gold tags (as seqeval's
 * `classification_report` does); seqeval's `f1_score(mode='strict')` without a scheme silently falls back to
 * default mode instead. Sample weights are not supported.
 *
 * Everything is computed from per-sentence, per-type counts (true positives, predicted, gold), so the bootstrap in
 * ./bootstrap can resample sentences and recompute exactly the same statistic.
 */

export type SeqevalScheme = 'IOB1' | 'IOE1' | 'IOB2' | 'IOE2' | 'IOBES' | 'BILOU';
export type SeqevalMode = 'default' | 'strict';
export type ZeroDivision = 'warn' | 0 | 1;
export type SeqevalAverage = 'micro' | 'macro' | 'weighted';

/** A chunk as seqeval's default `get_entities` returns it: type, first and LAST token (inclusive), global offsets. */
export type SeqevalChunk = [type: string, start: number, endInclusive: number];

/** A chunk in a sentence, as strict mode's `Entity` has it: end is EXCLUSIVE, offsets are within the sentence. */
export interface StrictEntity {
  sentence: number;
  type: string;
  start: number;
  end: number;
}

/** Thrown for malformed input; the message names the sentence, position and tag. */
export class SeqevalInputError extends Error {
  override name = 'SeqevalInputError';
}

// ---------------------------------------------------------------------------------------------------------------
// Default (conlleval-compatible) mode: get_entities
// ---------------------------------------------------------------------------------------------------------------

function firstCodePoint(s: string): string {
  return String.fromCodePoint(s.codePointAt(0)!);
}
function lastCodePoint(s: string): string {
  const chars = Array.from(s);
  return chars[chars.length - 1];
}

/** `chunk[0]` and `chunk[1:].split('-', maxsplit=1)[-1] or '_'` (or the suffix variant) from get_entities. */
function splitDefaultTag(chunk: string, suffix: boolean): [tag: string, type: string] {
  if (suffix) {
    const tag = lastCodePoint(chunk);
    const body = chunk.slice(0, chunk.length - tag.length);
    const cut = body.lastIndexOf('-');
    const type = (cut < 0 ? body : body.slice(0, cut)) || '_';
    return [tag, type];
  }
  const tag = firstCodePoint(chunk);
  const body = chunk.slice(tag.length);
  const cut = body.indexOf('-');
  const type = (cut < 0 ? body : body.slice(cut + 1)) || '_';
  return [tag, type];
}

/** seqeval `end_of_chunk(prev_tag, tag, prev_type, type_)`. */
export function seqevalEndOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  let chunkEnd = false;
  if (prevTag === 'E') chunkEnd = true;
  if (prevTag === 'S') chunkEnd = true;
  if (prevTag === 'B' && tag === 'B') chunkEnd = true;
  if (prevTag === 'B' && tag === 'S') chunkEnd = true;
  if (prevTag === 'B' && tag === 'O') chunkEnd = true;
  if (prevTag === 'I' && tag === 'B') chunkEnd = true;
  if (prevTag === 'I' && tag === 'S') chunkEnd = true;
  if (prevTag === 'I' && tag === 'O') chunkEnd = true;
  if (prevTag !== 'O' && prevTag !== '.' && prevType !== type) chunkEnd = true;
  return chunkEnd;
}

/** seqeval `start_of_chunk(prev_tag, tag, prev_type, type_)`. */
export function seqevalStartOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  let chunkStart = false;
  if (tag === 'B') chunkStart = true;
  if (tag === 'S') chunkStart = true;
  if (prevTag === 'E' && tag === 'E') chunkStart = true;
  if (prevTag === 'E' && tag === 'I') chunkStart = true;
  if (prevTag === 'S' && tag === 'E') chunkStart = true;
  if (prevTag === 'S' && tag === 'I') chunkStart = true;
  if (prevTag === 'O' && tag === 'E') chunkStart = true;
  if (prevTag === 'O' && tag === 'I') chunkStart = true;
  if (tag !== 'O' && tag !== '.' && prevType !== type) chunkStart = true;
  return chunkStart;
}

const NE_PREFIXES = ['B-', 'I-', 'E-', 'S-'];
const NE_SUFFIXES = ['-B', '-I', '-E', '-S'];
const BARE_TAGS = new Set(['O', 'B', 'I', 'E', 'S']);

function isNeLooking(chunk: string, suffix: boolean): boolean {
  if (BARE_TAGS.has(chunk)) return true;
  return suffix ? NE_SUFFIXES.some((s) => chunk.endsWith(s)) : NE_PREFIXES.some((p) => chunk.startsWith(p));
}

export interface SeqevalEntitiesOptions {
  /** Tags look like `PER-B` instead of `B-PER`. */
  suffix?: boolean;
  /** Receives seqeval's "X seems not to be NE tag." warnings (each distinct tag once). */
  warnings?: string[];
}

/**
 * seqeval's default-mode `get_entities(seq, suffix)`, i.e. conlleval chunking.
 *
 * A list of sentences is flattened with an 'O' after each sentence (as seqeval does), so the offsets are global
 * and a chunk can never run across a sentence break for well-formed tags. Returns `[type, start, endInclusive]`.
 */
export function seqevalEntities(
  seq: readonly string[] | readonly (readonly string[])[],
  options: SeqevalEntitiesOptions = {},
): SeqevalChunk[] {
  const suffix = options.suffix ?? false;
  const nested = seq.some((s) => Array.isArray(s));
  const flat: string[] = [];
  if (nested) {
    for (const sentence of seq as readonly (readonly string[])[]) {
      for (const tag of sentence) flat.push(tag);
      flat.push('O');
    }
  } else {
    for (const tag of seq as readonly string[]) flat.push(tag);
  }
  flat.push('O');

  const warned = new Set<string>();
  let prevTag = 'O';
  let prevType = '';
  let beginOffset = 0;
  const chunks: SeqevalChunk[] = [];
  for (let i = 0; i < flat.length; i++) {
    const chunk = flat[i];
    if (typeof chunk !== 'string' || chunk.length === 0) {
      throw new SeqevalInputError(
        `seqevalEntities: tag at flattened position ${i} is ${JSON.stringify(chunk)}; every tag must be a non-empty string such as "O" or "B-PER".`,
      );
    }
    if (!isNeLooking(chunk, suffix) && !warned.has(chunk)) {
      warned.add(chunk);
      options.warnings?.push(`${chunk} seems not to be NE tag.`);
    }
    const [tag, type] = splitDefaultTag(chunk, suffix);
    if (seqevalEndOfChunk(prevTag, tag, prevType, type)) chunks.push([prevType, beginOffset, i - 1]);
    if (seqevalStartOfChunk(prevTag, tag, prevType, type)) beginOffset = i;
    prevTag = tag;
    prevType = type;
  }
  return chunks;
}

// ---------------------------------------------------------------------------------------------------------------
// Strict mode: seqeval.scheme
// ---------------------------------------------------------------------------------------------------------------

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

/** seqeval `auto_detect(sequences)`: IOB2, IOE2 or IOBES from the set of prefixes used. */
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
  const sets = (...xs: string[]): number[] =>
    xs.map((x) => Array.from(x).reduce((bits, c) => bits | PREFIX_BITS[c], 0));
  if (sets('IOB', 'IB', 'BO', 'B').includes(used)) return 'IOB2';
  if (sets('IOE', 'IE', 'EO', 'E').includes(used)) return 'IOE2';
  if (sets('IOBES', 'IBES', 'IOBE', 'OBES', 'IBE', 'BES', 'OBE', 'BE', 'S').includes(used)) return 'IOBES';
  throw new SeqevalInputError(
    `Cannot auto-detect the tagging scheme: the gold tags use the prefixes {${prefixNames(used)}}, which is not IOB2, IOE2 or IOBES. ` +
      `Pass the scheme explicitly.`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Counts: per sentence, per type
// ---------------------------------------------------------------------------------------------------------------

export interface NerOptions {
  mode?: SeqevalMode;
  /** Strict mode only: the scheme, or 'auto' for seqeval's auto_detect on the gold tags (the default). */
  scheme?: SeqevalScheme | 'auto';
  suffix?: boolean;
}

/**
 * Per-sentence, per-type counts: `counts[(s * types.length + t) * 3 + k]` with k = 0 true positives,
 * 1 predicted entities, 2 gold entities. `types` is the sorted union of gold and predicted types (seqeval's
 * `target_names`). Summing over sentences gives exactly seqeval's `tp_sum`, `pred_sum`, `true_sum`.
 */
export interface NerCounts {
  types: string[];
  sentences: number;
  counts: Int32Array;
  /** The scheme used in strict mode (after auto-detection). */
  scheme?: SeqevalScheme;
  warnings: string[];
}

/** Python's sorted() order for str: by code point (JS's default sort compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** seqeval `check_consistent_length`, with a message that names the first sentence that differs. */
export function checkConsistentLength(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
): void {
  if (!Array.isArray(yTrue) || !Array.isArray(yPred)) {
    throw new SeqevalInputError('Gold and predicted tags must both be arrays of sentences (string[][]).');
  }
  if (yTrue.length !== yPred.length) {
    throw new SeqevalInputError(
      `Found ${yTrue.length} gold sentences but ${yPred.length} predicted sentences; they must pair up one to one.`,
    );
  }
  for (let s = 0; s < yTrue.length; s++) {
    if (!Array.isArray(yTrue[s]) || !Array.isArray(yPred[s])) {
      throw new SeqevalInputError(
        `Sentence ${s} is not a list of tags on the ${Array.isArray(yTrue[s]) ? 'predicted' : 'gold'} side.`,
      );
    }
    if (yTrue[s].length !== yPred[s].length) {
      throw new SeqevalInputError(
        `Sentence ${s} has ${yTrue[s].length} gold tags but ${yPred[s].length} predicted tags; predictions must have one tag per gold token ` +
          `(check truncation to the model's max length and sub-word alignment).`,
      );
    }
  }
}

function sentenceOfOffset(starts: Int32Array, offset: number): number {
  // starts[s] = flattened offset of sentence s's first token; binary search for the last start <= offset.
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Entity sets per type, keyed by sentence and span, for both sides. */
function collectEntities(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  options: NerOptions,
  warnings: string[],
): {
  gold: Map<string, Map<string, number>>;
  pred: Map<string, Map<string, number>>;
  scheme?: SeqevalScheme;
} {
  const suffix = options.suffix ?? false;
  const gold = new Map<string, Map<string, number>>();
  const pred = new Map<string, Map<string, number>>();
  const add = (into: Map<string, Map<string, number>>, type: string, key: string, sentence: number): void => {
    let m = into.get(type);
    if (!m) into.set(type, (m = new Map()));
    m.set(key, sentence);
  };

  if ((options.mode ?? 'default') === 'strict') {
    const scheme =
      !options.scheme || options.scheme === 'auto'
        ? seqevalAutoDetectScheme(yTrue, { suffix })
        : options.scheme;
    yTrue.forEach((sentence, s) => {
      for (const e of seqevalStrictEntities(sentence, scheme, { suffix, sentenceIndex: s }))
        add(gold, e.type, `${s}:${e.start}:${e.end}`, s);
    });
    yPred.forEach((sentence, s) => {
      for (const e of seqevalStrictEntities(sentence, scheme, { suffix, sentenceIndex: s }))
        add(pred, e.type, `${s}:${e.start}:${e.end}`, s);
    });
    return { gold, pred, scheme };
  }

  // Default mode: exactly seqeval's flattened get_entities; each chunk is attributed to the sentence it starts in.
  const starts = new Int32Array(yTrue.length);
  let offset = 0;
  yTrue.forEach((sentence, s) => {
    starts[s] = offset;
    offset += sentence.length + 1;
  });
  const sides: [readonly (readonly string[])[], Map<string, Map<string, number>>][] = [
    [yTrue, gold],
    [yPred, pred],
  ];
  for (const [side, into] of sides) {
    const entities = seqevalEntities(side.length === 0 ? [] : (side as (readonly string[])[]), {
      suffix,
      warnings,
    });
    for (const [type, start, end] of entities)
      add(into, type, `${start}:${end}`, starts.length ? sentenceOfOffset(starts, start) : 0);
  }
  return { gold, pred };
}

/**
 * Per-sentence entity counts for gold `yTrue` and predicted `yPred` (one tag per token, sentences paired).
 * Default mode is seqeval's default (conlleval) chunking; strict mode uses a scheme.
 */
export function nerCounts(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  options: NerOptions = {},
): NerCounts {
  checkConsistentLength(yTrue, yPred);
  const warnings: string[] = [];
  const { gold, pred, scheme } = collectEntities(yTrue, yPred, options, warnings);
  const types = [...new Set([...gold.keys(), ...pred.keys()])].sort(compareCodePoints);
  const T = types.length;
  const counts = new Int32Array(yTrue.length * T * 3);
  types.forEach((type, t) => {
    const g = gold.get(type) ?? new Map<string, number>();
    const p = pred.get(type) ?? new Map<string, number>();
    for (const [key, s] of p) {
      counts[(s * T + t) * 3 + 1]++;
      if (g.has(key)) counts[(s * T + t) * 3]++;
    }
    for (const s of g.values()) counts[(s * T + t) * 3 + 2]++;
  });
  return { types, sentences: yTrue.length, counts, scheme, warnings };
}

/** Span-list input: per sentence, the entities as [type, start, endExclusive]. Compared as exact sets. */
export type SpanSentence = readonly (readonly [type: string, start: number, end: number])[];

/**
 * Per-sentence counts from span lists (e.g. character spans the annotator stores). An entity is correct when type,
 * start and end all match a gold entity of the same sentence (duplicates count once, as in seqeval's sets).
 */
export function nerCountsFromSpans(gold: readonly SpanSentence[], pred: readonly SpanSentence[]): NerCounts {
  if (gold.length !== pred.length) {
    throw new SeqevalInputError(
      `Found ${gold.length} gold sentences but ${pred.length} predicted sentences; they must pair up one to one.`,
    );
  }
  const goldSets: Map<string, Set<string>>[] = [];
  const predSets: Map<string, Set<string>>[] = [];
  const typeSet = new Set<string>();
  const toSets = (sentence: SpanSentence, s: number, side: string): Map<string, Set<string>> => {
    const m = new Map<string, Set<string>>();
    sentence.forEach(([type, start, end], i) => {
      if (typeof type !== 'string' || !Number.isInteger(start) || !Number.isInteger(end) || end <= start) {
        throw new SeqevalInputError(
          `${side} sentence ${s}, span ${i}: ${JSON.stringify([type, start, end])} is not [type, start, endExclusive] with integer start < end.`,
        );
      }
      typeSet.add(type);
      let set = m.get(type);
      if (!set) m.set(type, (set = new Set()));
      set.add(`${start}:${end}`);
    });
    return m;
  };
  gold.forEach((g, s) => goldSets.push(toSets(g, s, 'gold')));
  pred.forEach((p, s) => predSets.push(toSets(p, s, 'predicted')));
  const types = [...typeSet].sort(compareCodePoints);
  const T = types.length;
  const counts = new Int32Array(gold.length * T * 3);
  for (let s = 0; s < gold.length; s++) {
    types.forEach((type, t) => {
      const g = goldSets[s].get(type);
      const p = predSets[s].get(type);
      const base = (s * T + t) * 3;
      if (p) {
        counts[base + 1] = p.size;
        if (g) for (const key of p) if (g.has(key)) counts[base]++;
      }
      if (g) counts[base + 2] = g.size;
    });
  }
  return { types, sentences: gold.length, counts, warnings: [] };
}

/** Sums the per-sentence counts of the given sentences (all by default) into per-type [tp, pred, true]. */
export function sumNerCounts(
  counts: NerCounts,
  sentenceIndices?: ArrayLike<number>,
): { tp: Float64Array; pred: Float64Array; gold: Float64Array } {
  const T = counts.types.length;
  const tp = new Float64Array(T);
  const pred = new Float64Array(T);
  const gold = new Float64Array(T);
  const n = sentenceIndices ? sentenceIndices.length : counts.sentences;
  for (let i = 0; i < n; i++) {
    const s = sentenceIndices ? sentenceIndices[i] : i;
    for (let t = 0; t < T; t++) {
      const base = (s * T + t) * 3;
      tp[t] += counts.counts[base];
      pred[t] += counts.counts[base + 1];
      gold[t] += counts.counts[base + 2];
    }
  }
  return { tp, pred, gold };
}

// ---------------------------------------------------------------------------------------------------------------
// Precision / recall / F (seqeval/metrics/v1.py _precision_recall_fscore_support)
// ---------------------------------------------------------------------------------------------------------------

export interface PrfOptions {
  beta?: number;
  zeroDivision?: ZeroDivision;
  /** Which metrics warn on zero division (seqeval's `warn_for`). */
  warnFor?: readonly ('precision' | 'recall' | 'f-score')[];
}

export interface PerTypeScores {
  labels: string[];
  precision: number[];
  recall: number[];
  fscore: number[];
  support: number[];
  warnings: string[];
}

export interface AverageScores {
  precision: number;
  recall: number;
  fscore: number;
  support: number;
  warnings: string[];
}

function warnPrf(
  average: SeqevalAverage | null,
  modifier: string,
  msgStart: string,
  resultSize: number,
  warnings: string[],
): void {
  const where = resultSize === 1 ? 'due to' : 'in labels with';
  warnings.push(
    `${msgStart} ill-defined and being set to 0.0 ${where} no ${modifier} samples. Use \`zero_division\` parameter to control this behavior.`,
  );
  void average;
}

function prfDivide(
  numerator: Float64Array,
  denominator: Float64Array,
  metric: 'precision' | 'recall',
  modifier: string,
  average: SeqevalAverage | null,
  warnFor: readonly string[],
  zeroDivision: ZeroDivision,
  warnings: string[],
): Float64Array {
  const result = new Float64Array(numerator.length);
  let anyZero = false;
  for (let i = 0; i < numerator.length; i++) {
    if (denominator[i] === 0) {
      anyZero = true;
      result[i] = zeroDivision === 1 ? 1 : 0;
    } else {
      result[i] = numerator[i] / denominator[i];
    }
  }
  if (!anyZero || zeroDivision !== 'warn' || !warnFor.includes(metric)) return result;
  const title = metric === 'precision' ? 'Precision' : 'Recall';
  const msgStart = warnFor.includes('f-score') ? `${title} and F-score are` : `${title} is`;
  warnPrf(average, modifier, msgStart, result.length, warnings);
  return result;
}

const mean = (xs: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length; // NaN for no labels, as numpy's average of an empty array
};
const weightedMean = (xs: ArrayLike<number>, w: ArrayLike<number>): number => {
  let s = 0;
  let ws = 0;
  for (let i = 0; i < xs.length; i++) {
    s += xs[i] * w[i];
    ws += w[i];
  }
  return s / ws;
};

/**
 * seqeval's `_precision_recall_fscore_support` on summed counts. `average: null` gives per-type arrays.
 * Exposed so that resampled counts go through the very same arithmetic as the point estimate.
 */
export function prfFromCounts(
  labels: string[],
  tpSum: Float64Array,
  predSum: Float64Array,
  trueSum: Float64Array,
  average: null,
  options?: PrfOptions,
): PerTypeScores;
export function prfFromCounts(
  labels: string[],
  tpSum: Float64Array,
  predSum: Float64Array,
  trueSum: Float64Array,
  average: SeqevalAverage,
  options?: PrfOptions,
): AverageScores;
export function prfFromCounts(
  labels: string[],
  tpSum: Float64Array,
  predSum: Float64Array,
  trueSum: Float64Array,
  average: SeqevalAverage | null,
  options: PrfOptions = {},
): PerTypeScores | AverageScores {
  const beta = options.beta ?? 1;
  const zeroDivision = options.zeroDivision ?? 'warn';
  const warnFor = options.warnFor ?? ['precision', 'recall', 'f-score'];
  if (!(beta >= 0)) throw new RangeError(`beta should be >=0 in the F-beta score (got ${beta}).`);
  if (average !== null && average !== 'micro' && average !== 'macro' && average !== 'weighted') {
    throw new RangeError(
      `average has to be one of null, 'micro', 'macro', 'weighted' (got ${JSON.stringify(average)}).`,
    );
  }
  const warnings: string[] = [];
  let tp = tpSum;
  let pred = predSum;
  let gold = trueSum;
  if (average === 'micro') {
    const total = (xs: Float64Array): Float64Array => Float64Array.of(xs.reduce((a, b) => a + b, 0));
    tp = total(tpSum);
    pred = total(predSum);
    gold = total(trueSum);
  }
  const beta2 = beta * beta;
  const precision = prfDivide(tp, pred, 'precision', 'predicted', average, warnFor, zeroDivision, warnings);
  const recall = prfDivide(tp, gold, 'recall', 'true', average, warnFor, zeroDivision, warnings);

  if (zeroDivision === 'warn' && warnFor.length === 1 && warnFor[0] === 'f-score') {
    let both = false;
    for (let i = 0; i < gold.length; i++) if (gold[i] === 0 && pred[i] === 0) both = true;
    if (both) warnPrf(average, 'true nor predicted', 'F-score is', gold.length, warnings);
  }

  const fscore = new Float64Array(tp.length);
  for (let i = 0; i < tp.length; i++) {
    if (beta === Infinity) {
      fscore[i] = recall[i];
    } else {
      let denom = beta2 * precision[i] + recall[i];
      if (denom === 0) denom = 1;
      fscore[i] = ((1 + beta2) * precision[i] * recall[i]) / denom;
    }
  }
  const trueTotal = trueSum.reduce((a, b) => a + b, 0);

  if (average === null) {
    return {
      labels: [...labels],
      precision: [...precision],
      recall: [...recall],
      fscore: [...fscore],
      support: [...trueSum],
      warnings,
    };
  }
  if (average === 'weighted') {
    if (trueTotal === 0) {
      const z = zeroDivision === 1 ? 1 : 0;
      const predTotal = predSum.reduce((a, b) => a + b, 0);
      return {
        precision: predTotal === 0 ? z : 0,
        recall: z,
        fscore: predTotal === 0 ? z : 0,
        support: 0,
        warnings,
      };
    }
    return {
      precision: weightedMean(precision, gold),
      recall: weightedMean(recall, gold),
      fscore: weightedMean(fscore, gold),
      support: trueTotal,
      warnings,
    };
  }
  return {
    precision: mean(precision),
    recall: mean(recall),
    fscore: mean(fscore),
    support: trueTotal,
    warnings,
  };
}

/** Micro-averaged F1 straight from summed counts (no allocation; for the bootstrap's inner loop). */
export function microF1FromTotals(tp: number, pred: number, gold: number): number {
  const p = pred > 0 ? tp / pred : 0;
  const r = gold > 0 ? tp / gold : 0;
  return p + r > 0 ? (2 * p * r) / (p + r) : 0;
}

export interface SeqevalScoreOptions extends NerOptions, PrfOptions {}

/** seqeval `precision_recall_fscore_support(y_true, y_pred, average=None | 'micro' | 'macro' | 'weighted', ...)`. */
export function seqevalPrecisionRecallFscoreSupport(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  average: null,
  options?: SeqevalScoreOptions,
): PerTypeScores;
export function seqevalPrecisionRecallFscoreSupport(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  average: SeqevalAverage,
  options?: SeqevalScoreOptions,
): AverageScores;
export function seqevalPrecisionRecallFscoreSupport(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  average: SeqevalAverage | null,
  options: SeqevalScoreOptions = {},
): PerTypeScores | AverageScores {
  const counts = nerCounts(yTrue, yPred, options);
  const { tp, pred, gold } = sumNerCounts(counts);
  const result =
    average === null
      ? prfFromCounts(counts.types, tp, pred, gold, null, options)
      : prfFromCounts(counts.types, tp, pred, gold, average, options);
  result.warnings.unshift(...counts.warnings);
  return result;
}

type SeqevalScoreArgs = [
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  options?: SeqevalScoreOptions & { average?: SeqevalAverage },
];

/** One of precision / recall / F-score, micro by default, warning only for that score (as seqeval does). */
function seqevalSingleScore(
  score: 'precision' | 'recall' | 'fscore',
  [yTrue, yPred, options = {}]: SeqevalScoreArgs,
): number {
  const warnFor = score === 'fscore' ? 'f-score' : score;
  return seqevalPrecisionRecallFscoreSupport(yTrue, yPred, options.average ?? 'micro', {
    ...options,
    warnFor: [warnFor],
  })[score];
}

/** seqeval `f1_score` (micro by default). */
export function seqevalF1(...args: SeqevalScoreArgs): number {
  return seqevalSingleScore('fscore', args);
}
/** seqeval `precision_score` (micro by default). */
export function seqevalPrecision(...args: SeqevalScoreArgs): number {
  return seqevalSingleScore('precision', args);
}
/** seqeval `recall_score` (micro by default). */
export function seqevalRecall(...args: SeqevalScoreArgs): number {
  return seqevalSingleScore('recall', args);
}

/** seqeval `accuracy_score`: token-level accuracy over all tags. */
export function seqevalAccuracy(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
): number {
  checkConsistentLength(yTrue, yPred);
  let correct = 0;
  let total = 0;
  yTrue.forEach((sentence, s) =>
    sentence.forEach((tag, i) => {
      total++;
      if (tag === yPred[s][i]) correct++;
    }),
  );
  return correct / total;
}

/** seqeval `performance_measure`: token-level TP/FP/FN/TN, with seqeval's (non-standard) definitions. */
export function seqevalPerformanceMeasure(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
): { TP: number; FP: number; FN: number; TN: number } {
  const t = yTrue.flat();
  const p = yPred.flat();
  const out = { TP: 0, FP: 0, FN: 0, TN: 0 };
  const n = Math.min(t.length, p.length);
  for (let i = 0; i < n; i++) {
    if (t[i] === p[i] && (t[i] !== 'O' || p[i] !== 'O')) out.TP++;
    if (t[i] !== p[i] && p[i] !== 'O') out.FP++;
    if (t[i] !== 'O' && p[i] === 'O') out.FN++;
    if (t[i] === 'O' && p[i] === 'O') out.TN++;
  }
  return out;
}

export interface ReportRow {
  precision: number;
  recall: number;
  'f1-score': number;
  support: number;
}

/** seqeval `classification_report(..., output_dict=True)`: one row per type plus micro, macro and weighted averages. */
export interface SeqevalReport {
  perType: Record<string, ReportRow>;
  'micro avg': ReportRow;
  'macro avg': ReportRow;
  'weighted avg': ReportRow;
  warnings: string[];
}

/** Report rows from counts (per type, then the three averages), shared by the report and the benchmark runner. */
export function seqevalReportFromCounts(counts: NerCounts, options: PrfOptions = {}): SeqevalReport {
  const { tp, pred, gold } = sumNerCounts(counts);
  const per = prfFromCounts(counts.types, tp, pred, gold, null, options);
  const perType: Record<string, ReportRow> = {};
  per.labels.forEach((label, i) => {
    perType[label] = {
      precision: per.precision[i],
      recall: per.recall[i],
      'f1-score': per.fscore[i],
      support: per.support[i],
    };
  });
  const warnings = [...counts.warnings, ...per.warnings];
  const row = (average: SeqevalAverage): ReportRow => {
    const a = prfFromCounts(counts.types, tp, pred, gold, average, options);
    warnings.push(...a.warnings);
    return { precision: a.precision, recall: a.recall, 'f1-score': a.fscore, support: a.support };
  };
  return {
    perType,
    'micro avg': row('micro'),
    'macro avg': row('macro'),
    'weighted avg': row('weighted'),
    warnings,
  };
}

/** seqeval `classification_report(y_true, y_pred, mode=..., scheme=..., output_dict=True)`. */
export function seqevalClassificationReport(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  options: SeqevalScoreOptions = {},
): SeqevalReport {
  return seqevalReportFromCounts(nerCounts(yTrue, yPred, options), options);
}
