import { describe, expect, it } from 'vitest';
import type { AnnotationSpan, LabelDefinition } from '../../../../shared/ipc';
import {
  commandForKey,
  focusAfterDecision,
  formatChord,
  hotkeyOf,
  keyBindings,
  labelHotkeys,
  nextSuggestionFocus,
} from './keyboard';
import { reservedLetters, wellKnownHotkey } from './labelHotkeys';
import { CLUENER2020_LABELS } from '../../../../shared/metrics/cluener2020';

const label = (name: string, position: number, hotkey: string | null = null): LabelDefinition => ({
  name,
  position,
  hotkey,
  color: '#336699',
});

describe('label hotkeys', () => {
  it('gives PER / LOC / ORG the same keys in every dataset, whatever the label-bar order', () => {
    const one = labelHotkeys([label('ORG', 0), label('PER', 1), label('LOC', 2)]);
    const other = labelHotkeys([label('PER', 0), label('LOC', 1), label('ORG', 2)]);
    expect([...one].sort()).toEqual([
      ['1', 'PER'],
      ['2', 'LOC'],
      ['3', 'ORG'],
    ]);
    expect([...other].sort()).toEqual([...one].sort());
  });

  it('keys all ten CLUENER labels, the 10th with a letter, people/places/organisations as PER/LOC/ORG', () => {
    const keys = labelHotkeys(CLUENER2020_LABELS.map((name, i) => label(name, i)));
    expect(keys.size).toBe(10);
    expect(Object.fromEntries([...keys].map(([key, name]) => [name, key]))).toEqual({
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
    });
    // Reversed order, same keys.
    const reversed = labelHotkeys([...CLUENER2020_LABELS].reverse().map((name, i) => label(name, i)));
    expect([...reversed].sort()).toEqual([...keys].sort());
  });

  it('other labels take the free digits in alphabetical order, then letters that are no command key', () => {
    const names = Array.from({ length: 14 }, (_, i) => `T${String(i).padStart(2, '0')}`);
    const keys = labelHotkeys([...names].reverse().map((name, i) => label(name, i)));
    expect(keys.size).toBe(14);
    expect(names.slice(0, 9).map((name) => hotkeyOf(keys, name))).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
    ]);
    // The first letter of the name when free (t), then the pool in order.
    expect(names.slice(9).map((name) => hotkeyOf(keys, name))).toEqual(['t', 'b', 'c', 'd', 'e']);
    for (const reserved of reservedLetters) expect(keys.has(reserved)).toBe(false);
    for (const key of keys.keys())
      expect(commandForKey({ key }, { hotkeys: keys, inEditableField: false })).toMatchObject({
        type: 'label',
      });
  });

  it('a well-known label keeps its key next to unknown ones, which fill the gaps', () => {
    const keys = labelHotkeys([label('TIME', 0), label('PER', 1), label('DATE', 2), label('ORG', 3)]);
    expect(Object.fromEntries([...keys].map(([key, name]) => [name, key]))).toEqual({
      PER: '1',
      ORG: '3',
      DATE: '2',
      TIME: '4',
    });
  });

  it('a key the person chose wins, except a command letter; a key claimed twice goes to the first label', () => {
    const keys = labelHotkeys([
      label('LOC', 0, '1'),
      label('PER', 1, '1'),
      label('JOB', 2, 'j'),
      label('MISC', 3, 'M'),
    ]);
    expect(keys.get('1')).toBe('LOC');
    expect(keys.get('m')).toBe('MISC');
    expect(keys.has('j')).toBe(false);
    // PER's fixed 1 is taken: with JOB it takes the free digits, alphabetically.
    expect(hotkeyOf(keys, 'JOB')).toBe('2');
    expect(hotkeyOf(keys, 'PER')).toBe('3');
    expect(hotkeyOf(keys, 'NONE')).toBeNull();
  });

  it('knows the well-known names case-insensitively', () => {
    expect(wellKnownHotkey('per')).toBe('1');
    expect(wellKnownHotkey('Organization')).toBe('3');
    expect(wellKnownHotkey('EVENT')).toBeNull();
    expect(wellKnownHotkey('constructor')).toBeNull();
  });
});

