import { useEffect, type ComponentType } from 'react';
import { ViewErrorBoundary } from './components/ErrorBoundary';
import { Sidebar, viewLabels } from './components/Sidebar';
import { LoginPage } from './components/LoginPage';
import { StatusBar } from './components/StatusBar';
import { Toasts } from './components/Toasts';
import { useRouter, type ViewName } from './state/router';
import { trackProgress, useRuntime } from './state/runtime';
import { useServices } from './state/services';
import { useToasts } from './state/toasts';
import { SessionStore } from './state/session';
import { resolveTheme, SettingsStore } from './state/settings';
import { AnnotateView } from './views/AnnotateView';
import { BenchmarkView } from './views/BenchmarkView';
import { CheckpointsView } from './views/CheckpointsView';
import { DatasetsView } from './views/DatasetsView';
import { PlaygroundView } from './views/PlaygroundView';
import { TeamView } from './views/TeamView';
import { TrainView } from './views/train/TrainView';

const views: Record<ViewName, ComponentType> = {
  checkpoints: CheckpointsView,
  datasets: DatasetsView,
  annotate: AnnotateView,
  train: TrainView,
  benchmark: BenchmarkView,
  playground: PlaygroundView,
  team: TeamView,
};

function useTheme() {
  const theme = SettingsStore.use((s) => s.settings.theme);
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => {
      const root = document.documentElement;
      root.dataset.theme = resolveTheme(theme, media.matches);
      root.dataset.themeSetting = theme;
    };
    apply();
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [theme]);
}

/** Start-up: app info and settings from the main side, then the inference backend they ask for. */
function useStartup() {
  const { api, inference } = useServices();
  const settings = SettingsStore.useApi();
  const toast = useToasts((s) => s.push);
  useEffect(() => {
    let cancelled = false;
    // Subscribed only now: on a team server the event socket needs the session.
    const stopErrors = api.on('main.error', (event) =>
      toast({ kind: 'error', title: event.message, detail: event.detail }),
    );
    const stopProgress = api.on('progress', trackProgress);
    void api.app
      .info()
      .then((appInfo) => !cancelled && useRuntime.setState({ appInfo }))
      .catch(() => {});
    const stopBackend = inference.onBackend((backend) =>
      useRuntime.setState({ backend, backendPending: false, backendError: null }),
    );
    const stopCrash = inference.onCrash((message) =>
      useRuntime.setState({ backend: null, backendPending: false, backendError: message }),
    );
    void settings
      .getState()
      .load()
      .catch(() => {}) // the client toasted it; fall back to the defaults
      .then(() => inference.call('init', { preference: settings.getState().settings.backend }))
      .catch((error: Error) => {
        if (!cancelled) useRuntime.setState({ backendPending: false, backendError: error.message });
      });
    return () => {
      cancelled = true;
      stopErrors();
      stopProgress();
      stopBackend();
      stopCrash();
    };
  }, [api, inference, settings, toast]);
}

/**
 * The app once the host says who is using it: on a team server nothing else starts (no settings, no
 * worker, no view asking the host) until someone has signed in.
 */
export function App() {
  const { status, error, check } = SessionStore.use();
  useEffect(() => {
    void check();
  }, [check]);
  if (status === 'checking') return <main className="login" aria-busy="true" />;
  if (status === 'signed-out') return <LoginPage />;
  if (status === 'unreachable')
    return (
      <main className="login">
        <div className="login-card" role="alert">
          <h1>Nezha Studio</h1>
          <p>The host could not be reached: {error}</p>
          <button type="button" onClick={() => void check()}>
            Try again
          </button>
        </div>
      </main>
    );
  return <Workbench />;
}

function Workbench() {
  useTheme();
  useStartup();
  const route = useRouter((s) => s.route);
  const unknownHash = useRouter((s) => s.unknownHash);
  const View = views[route.view];
  return (
    <div className="app">
      <Sidebar />
      <main className="main">
        {unknownHash && (
          <div className="callout" role="status">
            There is no page at “{unknownHash}”; showing {viewLabels[route.view]} instead.
          </div>
        )}
        <ViewErrorBoundary key={route.view} viewLabel={viewLabels[route.view]}>
          <View />
        </ViewErrorBoundary>
      </main>
      <StatusBar />
      <Toasts />
    </div>
  );
}
