/**
 * An HF NEZHA checkpoint folder → an .onnx file (and its external data past 2 GB), with progress: the
 * folder is read with shared/checkpoint, the class is built with shared/nezha's loader (the same key
 * mapping, tied decoder and missing-key initialisation as every other path) on tfjs's CPU backend, and
 * shared/onnx writes the graph. Used by `export-onnx`, the Checkpoints view's action and the ORT cache.
 */
import { basename } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadCheckpointFolder } from '../../shared/checkpoint/folder';
import { NezhaConfig, type JsonObject } from '../../shared/nezha/config';
import { classForArchitecture, type NezhaClassName } from '../../shared/nezha/modelClasses';
import { loadNezha } from '../../shared/nezha/weights';
import { exportLoadedNezha, type OnnxExport } from '../../shared/onnx';
import { fsCheckpointSource } from '../services/fsCheckpointSource';
import { packageVersion } from '../services/services';
import { writeOnnxExport } from './writeOnnx';

export type OnnxExportStage = 'reading' | 'building' | 'writing' | 'done';

export interface OnnxExportProgress {
  stage: OnnxExportStage;
  /** 0..1 over the whole export. */
  fraction: number;
}

export interface CheckpointOnnxExportOptions {
  /** The class to export; default the checkpoint's architectures[0] (NezhaModel when it names none). */
  className?: NezhaClassName;
  onProgress?: (progress: OnnxExportProgress) => void;
  signal?: AbortSignal;
}

export interface CheckpointOnnxExportResult {
  path: string;
  className: NezhaClassName;
  inputs: readonly string[];
  outputs: readonly string[];
  /** Files written: the external data file first when there is one, the model last. */
  files: string[];
  weightBytes: number;
  /** Parameters of the class the checkpoint lacks (initialised as HF does, so the export still runs). */
  missingKeys: string[];
}

/** Makes sure tfjs has a backend to hold the weights while the graph is built (cpu unless one runs). */
export async function ensureTfjsBackend(): Promise<void> {
  tf.env().set('PROD', true);
  const current = tf.engine().backendName;
  if (current === undefined || current === null) {
    if (!(await tf.setBackend('cpu'))) throw new Error('the tfjs cpu backend did not start');
  }
  await tf.ready();
}

/** The ONNX model file name's external data name: model.onnx → model.onnx.data. */
export function externalDataNameFor(modelPath: string): string {
  return `${basename(modelPath)}.data`;
}

export async function exportCheckpointFolderToOnnx(
  folder: string,
  path: string,
  options: CheckpointOnnxExportOptions = {},
): Promise<CheckpointOnnxExportResult> {
  const report = (stage: OnnxExportStage, fraction: number) => options.onProgress?.({ stage, fraction });
  report('reading', 0);
  const loaded = await loadCheckpointFolder(fsCheckpointSource(folder), {
    signal: options.signal,
    onProgress: (p) => report('reading', p.bytesTotal === 0 ? 0 : (0.6 * p.bytesDone) / p.bytesTotal),
  });
  const config = new NezhaConfig(loaded.config as JsonObject);
  const className = options.className ?? classForArchitecture(config.architectures?.[0]);
  options.signal?.throwIfAborted();
  report('building', 0.6);
  await ensureTfjsBackend();
  const { model, missingKeys } = loadNezha(className, config, loaded.stateDict);
  let exported: OnnxExport;
  try {
    exported = exportLoadedNezha(model, {
      externalDataName: externalDataNameFor(path),
      producerVersion: packageVersion(),
    });
  } finally {
    model.dispose();
  }
  options.signal?.throwIfAborted();
  report('writing', 0.8);
  const files = await writeOnnxExport(exported, path);
  report('done', 1);
  return {
    path,
    className,
    inputs: exported.inputs,
    outputs: exported.outputs,
    files,
    weightBytes: exported.weightBytes,
    missingKeys,
  };
}
