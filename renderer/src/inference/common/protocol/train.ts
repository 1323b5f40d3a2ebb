/**
 * The inference worker's training methods: `trainStart` runs shared/training's trainer on the worker's
 * backend (WebGPU, else WASM) and streams each step and dev evaluation in progress messages, with a
 * state snapshot every `saveEverySteps` steps for the UI thread to save through the api client (the
 * worker cannot call the api itself). `trainStop` pauses (the result carries the state to resume from)
 * or cancels a run between optimizer steps. A finished run answers with the HF folder's files.
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
  /** A state snapshot (encodeTrainingState bytes) to continue from. */
  resumeState?: Uint8Array;
  /** Send a state snapshot every this many optimizer steps (0: only on pause/cancel). */
  saveEverySteps?: number;
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
  /** A snapshot to save (encodeTrainingState), taken after optimizer step `step`. */
  state?: { step: number; bytes: Uint8Array };
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
  /** The state at the stop (paused or cancelled runs resume from it). */
  state: Uint8Array | null;
  /** The HF folder (config.json, model.safetensors, vocab.txt, tokenizer files, training_args.json,
   * training_record.json) of a completed or early-stopped run; null otherwise. */
  files: { name: string; bytes: Uint8Array }[] | null;
}

export interface TrainWorkerMethods {
  trainStart: { request: TrainStartRequest; response: TrainStartResponse };
  trainStop: { request: { runId: string; reason: 'pause' | 'cancel' }; response: { stopped: boolean } };
}
