/**
 * Benchmark run shapes: what goes in (a dataset's records for one task), what comes out per example (gold and
 * prediction, the lines of PRED.jsonl and the rows the main side stores), and the recorded timing. Plain JSON.
 */
import type {
  ClassificationExample,
  EntitySpan,
  McExample,
  NerExample,
  PairExample,
  QaExample,
} from '../datasets/types';

/** The dataset tasks a benchmark runs (the same names as shared/datasets' DatasetTask). */
export type BenchmarkTask = 'ner' | 'classification' | 'pair' | 'qa' | 'mc';

export const BENCHMARK_TASKS: readonly BenchmarkTask[] = ['ner', 'classification', 'pair', 'qa', 'mc'];

/** A dataset's records for one task, in the dataset's order (the order predictions are keyed by). */
export type BenchmarkData =
  | { task: 'ner'; records: readonly NerExample[] }
  | { task: 'classification'; records: readonly ClassificationExample[] }
  | { task: 'pair'; records: readonly PairExample[] }
  | { task: 'qa'; records: readonly QaExample[] }
  | { task: 'mc'; records: readonly McExample[] };

interface PredictionBase {
  /** 0-based position of the example in the dataset: the resume key. */
  index: number;
  /** The record's own id where it has one, else the index as text. */
  id: string;
}

/** NER: entity spans in code points, end exclusive (as dataset records store them). */
export interface NerPrediction extends PredictionBase {
  task: 'ner';
  gold: EntitySpan[];
  prediction: EntitySpan[];
}

/** Sentence or pair classification: the dataset's label names. */
export interface ClassificationPrediction extends PredictionBase {
  task: 'classification' | 'pair';
  gold: string;
  prediction: string;
  /** Probability of the predicted label. */
  score: number;
}

/** Extractive QA: the reference answers, the predicted answer text and its code-point span in the context. */
export interface QaPrediction extends PredictionBase {
  task: 'qa';
  gold: string[];
  prediction: string;
  start: number;
  end: number;
  score: number;
}

/** Multiple choice: choice indices. */
export interface McPrediction extends PredictionBase {
  task: 'mc';
  gold: number;
  prediction: number;
  /** Number of choices the question has. */
  choices: number;
}

export type ExamplePrediction = NerPrediction | ClassificationPrediction | QaPrediction | McPrediction;

export interface BenchmarkProgress {
  /** Examples with a prediction (including those resumed from an earlier run). */
  done: number;
  total: number;
  /** Examples whose predictions came from an earlier run and were skipped. */
  resumed: number;
  /** Examples predicted in this run per second of wall time; 0 before the first batch. */
  examplesPerSecond: number;
  /** Seconds left at the current rate; null before the first batch. */
  etaSeconds: number | null;
  elapsedMs: number;
}

/** Throughput and per-model-call latency of one run, with what ran it. */
export interface BenchmarkTiming {
  backend: string;
  /** GPU adapter or CPU description when the caller knows it. */
  device?: string;
  /** Examples predicted in this run (resumed ones excluded). */
  examples: number;
  /** Model calls (batches) made. */
  batches: number;
  /** Wall time of the prediction loop, tokenization and decoding included. */
  totalMs: number;
  examplesPerSecond: number;
  /** Latency of one model call (batch), milliseconds: median, 95th percentile (numpy linear), mean, max. */
  batchLatencyMs: { p50: number; p95: number; mean: number; max: number };
}
