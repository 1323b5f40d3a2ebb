/**
 * Character selection in code points. Chinese has no spaces, so a selection is a run of whole
 * characters: it snaps outward to character boundaries and never splits a surrogate pair (an emoji
 * or a CJK Extension B ideograph is one character, two UTF-16 units).
 */
import { OffsetMap } from '../../../../shared/datasets/offsets';
import type { CodePointRange } from './spans';

/** anchor: where the selection started; focus: where it ends now (may be before the anchor). */
export interface TextSelection {
  anchor: number;
  focus: number;
}

/** The selected characters as a half-open range, or null for a caret (nothing selected). */
export function selectedRange(selection: TextSelection | null): CodePointRange | null {
  if (!selection || selection.anchor === selection.focus) return null;
  return {
    start: Math.min(selection.anchor, selection.focus),
    end: Math.max(selection.anchor, selection.focus),
  };
}

/**
 * A selection made by pointing at characters: from the character under the pointer at press
 * (`anchorChar`) to the one under it now (`focusChar`), both included, in either direction.
 */
export function selectionFromChars(anchorChar: number, focusChar: number): TextSelection {
  return focusChar >= anchorChar
    ? { anchor: anchorChar, focus: focusChar + 1 }
    : { anchor: anchorChar + 1, focus: focusChar };
}

/**
 * A DOM selection (UTF-16 offsets into `text`, in any order) → code points. An offset that falls
 * between the two halves of a surrogate pair snaps outward, so the character is taken whole.
 * Returns null for an empty selection.
 */
export function rangeFromUtf16(text: string, utf16A: number, utf16B: number): CodePointRange | null {
  const map = new OffsetMap(text);
  const clamp = (value: number) => Math.max(0, Math.min(text.length, Math.trunc(value)));
  const lo = clamp(Math.min(utf16A, utf16B));
  const hi = clamp(Math.max(utf16A, utf16B));
  const start = snap(map, lo, 'back');
  const end = snap(map, hi, 'forward');
  return end > start ? { start, end } : null;
}

function snap(map: OffsetMap, utf16: number, direction: 'back' | 'forward'): number {
  try {
    return map.toCodePoint(utf16);
  } catch {
    // Inside a surrogate pair: one unit back is the pair's start.
    const before = map.toCodePoint(utf16 - 1);
    return direction === 'back' ? before : before + 1;
  }
}

/**
 * Drop whitespace at both ends (a drag across a space in mixed Chinese/Latin text); null if only
 * whitespace remains.
 */
export function trimRange(text: string, range: CodePointRange): CodePointRange | null {
  const chars = Array.from(new OffsetMap(text).slice(range.start, range.end));
  let start = 0;
  let end = chars.length;
  while (start < end && /\s/u.test(chars[start])) start++;
  while (end > start && /\s/u.test(chars[end - 1])) end--;
  return end > start ? { start: range.start + start, end: range.start + end } : null;
}

export type CaretMove =
  | { type: 'left'; extend: boolean }
  | { type: 'right'; extend: boolean }
  | { type: 'word-left'; extend: boolean }
  | { type: 'word-right'; extend: boolean }
  | { type: 'home'; extend: boolean }
  | { type: 'end'; extend: boolean }
  | { type: 'all' }
  | { type: 'collapse' };

/**
 * Keyboard selection over a text of `length` code points. The caret sits between characters
 * (0..length); Shift extends from the anchor; without Shift an existing selection collapses to the
 * side the arrow points to, as in any text editor. Word moves go to the next or previous of
 * `wordStops` (lib/words/wordStops.ts); without them (the segmenter is still loading) a word is one character.
 */
export function moveCaret(
  selection: TextSelection | null,
  move: CaretMove,
  length: number,
  wordStops?: readonly number[] | null,
): TextSelection {
  const current = selection ?? { anchor: 0, focus: 0 };
  const clamp = (value: number) => Math.max(0, Math.min(length, value));
  const range = selectedRange(current);
  switch (move.type) {
    case 'all':
      return { anchor: 0, focus: length };
    case 'collapse':
      return { anchor: current.focus, focus: current.focus };
    case 'home':
      return move.extend ? { anchor: current.anchor, focus: 0 } : { anchor: 0, focus: 0 };
    case 'end':
      return move.extend ? { anchor: current.anchor, focus: length } : { anchor: length, focus: length };
    case 'left': {
      if (move.extend) return { anchor: clamp(current.anchor), focus: clamp(current.focus - 1) };
      const caret = range ? range.start : clamp(current.focus - 1);
      return { anchor: caret, focus: caret };
    }
    case 'right': {
      if (move.extend) return { anchor: clamp(current.anchor), focus: clamp(current.focus + 1) };
      const caret = range ? range.end : clamp(current.focus + 1);
      return { anchor: caret, focus: caret };
    }
    case 'word-left':
    case 'word-right': {
      const focus = clamp(current.focus);
      // Stops of another text (a stale answer) would misplace the caret: then move by one character.
      const stops = wordStops && wordStops[wordStops.length - 1] === length ? wordStops : null;
      const target = move.type === 'word-right' ? nextStop(stops, focus, length) : previousStop(stops, focus);
      return move.extend
        ? { anchor: clamp(current.anchor), focus: target }
        : { anchor: target, focus: target };
    }
  }
}

function nextStop(stops: readonly number[] | null, from: number, length: number): number {
  if (!stops) return Math.min(length, from + 1);
  return stops.find((stop) => stop > from) ?? length;
}

function previousStop(stops: readonly number[] | null, from: number): number {
  if (!stops) return Math.max(0, from - 1);
  for (let i = stops.length - 1; i >= 0; i--) if (stops[i] < from) return stops[i];
  return 0;
}
