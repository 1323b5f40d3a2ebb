import type { ReactNode } from 'react';
import { IpcError, type Settings } from '../../../shared/ipc';
import { useRuntime } from '../state/runtime';
import { useRouter, type ViewName } from '../state/router';
import { useServices } from '../state/services';
import { SettingsStore } from '../state/settings';
import {
  AnnotateIcon,
  BenchmarkIcon,
  CheckpointIcon,
  DatasetIcon,
  MonitorIcon,
  MoonIcon,
  PlaygroundIcon,
  SunIcon,
  TeamIcon,
  TrainIcon,
} from './icons';
import { SessionStore } from '../state/session';

export const viewLabels: Record<ViewName, string> = {
  checkpoints: 'Checkpoints',
  datasets: 'Datasets',
  annotate: 'Annotate',
  train: 'Train',
  benchmark: 'Benchmark',
  playground: 'Playground',
  team: 'Team',
};

const navItems: { view: ViewName; icon: ReactNode }[] = [
  { view: 'checkpoints', icon: <CheckpointIcon /> },
  { view: 'datasets', icon: <DatasetIcon /> },
  { view: 'annotate', icon: <AnnotateIcon /> },
  { view: 'train', icon: <TrainIcon /> },
  { view: 'benchmark', icon: <BenchmarkIcon /> },
  { view: 'playground', icon: <PlaygroundIcon /> },
  { view: 'team', icon: <TeamIcon /> },
];

const themeOptions: { value: Settings['theme']; label: string; icon: ReactNode }[] = [
  { value: 'system', label: 'System', icon: <MonitorIcon /> },
  { value: 'light', label: 'Light', icon: <SunIcon /> },
  { value: 'dark', label: 'Dark', icon: <MoonIcon /> },
];

const backendOptions: { value: Settings['backend']; label: string }[] = [
  { value: 'auto', label: 'Automatic' },
  { value: 'webgpu', label: 'WebGPU (forced)' },
  { value: 'wasm', label: 'WASM' },
  { value: 'cpu', label: 'CPU (plain JS)' },
];

export function Sidebar() {
  const { inference } = useServices();
  const current = useRouter((s) => s.route.view);
  const navigate = useRouter((s) => s.navigate);
  const settings = SettingsStore.use((s) => s.settings);
  const update = SettingsStore.use((s) => s.update);
  const user = SessionStore.use((s) => s.user);
  // Accounts and routing exist only on a team server, for the roles that manage them.
  const items = navItems.filter(
    (item) => item.view !== 'team' || (user !== null && user.role !== 'annotator'),
  );

  const setTheme = (theme: Settings['theme']) => void update({ theme }).catch(() => {});
  const setBackend = (backend: Settings['backend']) =>
    void update({ backend })
      .then(() => inference.call('init', { preference: backend }))
      .catch((error: Error) => {
        // A refused settings.update was toasted by the client; a worker failure shows in the status bar.
        if (!(error instanceof IpcError)) useRuntime.setState({ backendError: error.message, backend: null });
      });

  return (
    <aside className="sidebar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          哪吒
        </span>
        <div>
          <div className="brand-name">Nezha Studio</div>
          <div className="brand-tagline">NEZHA for Chinese NLP</div>
        </div>
      </div>
      <nav aria-label="Views">
        <ul className="nav">
          {items.map((item) => (
            <li key={item.view}>
              <a
                href={`#/${item.view}`}
                className={item.view === current ? 'nav-item active' : 'nav-item'}
                aria-current={item.view === current ? 'page' : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(item.view);
                }}
              >
                {item.icon}
                <span>{viewLabels[item.view]}</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div className="sidebar-settings">
        <div className="setting">
          <div className="setting-label" id="theme-label">
            Theme
          </div>
          <div className="segmented" role="group" aria-labelledby="theme-label">
            {themeOptions.map((option) => (
              <button
                key={option.value}
                className="segment"
                aria-pressed={settings.theme === option.value}
                title={`${option.label} theme`}
                onClick={() => setTheme(option.value)}
              >
                {option.icon}
                <span>{option.label}</span>
              </button>
            ))}
          </div>
        </div>
        <label className="setting">
          <span className="setting-label">Inference backend</span>
          <select
            className="select"
            value={settings.backend}
            onChange={(event) => setBackend(event.target.value as Settings['backend'])}
          >
            {backendOptions.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
      </div>
    </aside>
  );
}
