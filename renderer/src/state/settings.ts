/**
 * User settings (theme, inference backend), loaded with settings.get and saved with settings.update,
 * so they persist on the main side across reloads and restarts.
 */
import { create } from 'zustand';
import { defaultSettings, type Settings } from '../../../shared/ipc';
import type { Api } from '../api/client';

interface SettingsState {
  settings: Settings;
  loaded: boolean;
  load(api: Api): Promise<void>;
  update(api: Api, patch: Partial<Settings>): Promise<void>;
}

export const useSettings = create<SettingsState>()((set, get) => ({
  settings: defaultSettings,
  loaded: false,
  async load(api) {
    const settings = await api.settings.get();
    set({ settings, loaded: true });
  },
  async update(api, patch) {
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

export type ResolvedTheme = 'light' | 'dark';

export function resolveTheme(theme: Settings['theme'], systemPrefersDark: boolean): ResolvedTheme {
  if (theme === 'system') return systemPrefersDark ? 'dark' : 'light';
  return theme;
}
