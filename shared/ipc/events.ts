/** Event channels: pushed from the main side to the renderer (never requested). */

export interface ProgressEvent {
  /** Identifies the long-running job (import, evaluation, training). */
  jobId: string;
  kind: string;
  done: number;
  total: number | null;
  message?: string;
}

export interface MainErrorEvent {
  message: string;
  detail?: string;
}

export interface EventPayloads {
  progress: ProgressEvent;
  'main.error': MainErrorEvent;
}
export type EventChannel = keyof EventPayloads;
