import { backendLabel } from '../inference/common/backendSelection';
import { useRuntime } from '../state/runtime';
import { useServices } from '../state/services';
import { SessionStore } from '../state/session';

const connectionText = {
  connecting: 'connecting…',
  open: 'connected',
  reconnecting: 'reconnecting…',
  closed: 'disconnected',
} as const;

export function StatusBar() {
  const { hostKind } = useServices();
  const { appInfo, connection, backend, backendPending, backendError, jobs } = useRuntime();
  const job = jobs.at(-1);
  const { user, logout } = SessionStore.use();

  let backendText: string;
  let backendTitle: string;
  if (backend) {
    backendText = backendLabel(backend);
    const failures = backend.failures.map((f) => `\n${f.backend} failed: ${f.error}`).join('');
    backendTitle = `Inference backend: ${backend.reason}${failures}`;
  } else if (backendError) {
    backendText = 'No inference backend';
    backendTitle = backendError;
  } else {
    backendText = backendPending ? 'Starting inference…' : 'Inference idle';
    backendTitle = 'The inference worker is choosing a tfjs backend';
  }

  const host = hostKind === 'electron' ? 'Electron' : user ? 'Team server' : 'Browser (serve mode)';
  const hostTitle =
    hostKind === 'serve'
      ? `Served by the local host on ${window.location.host}; events ${connection ? connectionText[connection] : 'not subscribed'}`
      : 'Desktop app';

  return (
    <footer className="statusbar" role="contentinfo">
      <span
        className={`status-item status-backend ${backendError ? 'status-error' : ''}`}
        title={backendTitle}
        data-testid="status-backend"
        data-backend={backend?.backend ?? ''}
      >
        <span className={`dot ${backend ? 'dot-ok' : backendError ? 'dot-error' : 'dot-pending'}`} />
        {backendText}
      </span>
      {backend && <span className="status-item status-reason">{backend.reason}</span>}
      <span className="status-spacer" />
      {job && (
        <span
          className="status-item status-job"
          data-testid="status-job"
          title={jobs
            .map((j) => `${j.message ?? j.kind}: ${j.done}${j.total !== null ? `/${j.total}` : ''}`)
            .join('\n')}
        >
          <progress max={job.total ?? undefined} value={job.total !== null ? job.done : undefined} />
          {job.message ?? job.kind} {job.done}
          {job.total !== null && `/${job.total}`}
          {jobs.length > 1 && ` (+${jobs.length - 1} more)`}
        </span>
      )}
      {user && (
        <span className="status-item status-user" data-testid="status-user">
          {user.name} · {user.role}
          <button
            type="button"
            // Nothing of this account stays in memory: the page starts again at the sign-in.
            onClick={() => void logout().then(() => window.location.reload())}
          >
            Sign out
          </button>
        </span>
      )}
      <span className="status-item" title={hostTitle} data-testid="status-host">
        {hostKind === 'serve' && connection && connection !== 'open' && (
          <span className={`dot ${connection === 'closed' ? 'dot-error' : 'dot-pending'}`} />
        )}
        {host}
      </span>
      <span className="status-item" data-testid="status-version">
        {appInfo ? `${appInfo.name} v${appInfo.version}` : 'Nezha Studio'}
      </span>
    </footer>
  );
}
