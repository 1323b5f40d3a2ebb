/**
 * UI-thread helpers for the worker's model methods: the load request for a library checkpoint
 * (its files and the URLs the main side serves them at).
 */
import type { CheckpointRecord } from '../../../../shared/ipc';
import type { LoadModelRequest } from '../common/protocol';

export function loadRequestFor(
  checkpoint: Pick<CheckpointRecord, 'id' | 'name' | 'files'>,
  fileUrl: (checkpointId: string, file: string) => string,
  jobId?: string,
): LoadModelRequest {
  return {
    id: checkpoint.id,
    name: checkpoint.name,
    files: checkpoint.files.map((file) => ({ file, url: fileUrl(checkpoint.id, file) })),
    ...(jobId ? { jobId } : {}),
  };
}
