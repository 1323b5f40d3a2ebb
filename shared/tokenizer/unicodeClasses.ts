import { RANGE_TRIPLES } from './unicode14Tables';

/**
 * Character classes of HF's slow BertTokenizer, answered with Unicode 14.0 (Python 3.11's
 * `unicodedata`, which produced the goldens) instead of the JS engine's newer Unicode.
 *
 * Why not `\p{...}`: Node 24 ships Unicode 17. Code points assigned in 15.0-17.0 are category Cn
 * in Unicode 14, so HF drops them in `_clean_text`, while `\p{C}` would keep them (e.g. U+A7CB,
 * which the newer engine also lowercases to U+0264, a letter HF would never see).
 */
export const DROP = 1; // removed by _clean_text: NUL, U+FFFD, category C* except \t \n \r
export const SPACE = 2; // becomes a space in _clean_text: " \t\n\r" or category Zs
export const PUNCT = 4; // split off by _run_split_on_punc: ASCII punctuation ranges or category P*
export const MARK_NONSPACING = 8; // category Mn, removed by _run_strip_accents after NFD
export const COMBINES_BACK = 16; // may be merged with the previous code point by NFC/NFD
export const SPLIT_ONLY = 32; // Python str.split() whitespace that survives cleaning (U+2028, U+2029)

const bmpFlags = new Uint8Array(0x10000);
const astralFirst: number[] = [];
const astralLast: number[] = [];
const astralFlags: number[] = [];

for (let i = 0; i < RANGE_TRIPLES.length; i += 3) {
  const first = RANGE_TRIPLES[i];
  const last = RANGE_TRIPLES[i + 1];
  const flags = RANGE_TRIPLES[i + 2];
  if (first < 0x10000) bmpFlags.fill(flags, first, Math.min(last, 0xffff) + 1);
  if (last >= 0x10000) {
    astralFirst.push(Math.max(first, 0x10000));
    astralLast.push(last);
    astralFlags.push(flags);
  }
}

/** Bit set of the classes above for one code point. */
export function charFlags(codePoint: number): number {
  if (codePoint < 0x10000) return bmpFlags[codePoint];
  let lo = 0;
  let hi = astralFirst.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (codePoint < astralFirst[mid]) hi = mid - 1;
    else if (codePoint > astralLast[mid]) lo = mid + 1;
    else return astralFlags[mid];
  }
  return 0;
}

/** BasicTokenizer._is_chinese_char: the CJK Unified Ideograph blocks HF lists (not kana/hangul). */
export function isCjkIdeograph(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** CJK compatibility ideographs: NFC maps each to a unified ideograph (e.g. U+F900 → U+8C48). */
export function isCjkCompatibilityIdeograph(cp: number): boolean {
  return (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f);
}
