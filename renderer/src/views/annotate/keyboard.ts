/**
 * The Annotate view's keyboard map, as data: `keyBindings` is the one list of every key, its command and
 * what it does. `commandForKey` reads it to turn a key press into a command (or null: the browser keeps
 * the key), and the help overlay (`?`) prints it, so the two cannot drift apart. Label keys come from
 * `labelHotkeys` (labelHotkeys.ts documents the rule). The view executes commands; tests check the map.
 */
import type { AnnotationSpan } from '../../../../shared/ipc';
import type { CaretMove } from './selection';

export { hotkeyOf, labelHotkeys } from './labelHotkeys';

export interface KeyPress {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
  altKey?: boolean;
}

export type AnnotateCommand =
  | { type: 'label'; label: string }
  | { type: 'caret'; move: CaretMove }
  | { type: 'focus-suggestion'; direction: 1 | -1 }
  | { type: 'accept-suggestion' }
  | { type: 'reject-suggestion' }
  | { type: 'remove-span' }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'accept-all-and-next' }
  | { type: 'accept-all' }
  | { type: 'next' }
  | { type: 'prev' }
  | { type: 'help' }
  | { type: 'escape' };

/** One key combination. `mod` is Ctrl (or ⌘ on a Mac); `shift: 'any'` matches with or without Shift. */
export interface Chord {
  key: string;
  mod?: boolean;
  shift?: boolean | 'any';
}

export type BindingGroup = 'Select' | 'Suggestions' | 'Edit' | 'Move between sentences' | 'Help';

export interface KeyBinding {
  /** Alternatives: any of them runs the command. */
  chords: readonly Chord[];
  command: AnnotateCommand;
  description: string;
  group: BindingGroup;
}

const caret = (move: CaretMove): AnnotateCommand => ({ type: 'caret', move });

export const keyBindings: readonly KeyBinding[] = [
  {
    chords: [{ key: 'ArrowLeft' }],
    command: caret({ type: 'left', extend: false }),
    description: 'Caret one character left',
    group: 'Select',
  },
  {
    chords: [{ key: 'ArrowRight' }],
    command: caret({ type: 'right', extend: false }),
    description: 'Caret one character right',
    group: 'Select',
  },
  {
    chords: [{ key: 'ArrowLeft', mod: true }],
    command: caret({ type: 'word-left', extend: false }),
    description: 'Caret one word left (jieba words)',
    group: 'Select',
  },
  {
    chords: [{ key: 'ArrowRight', mod: true }],
    command: caret({ type: 'word-right', extend: false }),
    description: 'Caret one word right (jieba words)',
    group: 'Select',
  },
  {
    chords: [{ key: 'Home' }],
    command: caret({ type: 'home', extend: false }),
    description: 'Caret to the start of the sentence',
    group: 'Select',
  },
  {
    chords: [{ key: 'End' }],
    command: caret({ type: 'end', extend: false }),
    description: 'Caret to the end of the sentence',
    group: 'Select',
  },
  {
    chords: [{ key: 'ArrowLeft', shift: true }],
    command: caret({ type: 'left', extend: true }),
    description: 'Extend the selection one character left',
    group: 'Select',
  },
  {
    chords: [{ key: 'ArrowRight', shift: true }],
    command: caret({ type: 'right', extend: true }),
    description: 'Extend the selection one character right',
    group: 'Select',
  },
  {
    chords: [{ key: 'ArrowLeft', mod: true, shift: true }],
    command: caret({ type: 'word-left', extend: true }),
    description: 'Extend the selection one word left',
    group: 'Select',
  },
  {
    chords: [{ key: 'ArrowRight', mod: true, shift: true }],
    command: caret({ type: 'word-right', extend: true }),
    description: 'Extend the selection one word right',
    group: 'Select',
  },
  {
    chords: [{ key: 'Home', shift: true }],
    command: caret({ type: 'home', extend: true }),
    description: 'Extend the selection to the start',
    group: 'Select',
  },
  {
    chords: [{ key: 'End', shift: true }],
    command: caret({ type: 'end', extend: true }),
    description: 'Extend the selection to the end',
    group: 'Select',
  },
  {
    chords: [{ key: 'a', mod: true }],
    command: caret({ type: 'all' }),
    description: 'Select the whole sentence',
    group: 'Select',
  },

  {
    chords: [{ key: 'Tab' }],
    command: { type: 'focus-suggestion', direction: 1 },
    description: 'Focus the next model suggestion (past the last one, Tab leaves the sentence)',
    group: 'Suggestions',
  },
  {
    chords: [{ key: 'Tab', shift: true }],
    command: { type: 'focus-suggestion', direction: -1 },
    description: 'Focus the previous model suggestion',
    group: 'Suggestions',
  },
  {
    chords: [{ key: 'a' }],
    command: { type: 'accept-suggestion' },
    description: 'Accept the focused suggestion (focus moves to the next one)',
    group: 'Suggestions',
  },
  {
    chords: [{ key: 'x' }],
    command: { type: 'reject-suggestion' },
    description: 'Reject the focused suggestion (focus moves to the next one)',
    group: 'Suggestions',
  },
  {
    chords: [{ key: 'Enter', shift: true }],
    command: { type: 'accept-all' },
    description: 'Accept every suggestion that fits',
    group: 'Suggestions',
  },

  {
    chords: [{ key: 'Delete' }, { key: 'Backspace' }],
    command: { type: 'remove-span' },
    description: 'Remove the picked span (or the one under the caret); with a suggestion focused, reject it',
    group: 'Edit',
  },
  {
    chords: [{ key: 'z', mod: true }],
    command: { type: 'undo' },
    description: 'Undo your last edit (stored: survives a restart)',
    group: 'Edit',
  },
  {
    chords: [
      { key: 'z', mod: true, shift: true },
      { key: 'y', mod: true },
    ],
    command: { type: 'redo' },
    description: 'Redo the edit you last undid',
    group: 'Edit',
  },
  {
    chords: [{ key: 'Escape' }],
    command: { type: 'escape' },
    description: 'Close the help or the span menu, else drop the suggestion focus and the selection',
    group: 'Edit',
  },

  {
    chords: [{ key: 'Enter' }],
    command: { type: 'accept-all-and-next' },
    description: 'Accept the suggestions that fit, mark done, next sentence',
    group: 'Move between sentences',
  },
  {
    chords: [{ key: 'j' }, { key: 'ArrowDown' }],
    command: { type: 'next' },
    description: 'Next sentence',
    group: 'Move between sentences',
  },
  {
    chords: [{ key: 'k' }, { key: 'ArrowUp' }],
    command: { type: 'prev' },
    description: 'Previous sentence',
    group: 'Move between sentences',
  },

  {
    chords: [{ key: '?', shift: 'any' }],
    command: { type: 'help' },
    description: 'Show or hide this list of keys',
    group: 'Help',
  },
];

