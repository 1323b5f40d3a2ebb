import { describe, expect, it } from 'vitest';
import type { LabelDefinition } from '../../../../shared/ipc';
import { commandForKey, hotkeyOf, labelHotkeys } from './keyboard';

const label = (name: string, position: number, hotkey: string | null = null): LabelDefinition => ({
  name,
  position,
  hotkey,
  color: '#336699',
});

describe('label hotkeys', () => {
  it('uses a label’s own hotkey and gives the others the free digits in label-bar order', () => {
    const keys = labelHotkeys([
      label('ORG', 2),
      label('PER', 0, '2'),
      label('LOC', 1),
      label('MISC', 3, 'm'),
    ]);
    expect([...keys].sort()).toEqual([
      ['1', 'LOC'],
      ['2', 'PER'],
      ['3', 'ORG'],
      ['m', 'MISC'],
    ]);
    expect(hotkeyOf(keys, 'ORG')).toBe('3');
    expect(hotkeyOf(keys, 'NONE')).toBeNull();
  });

  it('a hotkey claimed twice goes to the first label; the second gets a digit', () => {
    const keys = labelHotkeys([label('A', 0, '1'), label('B', 1, '1')]);
    expect(keys.get('1')).toBe('A');
    expect(hotkeyOf(keys, 'B')).toBe('2');
  });

  it('stops at nine digits', () => {
    const many = Array.from({ length: 11 }, (_, i) => label(`L${i}`, i));
    const keys = labelHotkeys(many);
    expect(keys.size).toBe(9);
    expect(hotkeyOf(keys, 'L9')).toBeNull();
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

  it('labels by digit and by a label’s letter (which wins over navigation)', () => {
    expect(press('1')).toEqual({ type: 'label', label: 'PER' });
    expect(press('3')).toEqual({ type: 'label', label: 'ORG' });
    expect(press('j')).toEqual({ type: 'label', label: 'JOB' });
    expect(press('5')).toBeNull();
  });

  it('undo / redo with Ctrl or Cmd', () => {
    expect(press('z', { ctrl: true })).toEqual({ type: 'undo' });
    expect(press('Z', { ctrl: true, shift: true })).toEqual({ type: 'redo' });
    expect(press('z', { meta: true, shift: true })).toEqual({ type: 'redo' });
    expect(press('y', { ctrl: true })).toEqual({ type: 'redo' });
    expect(press('r', { ctrl: true })).toBeNull();
  });

  it('selection keys', () => {
    expect(press('ArrowRight', { shift: true })).toEqual({
      type: 'caret',
      move: { type: 'right', extend: true },
    });
    expect(press('ArrowLeft')).toEqual({ type: 'caret', move: { type: 'left', extend: false } });
    expect(press('Home', { shift: true })).toEqual({ type: 'caret', move: { type: 'home', extend: true } });
    expect(press('a', { ctrl: true })).toEqual({ type: 'caret', move: { type: 'all' } });
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

  it('J is next when no label claims it; Alt combinations and typing into fields are left alone', () => {
    const plain = { hotkeys: labelHotkeys([label('PER', 0)]), inEditableField: false };
    expect(commandForKey({ key: 'j' }, plain)).toEqual({ type: 'next' });
    expect(commandForKey({ key: '1', altKey: true }, plain)).toBeNull();
    expect(commandForKey({ key: '1' }, { ...plain, inEditableField: true })).toBeNull();
    expect(commandForKey({ key: 'z', ctrlKey: true }, { ...plain, inEditableField: true })).toBeNull();
  });
});
