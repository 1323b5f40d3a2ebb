/** One per view: a crash in a view shows what broke there and leaves the sidebar and status bar working. */
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  viewLabel: string;
  children: ReactNode;
}
interface State {
  error: Error | null;
}

export class ViewErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(`The ${this.props.viewLabel} view crashed:`, error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="view-error" role="alert">
        <h2>The {this.props.viewLabel} view stopped working</h2>
        <p className="view-error-message">{error.message}</p>
        <p className="muted">
          The rest of the app still works. Try again; if it keeps happening, reload the window (Ctrl+R) and
          report the message above with what you were doing.
        </p>
        {error.stack && (
          <details>
            <summary>Technical details</summary>
            <pre>{error.stack}</pre>
          </details>
        )}
        <button className="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
