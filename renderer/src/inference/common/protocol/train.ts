/**
 * The inference worker's training methods: `trainStart` runs shared/training's trainer on the worker's
 * backend (WebGPU, else WASM) and streams each step and dev evaluation in progress messages. The worker
 * moves the run's bytes itself, over the main side's byte path (`runFilesUrl`, like checkpoint files):
 * it PUTs a state snapshot every `saveEverySteps` steps and at a pause, GETs it back to resume, and PUTs
 * the finished HF folder's files, so the UI thread only hears "state saved at step N" and file sizes.
 * `trainStop` pauses or cancels a run between optimizer steps.
 */
import type {
  DevMetrics,
  TrainingProgress,
  TrainingRecords,
  TrainingSettings,
  TrainingStatus,
} from '../../../../../shared/training';
import type { CheckpointFileUrl } from './core';

export interface TrainStartRequest {
  /** Names the run for trainStop (and the saved run on the main side). */
  runId: string;
  checkpoint: { name: string; files: CheckpointFileUrl[] };
  data: TrainingRecords;
  settings: TrainingSettings;
  maxLength: number;
  /** Seeded share of the records held out for dev metrics (early stopping, best checkpoint). */
  devFraction: number;
  /** Masked LM: add next-sentence pairs (trains NezhaForPreTraining). */
  withNextSentence?: boolean;
  /**
   * The run's file folder on the main side (api.trainingRunFilesUrl): `<url>/state?step=N` takes state
   * snapshots, `<url>/state` gives the saved one back, `<url>/output/<file>` takes the finished folder.
   */
  runFilesUrl: string;
  /** Continue from the state saved under runFilesUrl (a paused run, also after a restart). */
  resume?: boolean;
  /** Send a state snapshot every this many optimizer steps (0: only on pause/cancel). */
  saveEverySteps?: number;
  /**
   * Extra JSON fields for the finished folder's training_record.json (Annotate's model update writes
   * which base checkpoint, dataset and how many examples under `modelUpdate`).
   */
  recordExtra?: Record<string, unknown>;
  /**
   * The dataset the records came from, written into training_record.json's `dataset` (sha256: the dataset's
   * benchmark data file hash, as benchmark runs record it), so the benchmark grid can tell a checkpoint
   * evaluated on its own training data.
   */
  dataset?: { id: string; name: string; sha256: string | null };
}

/** What a training progress message carries besides done / total. */
export interface TrainProgressPayload {
  /** The job as built, sent once before the first step. */
  job?: {
    trainRecords: number;
    devRecords: number;
    labels: string[];
    className: string;
    missingKeys: string[];
    backend: string;
  };
  progress?: TrainingProgress;
  /** A state snapshot taken after optimizer step `step` reached the main side (`bytes` long). */
  saved?: { step: number; bytes: number };
  /** A snapshot could not be saved (the run goes on; the previous saved state stays). */
  saveError?: string;
}

export interface TrainStartResponse {
  status: TrainingStatus;
  steps: number;
  totalSteps: number;
  seconds: number;
  bestMetric: number | null;
  bestStep: number | null;
  finalDev: DevMetrics | null;
  /** "fp32 used ..." (tfjs has no float16 kernels). */
  precision: string;
  backend: string;
  lossHistory: { step: number; loss: number; learningRate: number }[];
  devHistory: { step: number; epoch: number; metrics: Record<string, number> }[];
  /** A paused run: the step of the state saved at the stop (resume continues from it); null otherwise. */
  savedStep: number | null;
  /** The HF folder (config.json, model.safetensors, vocab.txt, tokenizer files, training_args.json,
   * training_record.json) of a completed or early-stopped run, as uploaded to `<runFilesUrl>/output/`
   * (names and sizes; trainingRuns.publish turns it into a library checkpoint); null otherwise. */
  outputFiles: { name: string; bytes: number }[] | null;
}

export interface TrainWorkerMethods {
  trainStart: { request: TrainStartRequest; response: TrainStartResponse };
  trainStop: { request: { runId: string; reason: 'pause' | 'cancel' }; response: { stopped: boolean } };
}
