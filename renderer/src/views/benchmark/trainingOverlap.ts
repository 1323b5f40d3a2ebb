/**
 * "Evaluated on its own training data" (issue 12): a checkpoint whose training record names the dataset a
 * grid column evaluates (the same dataset id, or the same benchmark data hash: a copy or a re-import of the
 * same records) gets a warning in that cell; its score says how well it memorised, not how well it does.
 */
import type { TrainedOn } from '../../../../shared/ipc';

export interface EvaluatedDataset {
  id: string;
  name: string;
  /** The benchmark data file's SHA-256 (benchmarks.prepareData); null before it is known. */
  sha256: string | null;
}

/** Why this cell is suspect, or null: the record names this dataset id, or the same data hash. */
export function trainingOverlap(
  trainedOn: TrainedOn | null | undefined,
  dataset: EvaluatedDataset,
): string | null {
  if (!trainedOn) return null;
  const trainedName = trainedOn.datasetName ? `“${trainedOn.datasetName}”` : 'this dataset';
  if (trainedOn.sha256 && dataset.sha256 && trainedOn.sha256 === dataset.sha256)
    return `Trained on ${trainedName}, which holds the same records as “${dataset.name}” (benchmark data SHA-256 ${dataset.sha256.slice(0, 12)}…, from its ${trainedOn.source}): this score measures memorisation, not generalisation.`;
  if (trainedOn.datasetId && trainedOn.datasetId === dataset.id)
    return `Trained on “${dataset.name}” itself (its ${trainedOn.source} names this dataset): this score measures memorisation, not generalisation.`;
  return null;
}
