/**
 * Start-up: pick the transport (Electron bridge or serve host), build the typed API client and the
 * inference worker, route failures to toasts, and render. Nothing below this file knows which
 * transport is in use.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createApi } from './api/client';
import { pickTransport } from './api/transports/pick';
import { serveTeamAuth } from './api/transports/serve';
import { createInferenceClient } from './inference/ui/client';
import { startRouterSync } from './state/router';
import { useRuntime } from './state/runtime';
import type { AppServices } from './state/services';
import { ServicesContext } from './state/services';
import { createLibraryStore, LibraryStore } from './state/library';
import { createSessionStore, SessionStore } from './state/session';
import { createSettingsStore, SettingsStore } from './state/settings';
import { useToasts } from './state/toasts';
import type { ViewStoreDeps } from './state/viewStore';
import { AnnotateStore, createAnnotateStore } from './views/annotate/store';
import { BenchmarkStore, createBenchmarkStore } from './views/benchmark/store';
import { createTrainStore, TrainStore } from './views/train/trainStore';
import './fonts.css';
import './styles.css';

const toast = useToasts.getState().push;

const { kind, transport } = pickTransport((connection) => useRuntime.setState({ connection }));
const api = createApi(transport, {
  // A cancelled job is what the person asked for, not a failure: the view that started it says so.
  onRequestError: (error) =>
    error.code !== 'cancelled' &&
    toast({ kind: 'error', title: `Request failed: ${error.channel}`, detail: error.message }),
});

const services: AppServices = { api, inference: createInferenceClient(), hostKind: kind };
const settingsStore = createSettingsStore(api);
const sessionStore = createSessionStore(api, kind === 'serve' ? serveTeamAuth(window.location.origin) : null);
/** What every view store is created with, once (DESIGN.md: no module-level state, no `api` per call). */
const storeDeps: ViewStoreDeps = {
  api,
  inference: services.inference,
  settings: () => settingsStore.getState().settings,
  toast,
  user: () => sessionStore.getState().user,
};
startRouterSync();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element: the renderer build is broken');
createRoot(root).render(
  <StrictMode>
    <ServicesContext.Provider value={services}>
      <SessionStore.Provider value={sessionStore}>
        <SettingsStore.Provider value={settingsStore}>
          <LibraryStore.Provider value={createLibraryStore(api)}>
            <AnnotateStore.Provider value={createAnnotateStore(storeDeps)}>
              <BenchmarkStore.Provider value={createBenchmarkStore(storeDeps)}>
                <TrainStore.Provider value={createTrainStore(storeDeps)}>
                  <App />
                </TrainStore.Provider>
              </BenchmarkStore.Provider>
            </AnnotateStore.Provider>
          </LibraryStore.Provider>
        </SettingsStore.Provider>
      </SessionStore.Provider>
    </ServicesContext.Provider>
  </StrictMode>,
);
