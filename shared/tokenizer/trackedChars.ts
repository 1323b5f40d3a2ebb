import { charFlags, COMBINES_BACK } from './unicodeClasses';

/**
 * A run of code points where each one remembers the UTF-16 span [start, end) of the original text
 * it came from. Every normalisation step maps these spans along, so a token's offsets are the
 * union of its characters' spans however lowercasing, NFC or NFD changed the lengths.
 */
export interface TrackedChars {
  codePoints: number[];
  starts: number[];
  ends: number[];
}

export function emptyTracked(): TrackedChars {
  return { codePoints: [], starts: [], ends: [] };
}

export function codePointsToString(codePoints: readonly number[], from = 0, to = codePoints.length): string {
  if (from === 0 && to === codePoints.length && to <= 4096) return String.fromCodePoint(...codePoints);
  let out = '';
  // Chunked so long words do not overflow the argument limit of fromCodePoint.
  for (let i = from; i < to; i += 4096) {
    out += String.fromCodePoint(...codePoints.slice(i, Math.min(to, i + 4096)));
  }
  return out;
}

function pushString(out: TrackedChars, text: string, start: number, end: number): void {
  for (const ch of text) {
    out.codePoints.push(ch.codePointAt(0) as number);
    out.starts.push(start);
    out.ends.push(end);
  }
}

/**
 * Lowercases code point by code point, as HF does: `PreTrainedTokenizer.tokenize` lowercases the
 * text with a regex that matches one character at a time, so Greek final-sigma context never
 * applies ('ΑΣ' → 'ασ', whereas JS 'ΑΣ'.toLowerCase() gives 'ας'). Full mappings apply: 'İ' → 'i̇'.
 * BasicTokenizer lowercases each word a second time; that pass is the identity for every Unicode 14
 * code point after this one (checked with Python: lower is idempotent and NFC never re-creates an
 * uppercase letter from lowercased input), so it is not repeated here.
 */
const lowerCache = new Map<number, string>();
export function lowercaseTracked(chars: TrackedChars): TrackedChars {
  const { codePoints, starts, ends } = chars;
  let changed = false;
  for (const cp of codePoints) {
    if ((cp >= 0x41 && cp <= 0x5a) || cp >= 0xc0) {
      changed = true;
      break;
    }
  }
  if (!changed) return chars;
  const out = emptyTracked();
  for (let i = 0; i < codePoints.length; i++) {
    const cp = codePoints[i];
    if (cp < 0x80) {
      out.codePoints.push(cp >= 0x41 && cp <= 0x5a ? cp + 32 : cp);
      out.starts.push(starts[i]);
      out.ends.push(ends[i]);
      continue;
    }
    let lower = lowerCache.get(cp);
    if (lower === undefined) {
      lower = String.fromCodePoint(cp).toLowerCase();
      lowerCache.set(cp, lower);
    }
    pushString(out, lower, starts[i], ends[i]);
  }
  return out;
}

function spanOf(chars: TrackedChars, from: number, to: number): [number, number] {
  let start = Infinity;
  let end = -Infinity;
  for (let i = from; i < to; i++) {
    if (chars.starts[i] < start) start = chars.starts[i];
    if (chars.ends[i] > end) end = chars.ends[i];
  }
  return [start, end];
}

/**
 * Normalises (NFC or NFD) while carrying spans. The word is cut into chunks (a code point plus the
 * code points that may combine with it); an unchanged chunk keeps per-character spans, a changed one
 * gives all its output characters the chunk's span. If chunk-wise normalisation ever disagrees with
 * normalising the whole word, the exact whole-word result is used, aligned by common prefix/suffix.
 */
export function normalizeTracked(chars: TrackedChars, form: 'NFC' | 'NFD'): TrackedChars {
  const { codePoints } = chars;
  const n = codePoints.length;
  // Fast path: below U+0300 (NFC) / U+00C0 (NFD) every code point is stable and none combines.
  const limit = form === 'NFC' ? 0x300 : 0xc0;
  let needsWork = false;
  for (let i = 0; i < n; i++) {
    if (codePoints[i] >= limit) {
      needsWork = true;
      break;
    }
  }
  if (!needsWork) return chars;
  // Most words are already normalised: one native call settles it.
  const original = codePointsToString(codePoints);
  const whole = original.normalize(form);
  if (whole === original) return chars;

  const out = emptyTracked();
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && charFlags(codePoints[j]) & COMBINES_BACK) j++;
    const chunk = codePointsToString(codePoints, i, j);
    const normalized = chunk.normalize(form);
    if (normalized === chunk) {
      for (let k = i; k < j; k++) {
        out.codePoints.push(codePoints[k]);
        out.starts.push(chars.starts[k]);
        out.ends.push(chars.ends[k]);
      }
    } else {
      const [start, end] = spanOf(chars, i, j);
      pushString(out, normalized, start, end);
    }
    i = j;
  }
  if (whole === codePointsToString(out.codePoints)) return out;
  return alignByPrefixSuffix(chars, whole);
}

function alignByPrefixSuffix(chars: TrackedChars, normalized: string): TrackedChars {
  const target = Array.from(normalized, (ch) => ch.codePointAt(0) as number);
  const source = chars.codePoints;
  let prefix = 0;
  while (prefix < source.length && prefix < target.length && source[prefix] === target[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < source.length - prefix &&
    suffix < target.length - prefix &&
    source[source.length - 1 - suffix] === target[target.length - 1 - suffix]
  ) {
    suffix++;
  }
  const out = emptyTracked();
  for (let k = 0; k < prefix; k++) {
    out.codePoints.push(target[k]);
    out.starts.push(chars.starts[k]);
    out.ends.push(chars.ends[k]);
  }
  const middleIsEmpty = source.length - suffix <= prefix;
  const [start, end] = middleIsEmpty
    ? spanOf(chars, 0, source.length)
    : spanOf(chars, prefix, source.length - suffix);
  for (let k = prefix; k < target.length - suffix; k++) {
    out.codePoints.push(target[k]);
    out.starts.push(start);
    out.ends.push(end);
  }
  for (let k = suffix; k > 0; k--) {
    out.codePoints.push(target[target.length - k]);
    out.starts.push(chars.starts[source.length - k]);
    out.ends.push(chars.ends[source.length - k]);
  }
  return out;
}
