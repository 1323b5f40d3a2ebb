/** What the status bar shows: host, app version, event connection and the inference backend. */
import { create } from 'zustand';
import type { AppInfo, ProgressEvent } from '../../../shared/ipc';
import type { ConnectionState } from '../api/transports/serve';
import type { BackendStatus } from '../inference/common/backendSelection';

interface RuntimeState {
  appInfo: AppInfo | null;
  connection: ConnectionState | null;
  backend: BackendStatus | null;
  backendPending: boolean;
  backendError: string | null;
  /** Long-running jobs on the main side, from 'progress' events, oldest first. */
  jobs: ProgressEvent[];
}

export const useRuntime = create<RuntimeState>()(() => ({
  appInfo: null,
  connection: null,
  backend: null,
  backendPending: true,
  backendError: null,
  jobs: [],
}));

const finishedJobLingerMs = 1500;

/** Record a progress event; a finished job (done ≥ total) leaves the status bar shortly after. */
export function trackProgress(event: ProgressEvent): void {
  const others = useRuntime.getState().jobs.filter((job) => job.jobId !== event.jobId);
  useRuntime.setState({ jobs: [...others, event] });
  if (event.total !== null && event.done >= event.total) {
    setTimeout(() => {
      const current = useRuntime.getState().jobs.find((job) => job.jobId === event.jobId);
      if (current === event)
        useRuntime.setState({ jobs: useRuntime.getState().jobs.filter((job) => job !== event) });
    }, finishedJobLingerMs);
  }
}
