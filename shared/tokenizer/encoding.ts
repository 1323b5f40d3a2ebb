/** A half-open character span [start, end) in the original text. */
export type CharSpan = readonly [start: number, end: number];

/**
 * One model input row, as HF's BatchEncoding for one sequence (pair), plus exact offsets.
 * Offsets of tokens from the second text (sequenceIds 1) refer to that text. Added special tokens
 * ([CLS], [SEP], [PAD]) have null offsets, sequence id and word id.
 */
export interface Encoding {
  inputIds: number[];
  tokenTypeIds: number[];
  attentionMask: number[];
  tokens: string[];
  /** 1 for tokens the tokenizer added ([CLS], [SEP], [PAD]), 0 for tokens from the text. */
  specialTokensMask: number[];
  /** UTF-16 code-unit spans into the token's own text (JS string indices). */
  offsets: (CharSpan | null)[];
  /** Unicode code-point spans (what annotations store): astral characters count as one. */
  codePointOffsets: (CharSpan | null)[];
  /** 0 or 1: which text the token came from; null for added special tokens. */
  sequenceIds: (0 | 1 | null)[];
  /** Pre-tokenizer word index within its text; null for added special tokens. */
  wordIds: (number | null)[];
  /** For windows of a long input: the index of the input this window came from (batches). */
  overflowToSampleMapping: number;
  /** For windows: the window's index among the windows of its input (0 for the first). */
  windowIndex: number;
  /**
   * Index, among all tokens of the windowed text (BertTokenizer.tokenizeWithOffsets), of this
   * window's first token from that text; 0 when nothing was windowed. Lets callers merge windows.
   */
  windowTokenStart: number;
}

export type CharUnit = 'utf16' | 'codePoint';

function spansOf(encoding: Encoding, unit: CharUnit): (CharSpan | null)[] {
  return unit === 'utf16' ? encoding.offsets : encoding.codePointOffsets;
}

/** Token indices of each (unit, sequence) of an encoding, in order: built once, then binary-searched. */
const tokenIndexCache = new WeakMap<Encoding, Map<string, number[]>>();

function tokensOfSequence(encoding: Encoding, sequence: 0 | 1, unit: CharUnit): number[] {
  let perEncoding = tokenIndexCache.get(encoding);
  if (!perEncoding) {
    perEncoding = new Map();
    tokenIndexCache.set(encoding, perEncoding);
  }
  const key = `${unit}:${sequence}`;
  let indices = perEncoding.get(key);
  if (!indices) {
    const spans = spansOf(encoding, unit);
    indices = [];
    for (let t = 0; t < spans.length; t++)
      if (spans[t] && encoding.sequenceIds[t] === sequence) indices.push(t);
    perEncoding.set(key, indices);
  }
  return indices;
}

/**
 * Index of the (first) token that covers character `charIndex` of sequence `sequence`, or null
 * (whitespace, dropped characters). Token starts and ends never decrease along a sequence, so this
 * is a binary search. Do not mutate an encoding after querying it.
 */
export function charToToken(
  encoding: Encoding,
  charIndex: number,
  sequence: 0 | 1 = 0,
  unit: CharUnit = 'codePoint',
): number | null {
  const spans = spansOf(encoding, unit);
  const indices = tokensOfSequence(encoding, sequence, unit);
  let lo = 0;
  let hi = indices.length - 1;
  let last = -1; // last position whose token starts at or before charIndex
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (spans[indices[mid]]![0] <= charIndex) {
      last = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (last < 0 || spans[indices[last]]![1] <= charIndex) return null;
  while (last > 0 && spans[indices[last - 1]]![1] > charIndex) last--;
  return indices[last];
}

/** Character span of token `tokenIndex` in its own text, or null for added special tokens. */
export function tokenToChars(
  encoding: Encoding,
  tokenIndex: number,
  unit: CharUnit = 'codePoint',
): CharSpan | null {
  if (tokenIndex < 0 || tokenIndex >= encoding.inputIds.length) {
    throw new RangeError(
      `token index ${tokenIndex} is outside the encoding (it has ${encoding.inputIds.length} tokens).`,
    );
  }
  return spansOf(encoding, unit)[tokenIndex];
}

/** Span of word `wordIndex` of sequence `sequence` (union of its tokens in this encoding), or null. */
export function wordToChars(
  encoding: Encoding,
  wordIndex: number,
  sequence: 0 | 1 = 0,
  unit: CharUnit = 'codePoint',
): CharSpan | null {
  const spans = spansOf(encoding, unit);
  let start = Infinity;
  let end = -Infinity;
  for (let t = 0; t < spans.length; t++) {
    const span = spans[t];
    if (!span || encoding.wordIds[t] !== wordIndex || encoding.sequenceIds[t] !== sequence) continue;
    start = Math.min(start, span[0]);
    end = Math.max(end, span[1]);
  }
  return start === Infinity ? null : [start, end];
}

/**
 * Maps UTF-16 indices of `text` to code-point indices: result[i] = number of code points before
 * UTF-16 index i (length text.length + 1).
 */
export function utf16ToCodePointIndex(text: string): Int32Array {
  const map = new Int32Array(text.length + 1);
  let cp = 0;
  for (let i = 0; i < text.length; i++) {
    map[i] = cp;
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point: its second unit maps inside it.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        map[i + 1] = cp;
        i++;
      }
    }
    cp++;
  }
  map[text.length] = cp;
  return map;
}

/** Converts a code-point index of `text` to a UTF-16 index. */
export function codePointToUtf16Index(text: string, codePointIndex: number): number {
  let cp = 0;
  let i = 0;
  while (i < text.length && cp < codePointIndex) {
    const c = text.codePointAt(i) as number;
    i += c > 0xffff ? 2 : 1;
    cp++;
  }
  if (cp < codePointIndex) {
    throw new RangeError(
      `code point index ${codePointIndex} is past the end of the text (${cp} code points).`,
    );
  }
  return i;
}
