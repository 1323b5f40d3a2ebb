/**
 * One way to make a view's store (tldraw's `Editor` behind `useEditor()`): a vanilla zustand store created
 * ONCE at start-up by main.tsx with the app's dependencies, handed to the views through React context. The
 * store's actions close over `deps`, so callers never pass `api` or `inference` again, and everything the
 * store keeps between calls (queues, timers, caches) lives inside its factory, not at module level, so two
 * stores (two windows, two tests) never share state.
 *
 * A view store file exports `createXStore(deps)` (returns `StoreApi<XState>`) and `const XStore =
 * defineViewStore<XState>('X')`; components read it with `XStore.use(selector)` and call actions through
 * `XStore.useApi().getState()`; main.tsx mounts `<XStore.Provider value={createXStore(deps)}>`.
 */
import { createContext, createElement, useContext, type ReactNode } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { Settings, TeamUser } from '../../../shared/ipc';
import type { Api } from '../api/client';
import type { InferenceClient } from '../inference/ui/client';
import type { Toast } from './toasts';

/** What every view store is created with. */
export interface ViewStoreDeps {
  api: Api;
  inference: InferenceClient;
  /** The current settings (read when needed: they change while the store lives). */
  settings: () => Settings;
  toast: (toast: Omit<Toast, 'id' | 'count'>) => void;
  /** The account signed in to a team server (the author of every edit there); absent or null elsewhere. */
  user?: () => TeamUser | null;
}

export interface ViewStore<S> {
  Provider: (props: { value: StoreApi<S>; children?: ReactNode }) => ReactNode;
  /** The store itself, for actions and imperative reads in event handlers. */
  useApi(): StoreApi<S>;
  /** Subscribe to a slice (re-renders when it changes), or to the whole state without a selector. */
  use(): S;
  use<T>(selector: (state: S) => T): T;
}

export function defineViewStore<S>(name: string): ViewStore<S> {
  const Context = createContext<StoreApi<S> | null>(null);
  Context.displayName = `${name}Store`;
  function useApi(): StoreApi<S> {
    const store = useContext(Context);
    if (!store)
      throw new Error(`The ${name} store was used outside its provider: render the app through main.tsx`);
    return store;
  }
  const whole = (state: S): unknown => state;
  function use(selector?: (state: S) => unknown): unknown {
    return useStore(useApi(), selector ?? whole);
  }
  return {
    Provider: ({ value, children }) => createElement(Context.Provider, { value }, children),
    useApi,
    use: use as ViewStore<S>['use'],
  };
}