describe('commandForKey', () => {
  const hotkeys = labelHotkeys([label('PER', 0), label('LOC', 1), label('ORG', 2), label('JOB', 3, 'j')]);
  const context = { hotkeys, inEditableField: false };
  const press = (
    key: string,
    mods: { ctrl?: boolean; shift?: boolean; meta?: boolean; alt?: boolean } = {},
  ) =>
    commandForKey(
      { key, ctrlKey: mods.ctrl, shiftKey: mods.shift, metaKey: mods.meta, altKey: mods.alt },
      context,
    );

  it('labels by digit; a command letter stays a command even when a label asked for it', () => {
    expect(press('1')).toEqual({ type: 'label', label: 'PER' });
    expect(press('3')).toEqual({ type: 'label', label: 'ORG' });
    expect(press('4')).toEqual({ type: 'label', label: 'JOB' });
    expect(press('j')).toEqual({ type: 'next' });
    expect(press('5')).toBeNull();
    expect(press('1', { shift: true })).toBeNull();
  });

  it('undo / redo with Ctrl or Cmd', () => {
    expect(press('z', { ctrl: true })).toEqual({ type: 'undo' });
    expect(press('Z', { ctrl: true, shift: true })).toEqual({ type: 'redo' });
    expect(press('z', { meta: true, shift: true })).toEqual({ type: 'redo' });
    expect(press('y', { ctrl: true })).toEqual({ type: 'redo' });
    expect(press('r', { ctrl: true })).toBeNull();
  });

  it('selection keys: characters, words (Ctrl), Home/End, all', () => {
    expect(press('ArrowRight', { shift: true })).toEqual({
      type: 'caret',
      move: { type: 'right', extend: true },
    });
    expect(press('ArrowLeft')).toEqual({ type: 'caret', move: { type: 'left', extend: false } });
    expect(press('ArrowRight', { ctrl: true })).toEqual({
      type: 'caret',
      move: { type: 'word-right', extend: false },
    });
    expect(press('ArrowLeft', { meta: true, shift: true })).toEqual({
      type: 'caret',
      move: { type: 'word-left', extend: true },
    });
    expect(press('Home')).toEqual({ type: 'caret', move: { type: 'home', extend: false } });
    expect(press('End')).toEqual({ type: 'caret', move: { type: 'end', extend: false } });
    expect(press('Home', { shift: true })).toEqual({ type: 'caret', move: { type: 'home', extend: true } });
    expect(press('a', { ctrl: true })).toEqual({ type: 'caret', move: { type: 'all' } });
  });

  it('suggestion keys: Tab / Shift+Tab focus, A accepts, X rejects', () => {
    expect(press('Tab')).toEqual({ type: 'focus-suggestion', direction: 1 });
    expect(press('Tab', { shift: true })).toEqual({ type: 'focus-suggestion', direction: -1 });
    expect(press('a')).toEqual({ type: 'accept-suggestion' });
    expect(press('A')).toEqual({ type: 'accept-suggestion' });
    expect(press('x')).toEqual({ type: 'reject-suggestion' });
    expect(press('Tab', { ctrl: true })).toBeNull(); // the browser's tab switching
  });

  it('? opens the help with or without Shift (keyboard layouts differ)', () => {
    expect(press('?', { shift: true })).toEqual({ type: 'help' });
    expect(press('?')).toEqual({ type: 'help' });
  });

  it('flow keys', () => {
    expect(press('Enter')).toEqual({ type: 'accept-all-and-next' });
    expect(press('Enter', { shift: true })).toEqual({ type: 'accept-all' });
    expect(press('ArrowDown')).toEqual({ type: 'next' });
    expect(press('ArrowUp')).toEqual({ type: 'prev' });
    expect(press('k')).toEqual({ type: 'prev' });
    expect(press('Delete')).toEqual({ type: 'remove-span' });
    expect(press('Backspace')).toEqual({ type: 'remove-span' });
    expect(press('Escape')).toEqual({ type: 'escape' });
  });

  it('Alt combinations and typing into fields are left alone', () => {
    const plain = { hotkeys: labelHotkeys([label('PER', 0)]), inEditableField: false };
    expect(commandForKey({ key: 'j' }, plain)).toEqual({ type: 'next' });
    expect(commandForKey({ key: '1', altKey: true }, plain)).toBeNull();
    expect(commandForKey({ key: 'ArrowLeft', altKey: true }, plain)).toBeNull();
    expect(commandForKey({ key: '1' }, { ...plain, inEditableField: true })).toBeNull();
    expect(commandForKey({ key: 'z', ctrlKey: true }, { ...plain, inEditableField: true })).toBeNull();
  });
});