const keyNames: Record<string, string> = {
  ArrowLeft: '←',
  ArrowRight: '→',
  ArrowUp: '↑',
  ArrowDown: '↓',
  Enter: 'Enter',
  Escape: 'Esc',
  Backspace: 'Backspace',
  Delete: 'Delete',
};

/** A chord as the help shows it: "Ctrl+Shift+→", "A", "?". */
export function formatChord(chord: Chord): string {
  const parts: string[] = [];
  if (chord.mod) parts.push('Ctrl');
  if (chord.shift === true) parts.push('Shift');
  parts.push(keyNames[chord.key] ?? (chord.key.length === 1 ? chord.key.toUpperCase() : chord.key));
  return parts.join('+');
}

function matches(chord: Chord, press: KeyPress): boolean {
  if (press.altKey) return false;
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  if (key !== chord.key) return false;
  if (Boolean(press.ctrlKey || press.metaKey) !== Boolean(chord.mod)) return false;
  return chord.shift === 'any' || Boolean(press.shiftKey) === Boolean(chord.shift);
}

export interface KeyContext {
  hotkeys: Map<string, string>;
  /** Keys typed into an input, select or textarea belong to it. */
  inEditableField: boolean;
}

export function commandForKey(press: KeyPress, context: KeyContext): AnnotateCommand | null {
  if (context.inEditableField) return null;
  for (const binding of keyBindings)
    if (binding.chords.some((chord) => matches(chord, press))) return binding.command;
  if (press.key.length === 1 && !press.shiftKey && !press.altKey && !press.ctrlKey && !press.metaKey) {
    const label = context.hotkeys.get(press.key.toLowerCase());
    if (label) return { type: 'label', label };
  }
  return null; // Ctrl+R, Ctrl+F… stay the browser's
}

/** Suggestions in reading order (start, then end): the order Tab visits them. */
export function suggestionOrder(suggestions: readonly AnnotationSpan[]): AnnotationSpan[] {
  return [...suggestions].sort((a, b) => a.start - b.start || a.end - b.end || a.id - b.id);
}

/**
 * The suggestion Tab (1) or Shift+Tab (-1) focuses from `focusedId`: from none, the first (or last); past
 * either end, null, which hands Tab back to the browser so focus can leave the sentence (no keyboard trap).
 * A focused id that is gone (accepted elsewhere) counts as none.
 */
export function nextSuggestionFocus(
  suggestions: readonly AnnotationSpan[],
  focusedId: number | null,
  direction: 1 | -1,
): number | null {
  const ordered = suggestionOrder(suggestions);
  if (ordered.length === 0) return null;
  const at = focusedId === null ? -1 : ordered.findIndex((s) => s.id === focusedId);
  if (at === -1) return (direction === 1 ? ordered[0] : ordered[ordered.length - 1]).id;
  return ordered[at + direction]?.id ?? null;
}

/**
 * Where focus goes once the focused suggestion is decided (accepted or rejected): the next one in reading
 * order, else the previous one, else none.
 */
export function focusAfterDecision(suggestions: readonly AnnotationSpan[], decidedId: number): number | null {
  const ordered = suggestionOrder(suggestions);
  const at = ordered.findIndex((s) => s.id === decidedId);
  if (at === -1) return null;
  return (ordered[at + 1] ?? ordered[at - 1])?.id ?? null;
}
