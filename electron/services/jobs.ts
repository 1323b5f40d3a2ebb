/**
 * Long-running jobs (dataset import for now) and the write queue that keeps them apart from edits.
 *
 * A job gets an id (the caller's, so it can cancel before the response arrives, or a fresh one) and
 * an AbortSignal the job checks between chunks. `jobs.cancel` aborts it.
 */
import { randomUUID } from 'node:crypto';
import { ServiceError } from './errors';

export interface Job {
  readonly id: string;
  readonly kind: string;
  readonly signal: AbortSignal;
}

export class JobRegistry {
  private readonly running = new Map<string, { job: Job; controller: AbortController }>();

  /** Registers a job; `finish` must be called when it ends (use try/finally). */
  start(kind: string, jobId?: string): Job {
    const id = jobId ?? randomUUID();
    if (this.running.has(id))
      throw new ServiceError('bad-request', `A job with id "${id}" is already running; use another jobId.`);
    const controller = new AbortController();
    const job: Job = { id, kind, signal: controller.signal };
    this.running.set(id, { job, controller });
    return job;
  }

  finish(job: Job): void {
    if (this.running.get(job.id)?.job === job) this.running.delete(job.id);
  }

  /** Asks a job to stop; false when no job with that id runs (it may have finished already). */
  cancel(jobId: string): boolean {
    const entry = this.running.get(jobId);
    if (!entry) return false;
    entry.controller.abort();
    return true;
  }

  list(): Job[] {
    return [...this.running.values()].map((entry) => entry.job);
  }
}

/**
 * Serialises the dataset store's writes. An import holds its write transaction open across event-loop
 * turns (so progress and cancel get through); edits queue behind it instead of hitting SQLITE_BUSY.
 */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    // The next writer waits for this one whether it succeeded or failed.
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** Lets the event loop run (IPC messages, cancel requests, event forwarding) during a long job. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
