/**
 * `checkpoints.exportOnnx`: a library checkpoint written as ONNX by the main side, to the path given or next to
 * the library entry (<folder>/model.onnx), with `progress` events (kind "onnx-export") and jobs.cancel.
 */
import { join } from 'node:path';
import type { OnnxExportSummary, RequestOf } from '../../shared/ipc';
import { CheckpointError } from '../../shared/checkpoint/errors';
import { NezhaConfigError } from '../../shared/nezha/config';
import { NezhaWeightsError } from '../../shared/nezha/weights';
import { OnnxExportError } from '../../shared/onnx';
import { ServiceError } from '../services/errors';
import type { Services } from '../services/services';
import { exportCheckpointFolderToOnnx, type OnnxExportStage } from './exportCheckpoint';

export const ONNX_EXPORT_PROGRESS_KIND = 'onnx-export';
const STAGE_MESSAGES: Record<OnnxExportStage, string> = {
  reading: 'Reading the weights',
  building: 'Building the ONNX graph',
  writing: 'Writing the file',
  done: 'Done',
};

/** The default target: model.onnx in the checkpoint's folder. */
export function defaultOnnxPath(folder: string): string {
  return join(folder, 'model.onnx');
}

export async function exportLibraryCheckpoint(
  services: Pick<Services, 'checkpoints' | 'events' | 'jobs'>,
  request: RequestOf<'checkpoints.exportOnnx'>,
): Promise<OnnxExportSummary> {
  const record = services.checkpoints.get(request.id);
  const path = request.path ?? defaultOnnxPath(record.path);
  const job = services.jobs.start(ONNX_EXPORT_PROGRESS_KIND, request.jobId);
  const started = performance.now();
  try {
    const result = await exportCheckpointFolderToOnnx(record.path, path, {
      className: request.className,
      signal: job.signal,
      onProgress: ({ stage, fraction }) =>
        services.events.emit('progress', {
          jobId: job.id,
          kind: ONNX_EXPORT_PROGRESS_KIND,
          done: Math.round(fraction * 100),
          total: 100,
          message: STAGE_MESSAGES[stage],
        }),
    });
    return {
      path: result.path,
      files: result.files,
      className: result.className,
      inputs: [...result.inputs],
      outputs: [...result.outputs],
      weightBytes: result.weightBytes,
      missingKeys: result.missingKeys,
      ms: performance.now() - started,
    };
  } catch (error) {
    if (job.signal.aborted)
      throw new ServiceError('cancelled', 'The ONNX export was cancelled; nothing was written.');
    if (
      error instanceof CheckpointError ||
      error instanceof NezhaConfigError ||
      error instanceof NezhaWeightsError ||
      error instanceof OnnxExportError
    ) {
      throw new ServiceError('bad-request', `${record.path}: ${error.message}`);
    }
    if (error instanceof Error && error.message.startsWith('cannot write')) {
      throw new ServiceError(
        'bad-request',
        `${error.message}. Pick another place for the .onnx file (the checkpoint's folder may be read-only).`,
      );
    }
    throw error;
  } finally {
    services.jobs.finish(job);
  }
}
