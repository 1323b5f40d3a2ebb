/**
 * User settings (theme, inference backend, annotator name), loaded with settings.get and saved with
 * settings.update, so they persist on the main side across reloads and restarts. Like the view stores,
 * created once by main.tsx with the api (`createSettingsStore(api)`) and read through `SettingsStore`;
 * the view stores read the current settings through their deps (`deps.settings()`).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { defaultSettings, type Settings } from '../../../shared/ipc';
import type { Api } from '../api/client';
import { defineViewStore } from './viewStore';

export interface SettingsState {
  settings: Settings;
  loaded: boolean;
  load(): Promise<void>;
  update(patch: Partial<Settings>): Promise<void>;
}

export function createSettingsStore(api: Api): StoreApi<SettingsState> {
  return createStore<SettingsState>()((set, get) => ({
    settings: defaultSettings,
    loaded: false,
    async load() {
      const settings = await api.settings.get();
      set({ settings, loaded: true });
    },
    async update(patch) {
      const previous = get().settings;
      // Optimistic: the theme switches at once; a refused update rolls back (and the client toasts it).
      set({ settings: { ...previous, ...patch } });
      try {
        set({ settings: await api.settings.update(patch) });
      } catch (error) {
        set({ settings: previous });
        throw error;
      }
    },
  }));
}

export const SettingsStore = defineViewStore<SettingsState>('Settings');

export type ResolvedTheme = 'light' | 'dark';

export function resolveTheme(theme: Settings['theme'], systemPrefersDark: boolean): ResolvedTheme {
  if (theme === 'system') return systemPrefersDark ? 'dark' : 'light';
  return theme;
}
