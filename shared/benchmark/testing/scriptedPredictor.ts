/*
 * Test support: a BenchmarkPredictor without a model, for the orchestrator's tests. It "predicts" a
 * classification / pair dataset by a fixed rule (every third example wrong), chunk by chunk like
 * runBenchmark (skipping stored examples, handing each chunk over and honouring the signal between chunks),
 * so tests control exactly what is predicted, when a run fails and when it is cancelled. Used only by tests.
 */
import type { BenchmarkPredictor, PredictArgs } from '../orchestrator';
import { exampleId, type BenchmarkRunResult } from '../runner';
import { DEFAULT_PREDICTION_SETTINGS } from '../runner';
import { summariseTiming } from '../timing';
import type { ClassificationPrediction, ExamplePrediction } from '../types';

export interface ScriptedRecord {
  id?: string;
  label: string;
}

export interface ScriptedPredictorOptions {
  task: 'classification' | 'pair';
  records: readonly ScriptedRecord[];
  /** The label predicted where the rule says "wrong". */
  wrongLabel: string;
  chunkSize?: number;
  /** Throw this after handing over this many chunks (a crash in the middle of a run). */
  failAfterChunks?: { chunks: number; error: Error };
  /** Await each chunk's save before the next chunk (the in-process runner does; a worker cannot). */
  awaitSaves?: boolean;
  /** Called after every chunk is handed over (tests cancel from here). */
  afterChunk?: (chunk: number) => void;
}

/** The prediction the rule gives example `index`. */
export function scriptedPrediction(
  options: Pick<ScriptedPredictorOptions, 'task' | 'records' | 'wrongLabel'>,
  index: number,
): ClassificationPrediction {
  const record = options.records[index];
  return {
    task: options.task,
    index,
    id: exampleId(record, index),
    gold: record.label,
    prediction: index % 3 === 2 ? options.wrongLabel : record.label,
    score: 0.5 + (index % 5) / 10,
  };
}

export interface ScriptedPredictor extends BenchmarkPredictor {
  /** Indices predicted by each predict call, in order (what was not skipped). */
  predicted: number[][];
  prepared: number;
}

export function scriptedPredictor(options: ScriptedPredictorOptions): ScriptedPredictor {
  const chunkSize = options.chunkSize ?? 2;
  const predictor: ScriptedPredictor = {
    predicted: [],
    prepared: 0,
    async prepare() {
      predictor.prepared += 1;
    },
    async predict(args: PredictArgs): Promise<BenchmarkRunResult> {
      const done = new Map<number, ExamplePrediction>(args.completed.map((p) => [p.index, p]));
      const resumed = done.size;
      const total = options.records.length;
      const pending = [...Array(total).keys()].filter((i) => !done.has(i));
      const calls: number[] = [];
      predictor.predicted.push(calls);
      const progress = () => ({
        done: done.size,
        total,
        resumed,
        examplesPerSecond: 0,
        etaSeconds: null,
        elapsedMs: 0,
      });
      args.onProgress(progress());
      let chunks = 0;
      for (let start = 0; start < pending.length; start += chunkSize) {
        if (args.signal.aborted) throw args.signal.reason as Error;
        if (options.failAfterChunks && chunks === options.failAfterChunks.chunks)
          throw options.failAfterChunks.error;
        const chunk = pending.slice(start, start + chunkSize).map((i) => scriptedPrediction(options, i));
        calls.push(...chunk.map((p) => p.index));
        const saved = args.onPredictions(chunk);
        if (options.awaitSaves ?? true) await saved;
        for (const p of chunk) done.set(p.index, p);
        chunks += 1;
        args.onProgress(progress());
        options.afterChunk?.(chunks);
      }
      return {
        predictions: Array.from({ length: total }, (_, i) => done.get(i)!),
        resumed,
        settings: { ...DEFAULT_PREDICTION_SETTINGS, ...args.settings },
        timing: summariseTiming({
          backend: 'scripted',
          device: 'test',
          examples: total - resumed,
          totalMs: 10 * (total - resumed),
          batchLatenciesMs: Array.from({ length: chunks }, () => 10 * chunkSize),
        }),
      };
    },
  };
  return predictor;
}
