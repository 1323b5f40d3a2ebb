import { TASK_HEAD } from '../../../../shared/benchmark/compatibility';
import type { CheckpointRecord, DatasetRecord } from '../../../../shared/ipc';

/*
 * What the Benchmark view offers on first start, before anyone has chosen: every builtin model that was
 * trained for a benchmark task (a builtin with its training record and a head a benchmark runs) against every
 * builtin gold set, so one Start compares real models on real tasks. The random-weight test checkpoint and
 * the masked-LM (no benchmark head) are not offered.
 */

const BENCHMARK_HEADS = new Set<string>(Object.values(TASK_HEAD));

export function firstStartExample(library: {
  checkpoints: readonly CheckpointRecord[];
  datasets: readonly DatasetRecord[];
}): { selectedCheckpoints: string[]; selectedDatasets: string[] } {
  return {
    selectedCheckpoints: library.checkpoints
      .filter(
        (c) =>
          c.builtin &&
          c.files.includes('training_record.json') &&
          c.architecture !== null &&
          BENCHMARK_HEADS.has(c.architecture),
      )
      .map((c) => c.id),
    selectedDatasets: library.datasets.filter((d) => d.builtin && d.readOnly).map((d) => d.id),
  };
}
