/** Toast notifications: failed requests and main-side errors end up here. */
import { create } from 'zustand';

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  title: string;
  detail?: string;
  /** How many times the same toast was raised while visible. */
  count: number;
}

interface ToastState {
  toasts: Toast[];
  push(toast: Omit<Toast, 'id' | 'count'>): void;
  dismiss(id: number): void;
}

const autoDismissMs = { error: 12_000, info: 5_000 };
const maxVisible = 5;
let nextId = 1;

export const useToasts = create<ToastState>()((set, get) => ({
  toasts: [],
  push(toast) {
    // The same message twice (a retried request, a flapping connection) bumps a counter instead of stacking.
    const same = get().toasts.find((t) => t.title === toast.title && t.detail === toast.detail);
    if (same) {
      set({ toasts: get().toasts.map((t) => (t === same ? { ...t, count: t.count + 1 } : t)) });
      return;
    }
    const id = nextId++;
    set({ toasts: [...get().toasts, { ...toast, id, count: 1 }].slice(-maxVisible) });
    setTimeout(() => get().dismiss(id), autoDismissMs[toast.kind]);
  },
  dismiss(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
}));
