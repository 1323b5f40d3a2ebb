import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { teamRoles, type DatasetProgress, type TeamRole, type TeamUser } from '../../../shared/ipc';
import { EmptyState } from '../components/EmptyState';
import { TeamIcon } from '../components/icons';
import { LibraryStore } from '../state/library';
import { useServices } from '../state/services';
import { SessionStore } from '../state/session';
import { isNerDataset } from './requirements';

/**
 * A team server's accounts and routing (issue 17): the admin adds, resets and removes accounts (what the
 * CLI's `user` commands do); reviewers and admins set how many annotators see each example of a dataset
 * and follow its progress per annotator. Every call is checked by role on the server as well.
 */
export function TeamView() {
  const user = SessionStore.use((s) => s.user);
  if (!user || user.role === 'annotator')
    return (
      <div className="view" data-testid="view-team">
        <EmptyState icon={<TeamIcon />} title="Team">
          Accounts and task routing are managed on a team server (<code>npm run serve -- --team</code>) by its
          admins and reviewers.
        </EmptyState>
      </div>
    );
  return (
    <div className="view" data-testid="view-team">
      <header className="view-header">
        <div>
          <h1>Team</h1>
          <p className="muted">Accounts, and how many annotators see each example.</p>
        </div>
      </header>
      {user.role === 'admin' && <Accounts self={user} />}
      <Routing />
    </div>
  );
}

function Accounts({ self }: { self: TeamUser }) {
  const { api } = useServices();
  const [users, setUsers] = useState<TeamUser[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const refresh = useCallback(() => api.team.users().then(setUsers, () => undefined), [api]);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const [name, setName] = useState('');
  const [role, setRole] = useState<TeamRole>('annotator');
  const [password, setPassword] = useState('');
  const add = (event: FormEvent) => {
    event.preventDefault();
    void api.team.addUser({ name: name.trim(), role, password }).then(
      (added) => {
        setMessage(`Added ${added.name} (${added.role}).`);
        setName('');
        setPassword('');
        void refresh();
      },
      () => undefined, // the client toasted the refusal (a taken name, a short password)
    );
  };
  const reset = (account: TeamUser) => {
    const next = window.prompt(`New password for ${account.name} (at least 8 characters):`);
    if (!next) return;
    void api.team.resetUser({ name: account.name, password: next }).then(
      () => setMessage(`New password set for ${account.name}; their sessions ended.`),
      () => undefined,
    );
  };
  const remove = (account: TeamUser) => {
    if (!window.confirm(`Remove the account ${account.name}? Their annotations stay.`)) return;
    void api.team.removeUser({ name: account.name }).then(
      () => void refresh(),
      () => undefined,
    );
  };

  return (
    <section className="panel pad" aria-label="Accounts">
      <h2>Accounts</h2>
      <table className="table" data-testid="team-accounts">
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((account) => (
            <tr key={account.id}>
              <td>{account.name}</td>
              <td>{account.role}</td>
              <td className="actions">
                <button type="button" className="button button-small" onClick={() => reset(account)}>
                  Reset password
                </button>
                <button
                  type="button"
                  className="button button-small"
                  disabled={account.id === self.id}
                  title={account.id === self.id ? 'You cannot remove your own account' : undefined}
                  onClick={() => remove(account)}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="team-add" onSubmit={add} aria-label="Add an account">
        <input
          className="input"
          aria-label="New account name"
          placeholder="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <select
          className="select"
          aria-label="New account role"
          value={role}
          onChange={(e) => setRole(e.target.value as TeamRole)}
        >
          {teamRoles.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <input
          className="input"
          type="password"
          autoComplete="new-password"
          aria-label="New account password"
          placeholder="Password (8+ characters)"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button
          type="submit"
          className="button button-primary"
          disabled={name.trim() === '' || password.length < 8}
        >
          Add account
        </button>
      </form>
      {message && (
        <p role="status" className="muted">
          {message}
        </p>
      )}
    </section>
  );
}

function Routing() {
  const { api } = useServices();
  const { datasets, refreshDatasets } = LibraryStore.use();
  useEffect(() => {
    void refreshDatasets();
  }, [refreshDatasets]);
  const corpora = datasets.filter((d) => isNerDataset(d) && !d.readOnly);
  const [progress, setProgress] = useState<Record<string, DatasetProgress>>({});
  const load = useCallback(
    (datasetId: string) =>
      api.team.progress({ datasetId }).then(
        (p) => setProgress((all) => ({ ...all, [datasetId]: p })),
        () => undefined,
      ),
    [api],
  );
  const ids = corpora.map((d) => d.id).join(',');
  useEffect(() => {
    for (const id of ids ? ids.split(',') : []) void load(id);
  }, [ids, load]);

  return (
    <section className="panel pad" aria-label="Routing">
      <h2>Task routing</h2>
      <table className="table" data-testid="team-routing">
        <thead>
          <tr>
            <th>Dataset</th>
            <th>Annotators per example</th>
            <th>Complete</th>
            <th>Per annotator (done / open)</th>
          </tr>
        </thead>
        <tbody>
          {corpora.map((dataset) => {
            const p = progress[dataset.id];
            return (
              <tr key={dataset.id}>
                <td>{dataset.name}</td>
                <td>
                  <input
                    className="input input-narrow"
                    type="number"
                    min={1}
                    max={50}
                    aria-label={`Annotators per example of ${dataset.name}`}
                    defaultValue={p?.overlap ?? 1}
                    key={p?.overlap ?? 'loading'}
                    onBlur={(e) => {
                      const overlap = Number(e.target.value);
                      if (!Number.isInteger(overlap) || overlap === p?.overlap) return;
                      void api.team.setOverlap({ datasetId: dataset.id, overlap }).then(
                        () => load(dataset.id),
                        () => undefined,
                      );
                    }}
                  />
                </td>
                <td>{p ? `${p.complete.toLocaleString()} of ${p.examples.toLocaleString()}` : '…'}</td>
                <td className="small">
                  {p?.annotators.map((a) => `${a.annotator} ${a.done} / ${a.leased}`).join(' · ') || '—'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
