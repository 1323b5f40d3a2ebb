import { useToasts } from '../state/toasts';
import { CrossIcon } from './icons';

export function Toasts() {
  const toasts = useToasts((s) => s.toasts);
  const dismiss = useToasts((s) => s.dismiss);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((toast) => (
        <div
          key={toast.id}
          className={`toast toast-${toast.kind}`}
          role={toast.kind === 'error' ? 'alert' : 'status'}
          data-testid="toast"
        >
          <div className="toast-body">
            <div className="toast-title">
              {toast.title}
              {toast.count > 1 && <span className="toast-count">×{toast.count}</span>}
            </div>
            {toast.detail && <div className="toast-detail">{toast.detail}</div>}
          </div>
          <button className="icon-button" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
            <CrossIcon />
          </button>
        </div>
      ))}
    </div>
  );
}
