/**
 * Which key labels the selection with which label. The same label name gets the same key in every dataset
 * (PER is 1 in People's Daily, MSRA and a CLUENER copy alike), and a label set of any size is
 * keyboard-complete. Three passes, each taking only keys still free:
 *
 *  1. A key the person chose for the label (`LabelDefinition.hotkey`, set through `labels.update`), in
 *     label-bar order. Keys the view's commands use (`reservedLetters`) are never label keys.
 *  2. Well-known names get fixed keys (`wellKnownHotkeys`, names compared case-insensitively): the
 *     People's Daily / MSRA types PER 1, LOC 2, ORG 3 (with their synonyms), GPE 4, MISC 5, and CLUENER's ten
 *     labels name 1, address 2, organization 3, company 4, government 5, position 6, book 7, game 8,
 *     movie 9, scene s (its people / places / organisations on the same keys as PER / LOC / ORG).
 *  3. Every other label, in alphabetical order of name (so the label bar's order does not matter): the first
 *     free digit 1-9, else the first letter of its name (when free and not reserved), else the first free
 *     letter of `letterPool`.
 */
import type { LabelDefinition } from '../../../../shared/ipc';

/** Letters the Annotate commands own: A accept, X reject (the focused suggestion), J next, K previous. */
export const reservedLetters: ReadonlySet<string> = new Set(['a', 'x', 'j', 'k']);

/** Letters handed out once the digits are taken: the alphabet without the reserved letters. */
export const letterPool = [...'bcdefghilmnopqrstuvwyz'];

const fixed: Record<string, string> = {
  per: '1',
  person: '1',
  nr: '1',
  loc: '2',
  location: '2',
  ns: '2',
  org: '3',
  organisation: '3',
  nt: '3',
  gpe: '4',
  misc: '5',
  // CLUENER 2020
  name: '1',
  address: '2',
  organization: '3',
  company: '4',
  government: '5',
  position: '6',
  book: '7',
  game: '8',
  movie: '9',
  scene: 's',
};

/** The fixed key of a well-known label name, or null. */
export function wellKnownHotkey(name: string): string | null {
  return Object.hasOwn(fixed, name.toLowerCase()) ? fixed[name.toLowerCase()] : null;
}

/** Every well-known name with its key, for the help overlay and the README. */
export const wellKnownHotkeys: readonly (readonly [string, string])[] = Object.entries(fixed);

const isLabelKey = (key: string) => /^[0-9]$/.test(key) || (/^[a-z]$/.test(key) && !reservedLetters.has(key));

/** Hotkey → label name, by the three passes above. */
export function labelHotkeys(labels: readonly LabelDefinition[]): Map<string, string> {
  const keys = new Map<string, string>();
  const keyed = new Set<string>();
  const give = (key: string, name: string) => {
    keys.set(key, name);
    keyed.add(name);
  };
  const byPosition = [...labels].sort((a, b) => a.position - b.position || compare(a.name, b.name));

  for (const label of byPosition) {
    const own = label.hotkey?.toLowerCase() ?? '';
    if (!keyed.has(label.name) && isLabelKey(own) && !keys.has(own)) give(own, label.name);
  }
  for (const label of byPosition) {
    const known = wellKnownHotkey(label.name);
    if (!keyed.has(label.name) && known !== null && !keys.has(known)) give(known, label.name);
  }
  const rest = byPosition.filter((l) => !keyed.has(l.name)).sort((a, b) => compare(a.name, b.name));
  for (const label of rest) {
    const digit = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].find((d) => !keys.has(d));
    const initial = label.name.charAt(0).toLowerCase();
    const key =
      digit ??
      (isLabelKey(initial) && !keys.has(initial) ? initial : letterPool.find((letter) => !keys.has(letter)));
    if (key !== undefined) give(key, label.name);
  }
  return keys;
}

/** The hotkey shown next to a label in the legend (inverse of labelHotkeys). */
export function hotkeyOf(hotkeys: Map<string, string>, label: string): string | null {
  for (const [key, name] of hotkeys) if (name === label) return key;
  return null;
}

/** Code-unit order: the same in every locale, so the assignment never depends on the machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
