/**
 * A stored dataset as the records the benchmark evaluates, and the bytes of its benchmark data file: the
 * canonical JSON of `{ task, records }` (object keys sorted), whose SHA-256 is the run's dataset identity.
 * The main side builds the file from the stored examples (electron/services/benchmarkData.ts) and the
 * inference worker reads it; the content must never change for the same examples, or stored runs would no
 * longer match their datasets.
 */
import { canonicalJson } from './hash';
import { BENCHMARK_TASKS, type BenchmarkData, type BenchmarkTask } from './types';

/** The parts of a stored example (shared/ipc's ExampleView) a benchmark record is made of. */
export interface StoredBenchmarkExample {
  index: number;
  datasetId: string;
  text: string;
  /** The working annotation (model suggestions left out), in stored order. */
  spans: readonly { start: number; end: number; label: string }[];
  /** The imported record of a non-NER example (null for NER). */
  record: unknown;
}

export function isBenchmarkTask(task: string): task is BenchmarkTask {
  return (BENCHMARK_TASKS as readonly string[]).includes(task);
}

/** A stored example as the record the runner evaluates (gold = the working annotation for NER). */
export function benchmarkRecordOf(task: BenchmarkTask, example: StoredBenchmarkExample): unknown {
  if (task === 'ner') {
    return {
      text: example.text,
      spans: example.spans.map((s) => ({ start: s.start, end: s.end, label: s.label })),
    };
  }
  if (example.record === null || typeof example.record !== 'object') {
    throw new Error(
      `Example #${example.index + 1} of dataset ${example.datasetId} has no stored ${task} record; re-import the dataset.`,
    );
  }
  return example.record;
}

/** The benchmark data file's bytes: UTF-8 canonical JSON, the same for the same records. */
export function benchmarkDataBytes(data: BenchmarkData): Uint8Array {
  return new TextEncoder().encode(canonicalJson(data));
}
