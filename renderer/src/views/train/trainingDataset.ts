/**
 * Which dataset the Train view starts on, and how a run names its dataset in training_record.json (issue 12).
 * The default is never a dataset a benchmark uses as gold (a read-only builtin gold set, or one a stored
 * benchmark run was evaluated on): training on gold and benchmarking on it gives scores nobody can trust.
 */
import type { BenchmarkRunSummary, DatasetRecord } from '../../../../shared/ipc';
import type { Api } from '../../api/client';

/** The ids of datasets benchmarks score against: read-only gold sets and every stored run's dataset. */
export function benchmarkGoldIds(
  datasets: readonly DatasetRecord[],
  runs: readonly Pick<BenchmarkRunSummary, 'datasetId'>[],
): Set<string> {
  const ids = new Set(datasets.filter((d) => d.readOnly).map((d) => d.id));
  for (const run of runs) if (run.datasetId) ids.add(run.datasetId);
  return ids;
}

/**
 * The dataset the form shows: the person's pick while it fits the task, else the first fitting dataset no
 * benchmark uses as gold; undefined when only gold sets fit (the person must pick one on purpose).
 */
export function trainingDatasetChoice(
  fitting: readonly DatasetRecord[],
  pickedId: string,
  goldIds: ReadonlySet<string>,
): DatasetRecord | undefined {
  return fitting.find((d) => d.id === pickedId) ?? fitting.find((d) => !goldIds.has(d.id));
}

/**
 * What training_record.json records about the dataset: id, name and the SHA-256 of its benchmark data file
 * (the hash benchmark runs store), or null where no benchmark reads that task.
 */
export async function trainingDatasetIdentity(
  api: Api,
  dataset: Pick<DatasetRecord, 'id' | 'name'>,
): Promise<{ id: string; name: string; sha256: string | null }> {
  try {
    const prepared = await api.benchmarks.prepareData({ datasetId: dataset.id });
    return { id: dataset.id, name: dataset.name, sha256: prepared.sha256 };
  } catch {
    return { id: dataset.id, name: dataset.name, sha256: null };
  }
}
