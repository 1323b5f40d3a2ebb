/**
 * A long main-side job started from a form (a dataset import, an ONNX export): the jobId it runs under, its
 * live `progress` events, and Cancel through `jobs.cancel`. `useMainJob` holds that state; `JobProgress`
 * draws the bar, the message and the Cancel button.
 */
import { useEffect, useRef, useState } from 'react';
import type { ProgressEvent } from '../../../shared/ipc';
import { newJobId } from '../lib/jobId';
import { useServices } from '../state/services';

export interface MainJob {
  id: string;
  progress: ProgressEvent | null;
  cancelling: boolean;
}

export interface MainJobControls {
  /** The job in flight, or null. */
  job: MainJob | null;
  /** Runs `work` under a new jobId of this kind; the job is over when `work` settles. */
  run<T>(work: (jobId: string) => Promise<T>): Promise<T>;
  /** Asks the main side to stop the job; false when it had already finished. */
  cancel(): Promise<boolean>;
}

export function useMainJob(kind: string): MainJobControls {
  const { api } = useServices();
  const [job, setJob] = useState<MainJob | null>(null);
  const current = useRef<string | null>(null);

  useEffect(
    () =>
      api.on('progress', (event) => {
        if (event.jobId === current.current)
          setJob((j) => (j && j.id === event.jobId ? { ...j, progress: event } : j));
      }),
    [api],
  );

  return {
    job,
    async run(work) {
      const id = newJobId(kind);
      current.current = id;
      setJob({ id, progress: null, cancelling: false });
      try {
        return await work(id);
      } finally {
        current.current = null;
        setJob(null);
      }
    },
    async cancel() {
      if (!job) return true;
      setJob({ ...job, cancelling: true });
      try {
        return (await api.jobs.cancel({ jobId: job.id })).cancelled;
      } catch {
        return true; // toasted by the client
      }
    },
  };
}

/** Percent done when the job reported a total, else null. */
export function jobPercent(progress: ProgressEvent | null): number | null {
  return progress?.total ? Math.min(100, (100 * progress.done) / progress.total) : null;
}

/** What the line under the bar says: the job's message (with the percent), else done / total. */
export function jobProgressText(progress: ProgressEvent | null): string {
  if (!progress) return 'Starting…';
  const percent = jobPercent(progress);
  if (progress.message) return `${progress.message}${percent !== null ? ` · ${Math.floor(percent)}%` : ''}`;
  return `${progress.done.toLocaleString()}${progress.total ? ` / ${progress.total.toLocaleString()}` : ''}`;
}

export function JobProgress({
  job,
  label,
  testId,
  onCancel,
}: {
  job: MainJob;
  /** The progress bar's accessible name, e.g. "Import progress". */
  label: string;
  testId: string;
  onCancel(): void;
}) {
  const percent = jobPercent(job.progress);
  return (
    <div className="import-progress" data-testid={testId}>
      <div
        className="progress"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
      >
        <div className="progress-fill" style={{ width: `${percent ?? 0}%` }} />
      </div>
      <span className="small muted">{jobProgressText(job.progress)}</span>
      <button className="button button-small" type="button" onClick={onCancel} disabled={job.cancelling}>
        {job.cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
    </div>
  );
}