describe('the key map (what the ? overlay prints)', () => {
  const context = { hotkeys: new Map<string, string>(), inEditableField: false };

  it('every chord it lists runs its own command: no chord is listed twice or shadowed', () => {
    const seen = new Set<string>();
    for (const binding of keyBindings)
      for (const chord of binding.chords) {
        const shown = formatChord(chord);
        expect(seen.has(shown), `${shown} is listed twice`).toBe(false);
        seen.add(shown);
        const press = {
          key: chord.key,
          ctrlKey: Boolean(chord.mod),
          shiftKey: chord.shift === true,
        };
        expect(commandForKey(press, context), shown).toEqual(binding.command);
      }
  });

  it('lists every command and each with a description', () => {
    const types = new Set(keyBindings.map((b) => b.command.type));
    for (const type of [
      'caret',
      'focus-suggestion',
      'accept-suggestion',
      'reject-suggestion',
      'remove-span',
      'undo',
      'redo',
      'accept-all-and-next',
      'accept-all',
      'next',
      'prev',
      'help',
      'escape',
    ])
      expect(types.has(type as never), type).toBe(true);
    expect(keyBindings.every((b) => b.description.length > 8)).toBe(true);
  });

  it('command letters are the reserved ones, so no label key can shadow them', () => {
    const letters = keyBindings.flatMap((b) =>
      b.chords.filter((c) => !c.mod && /^[a-z]$/.test(c.key)).map((c) => c.key),
    );
    expect(new Set(letters)).toEqual(reservedLetters);
  });

  it('shows chords as people write them', () => {
    expect(formatChord({ key: 'ArrowRight', mod: true, shift: true })).toBe('Ctrl+Shift+→');
    expect(formatChord({ key: 'a' })).toBe('A');
    expect(formatChord({ key: '?', shift: 'any' })).toBe('?');
  });
});

describe('suggestion focus', () => {
  const suggestion = (id: number, start: number, end: number): AnnotationSpan =>
    ({
      id,
      start,
      end,
      label: 'PER',
      source: 'model',
      author: null,
      score: 0.9,
      checkpointId: 'demo',
      createdAt: '2026-01-01T00:00:00.000Z',
    }) as AnnotationSpan;
  // Stored order is not reading order: Tab follows the text.
  const suggestions = [suggestion(7, 10, 12), suggestion(3, 0, 2), suggestion(5, 4, 6)];

  it('Tab walks in reading order and hands focus back to the browser past the last one', () => {
    expect(nextSuggestionFocus(suggestions, null, 1)).toBe(3);
    expect(nextSuggestionFocus(suggestions, 3, 1)).toBe(5);
    expect(nextSuggestionFocus(suggestions, 5, 1)).toBe(7);
    expect(nextSuggestionFocus(suggestions, 7, 1)).toBeNull();
  });

  it('Shift+Tab walks back from the last one; a focus that is gone starts over', () => {
    expect(nextSuggestionFocus(suggestions, null, -1)).toBe(7);
    expect(nextSuggestionFocus(suggestions, 5, -1)).toBe(3);
    expect(nextSuggestionFocus(suggestions, 3, -1)).toBeNull();
    expect(nextSuggestionFocus(suggestions, 99, 1)).toBe(3);
    expect(nextSuggestionFocus([], null, 1)).toBeNull();
  });

  it('after a decision the focus moves to the next suggestion, else the previous, else none', () => {
    expect(focusAfterDecision(suggestions, 3)).toBe(5);
    expect(focusAfterDecision(suggestions, 7)).toBe(5);
    expect(focusAfterDecision([suggestion(1, 0, 1)], 1)).toBeNull();
    expect(focusAfterDecision(suggestions, 99)).toBeNull();
  });
});
