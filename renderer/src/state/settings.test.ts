import { describe, expect, it } from 'vitest';
import { defaultSettings, type Settings } from '../../../shared/ipc';
import type { Api } from '../api/client';
import { createSettingsStore, resolveTheme } from './settings';

describe('resolveTheme', () => {
  it('follows the system only when the setting says so', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
});

/** The settings channels of a main side that keeps them in memory and refuses one annotator name. */
function settingsApi(stored: Settings): Api {
  const settings = {
    get: async () => stored,
    update: async (patch: Partial<Settings>) => {
      if (patch.annotatorName === 'refused') throw new Error('annotatorName: refused by the main side');
      stored = { ...stored, ...patch };
      return stored;
    },
  };
  return { settings } as unknown as Api;
}

describe('createSettingsStore', () => {
  it('loads, applies an update at once and keeps what the main side saved', async () => {
    const store = createSettingsStore(settingsApi({ ...defaultSettings, theme: 'dark' }));
    expect(store.getState().loaded).toBe(false);
    await store.getState().load();
    expect(store.getState()).toMatchObject({ loaded: true, settings: { theme: 'dark' } });
    const saving = store.getState().update({ theme: 'light' });
    expect(store.getState().settings.theme).toBe('light');
    await saving;
    expect(store.getState().settings.theme).toBe('light');
  });

  it('rolls a refused update back, and two stores never share settings', async () => {
    const store = createSettingsStore(settingsApi({ ...defaultSettings, annotatorName: 'ann' }));
    const other = createSettingsStore(settingsApi({ ...defaultSettings, annotatorName: 'bo' }));
    await store.getState().load();
    await other.getState().load();
    await expect(store.getState().update({ annotatorName: 'refused' })).rejects.toThrow(/refused/);
    expect(store.getState().settings.annotatorName).toBe('ann');
    expect(other.getState().settings.annotatorName).toBe('bo');
  });
});
