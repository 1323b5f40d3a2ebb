import { useState, type FormEvent } from 'react';
import { SessionStore } from '../state/session';

/**
 * The team server's sign-in (serve --team): name and password, the server's reason when it refuses (wrong
 * password, too many tries). Accounts come from the admin (`user add` on the server, or Team in the app).
 */
export function LoginPage() {
  const { error, signingIn, login } = SessionStore.use();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '' || password === '') return;
    void login(name.trim(), password).then((signedIn) => {
      setPassword('');
      // A fresh start with the session: the event socket and every view connect as this account.
      if (signedIn) window.location.reload();
    });
  };
  return (
    <main className="login" data-testid="login-page">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Nezha Studio</h1>
        <p className="muted">This is a team server. Sign in with the account your admin gave you.</p>
        <label>
          Name
          <input
            name="username"
            autoComplete="username"
            autoFocus
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <p className="login-error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button
          type="submit"
          className="button-primary"
          disabled={signingIn || name.trim() === '' || password === ''}
        >
          {signingIn ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
