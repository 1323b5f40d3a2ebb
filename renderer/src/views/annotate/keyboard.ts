/**
 * The Annotate view's keyboard map as a pure function: a key press (plus what is on screen) → one
 * command, or null to let the browser have the key. The view executes commands; tests check the map.
 *
 *   1-9 / a label's letter   label the selection (or relabel the picked span)
 *   Shift+←/→, Shift+Home/End  extend the selection by characters;  ←/→ move the caret
 *   Ctrl+A                   select the whole sentence
 *   Delete / Backspace       remove the picked span (or the one under the caret/selection)
 *   Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y   undo / redo (stored on the main side)
 *   Enter                    accept all model suggestions, mark done, next example
 *   Shift+Enter              accept all model suggestions (stay)
 *   J or ↓ / K or ↑          next / previous example
 *   Escape                   close the menu, clear the selection
 */
import type { LabelDefinition } from '../../../../shared/ipc';
import type { CaretMove } from './selection';

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
  | { type: 'remove-span' }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'accept-all-and-next' }
  | { type: 'accept-all' }
  | { type: 'next' }
  | { type: 'prev' }
  | { type: 'escape' };

/**
 * Hotkey → label name. A label's own hotkey wins; labels without one get the first free digit
 * 1-9 in label-bar order, so every label set of up to nine labels is keyboard-complete.
 */
export function labelHotkeys(labels: readonly LabelDefinition[]): Map<string, string> {
  const keys = new Map<string, string>();
  const ordered = [...labels].sort((a, b) => a.position - b.position);
  for (const label of ordered) {
    if (label.hotkey && !keys.has(label.hotkey.toLowerCase()))
      keys.set(label.hotkey.toLowerCase(), label.name);
  }
  for (const label of ordered) {
    if (label.hotkey && keys.get(label.hotkey.toLowerCase()) === label.name) continue;
    for (let digit = 1; digit <= 9; digit++) {
      if (!keys.has(String(digit))) {
        keys.set(String(digit), label.name);
        break;
      }
    }
  }
  return keys;
}

/** The hotkey shown next to a label in the legend (inverse of labelHotkeys). */
export function hotkeyOf(hotkeys: Map<string, string>, label: string): string | null {
  for (const [key, name] of hotkeys) if (name === label) return key;
  return null;
}

export interface KeyContext {
  hotkeys: Map<string, string>;
  /** Keys typed into an input, select or textarea belong to it. */
  inEditableField: boolean;
}

export function commandForKey(press: KeyPress, context: KeyContext): AnnotateCommand | null {
  if (context.inEditableField) return null;
  const mod = Boolean(press.ctrlKey || press.metaKey);
  const shift = Boolean(press.shiftKey);
  const key = press.key;
  const lower = key.length === 1 ? key.toLowerCase() : key;

  if (mod && !press.altKey) {
    if (lower === 'z') return shift ? { type: 'redo' } : { type: 'undo' };
    if (lower === 'y' && !shift) return { type: 'redo' };
    if (lower === 'a' && !shift) return { type: 'caret', move: { type: 'all' } };
    return null; // Ctrl+R, Ctrl+F… stay the browser's
  }
  if (press.altKey) return null;

  switch (key) {
    case 'ArrowLeft':
      return { type: 'caret', move: { type: 'left', extend: shift } };
    case 'ArrowRight':
      return { type: 'caret', move: { type: 'right', extend: shift } };
    case 'Home':
      return { type: 'caret', move: { type: 'home', extend: shift } };
    case 'End':
      return { type: 'caret', move: { type: 'end', extend: shift } };
    case 'ArrowDown':
      return { type: 'next' };
    case 'ArrowUp':
      return { type: 'prev' };
    case 'Delete':
    case 'Backspace':
      return { type: 'remove-span' };
    case 'Enter':
      return shift ? { type: 'accept-all' } : { type: 'accept-all-and-next' };
    case 'Escape':
      return { type: 'escape' };
  }
  if (key.length === 1 && !shift) {
    const label = context.hotkeys.get(lower);
    if (label) return { type: 'label', label };
    if (lower === 'j') return { type: 'next' };
    if (lower === 'k') return { type: 'prev' };
  }
  return null;
}
