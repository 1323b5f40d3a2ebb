/** What the status bar shows: host, app version, event connection and the inference backend. */
import { create } from 'zustand';
import type { AppInfo } from '../../../shared/ipc';
import type { ConnectionState } from '../api/transports/serve';
import type { BackendStatus } from '../inference/backendSelection';

interface RuntimeState {
  appInfo: AppInfo | null;
  connection: ConnectionState | null;
  backend: BackendStatus | null;
  backendPending: boolean;
  backendError: string | null;
}

export const useRuntime = create<RuntimeState>()(() => ({
  appInfo: null,
  connection: null,
  backend: null,
  backendPending: true,
  backendError: null,
}));
