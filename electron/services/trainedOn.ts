/**
 * What each checkpoint was trained on (issue 12), for the benchmark grid's "evaluated on its own training
 * data" warning: the `dataset` entry of the folder's training_record.json (id, name and the SHA-256 of the
 * dataset's benchmark data file, written by the Train view), else the training run that published the
 * checkpoint (its dataset id). Unknown (an HF folder from elsewhere, a record without `dataset`) is null.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointRecord, TrainedOn, TrainingRunRecord } from '../../shared/ipc';

export interface TrainedOnSources {
  findCheckpoint(id: string): CheckpointRecord | null;
  trainingRuns(): Promise<TrainingRunRecord[]>;
}

const recordFile = 'training_record.json';
const maxRecordBytes = 64 * 1024 * 1024;

export async function trainedOn(
  sources: TrainedOnSources,
  ids: readonly string[],
): Promise<Record<string, TrainedOn | null>> {
  const out: Record<string, TrainedOn | null> = {};
  let runs: TrainingRunRecord[] | null = null;
  for (const id of ids) {
    const checkpoint = sources.findCheckpoint(id);
    if (!checkpoint) {
      out[id] = null;
      continue;
    }
    const fromRecord = checkpoint.files.includes(recordFile)
      ? await readRecordDataset(checkpoint.path)
      : null;
    if (fromRecord) {
      out[id] = fromRecord;
      continue;
    }
    runs ??= await sources.trainingRuns();
    const run = runs.find((r) => r.resultCheckpointId === id && r.datasetId);
    out[id] = run
      ? { datasetId: run.datasetId, datasetName: null, sha256: null, source: 'training run' }
      : null;
  }
  return out;
}

async function readRecordDataset(folder: string): Promise<TrainedOn | null> {
  try {
    const text = await readFile(join(folder, recordFile), 'utf8');
    if (text.length > maxRecordBytes) return null;
    const record = JSON.parse(text) as { dataset?: unknown };
    const dataset = record.dataset;
    if (!dataset || typeof dataset !== 'object') return null;
    const { id, name, sha256 } = dataset as Record<string, unknown>;
    const str = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : null);
    if (!str(id) && !str(sha256)) return null;
    return { datasetId: str(id), datasetName: str(name), sha256: str(sha256), source: recordFile };
  } catch {
    // A damaged or unreadable record says nothing about the data; the grid simply shows no warning.
    return null;
  }
}
