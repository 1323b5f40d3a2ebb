/**
 * Code point ↔ UTF-16 offset conversion. Records count code points (like Python and the dataset files);
 * JS strings, the DOM and Label Studio count UTF-16 code units. They differ after each non-BMP char
 * (emoji, rare CJK extension B ideographs), which is exactly where naive slicing goes wrong.
 */
import type { EntitySpan } from './types';

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Number of code points in `text` (a lone surrogate counts as one). */
export function codePointLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    if (isHighSurrogate(text.charCodeAt(i)) && isLowSurrogate(text.charCodeAt(i + 1))) {
      length--;
      i++;
    }
  }
  return length;
}

/** True when every code point of `text` is a single UTF-16 unit, so both offset systems agree. */
export function isBmpOnly(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isHighSurrogate(text.charCodeAt(i))) return false;
  return true;
}

/**
 * Maps offsets of one text both ways. Built once per text (linear), then each lookup is O(1)
 * (code point → UTF-16) or O(log n) (UTF-16 → code point).
 */
export class OffsetMap {
  readonly text: string;
  /** utf16Offsets[cp] = UTF-16 offset of code point `cp`; one extra entry for the end of the text. */
  private readonly utf16Offsets: Int32Array | null;

  constructor(text: string) {
    this.text = text;
    if (isBmpOnly(text)) {
      this.utf16Offsets = null;
      return;
    }
    const offsets = new Int32Array(codePointLength(text) + 1);
    let cp = 0;
    for (let i = 0; i < text.length; i++) {
      offsets[cp++] = i;
      if (
        isHighSurrogate(text.charCodeAt(i)) &&
        i + 1 < text.length &&
        isLowSurrogate(text.charCodeAt(i + 1))
      )
        i++;
    }
    offsets[cp] = text.length;
    this.utf16Offsets = offsets;
  }

  /** Length of the text in code points. */
  get codePointLength(): number {
    return this.utf16Offsets ? this.utf16Offsets.length - 1 : this.text.length;
  }

  toUtf16(codePointOffset: number): number {
    const length = this.codePointLength;
    if (!Number.isInteger(codePointOffset) || codePointOffset < 0 || codePointOffset > length) {
      throw new RangeError(`code point offset ${codePointOffset} is outside the text (0..${length})`);
    }
    return this.utf16Offsets ? this.utf16Offsets[codePointOffset] : codePointOffset;
  }

  /** Converts a UTF-16 offset; throws if it points between the two halves of a surrogate pair. */
  toCodePoint(utf16Offset: number): number {
    if (!Number.isInteger(utf16Offset) || utf16Offset < 0 || utf16Offset > this.text.length) {
      throw new RangeError(`UTF-16 offset ${utf16Offset} is outside the text (0..${this.text.length})`);
    }
    const offsets = this.utf16Offsets;
    if (!offsets) return utf16Offset;
    let lo = 0;
    let hi = offsets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (offsets[mid] <= utf16Offset) lo = mid;
      else hi = mid - 1;
    }
    if (offsets[lo] !== utf16Offset) {
      throw new RangeError(`UTF-16 offset ${utf16Offset} splits a surrogate pair (code point ${lo})`);
    }
    return lo;
  }

  /** The substring between two code point offsets. */
  slice(start: number, end: number): string {
    return this.text.slice(this.toUtf16(start), this.toUtf16(end));
  }
}

/** Converts one code point offset of `text` to a UTF-16 offset. Build an `OffsetMap` for many lookups. */
export function codePointToUtf16(text: string, codePointOffset: number): number {
  return new OffsetMap(text).toUtf16(codePointOffset);
}

/** Converts one UTF-16 offset of `text` to a code point offset. */
export function utf16ToCodePoint(text: string, utf16Offset: number): number {
  return new OffsetMap(text).toCodePoint(utf16Offset);
}

/** Spans with code point offsets → the same spans with UTF-16 offsets (for display and Label Studio). */
export function spansToUtf16(text: string, spans: readonly EntitySpan[]): EntitySpan[] {
  const map = new OffsetMap(text);
  return spans.map((span) => ({ ...span, start: map.toUtf16(span.start), end: map.toUtf16(span.end) }));
}

/** Spans with UTF-16 offsets (from the DOM or Label Studio) → code point offsets. */
export function spansFromUtf16(text: string, spans: readonly EntitySpan[]): EntitySpan[] {
  const map = new OffsetMap(text);
  return spans.map((span) => ({
    ...span,
    start: map.toCodePoint(span.start),
    end: map.toCodePoint(span.end),
  }));
}

/** The text a span covers (code point offsets). */
export function spanText(text: string, span: Pick<EntitySpan, 'start' | 'end'>): string {
  return new OffsetMap(text).slice(span.start, span.end);
}
