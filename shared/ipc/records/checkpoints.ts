/** The checkpoint library's records (electron/services/checkpoints.ts). */
import { z } from 'zod';

export const checkpointFormatSchema = z.enum([
  'safetensors',
  'pytorch',
  'sharded-safetensors',
  'sharded-pytorch',
]);
export type CheckpointFormat = z.infer<typeof checkpointFormatSchema>;

export interface CheckpointRecord {
  id: string;
  name: string;
  /** Absolute folder path on the main side's disk. */
  path: string;
  /** HF class named by config.json `architectures[0]`, e.g. "NezhaForTokenClassification". */
  architecture: string | null;
  modelType: string;
  format: CheckpointFormat;
  /** Files the renderer may fetch as bytes through the checkpoint file transport. */
  files: string[];
  hiddenSize: number;
  numLayers: number;
  numLabels: number | null;
  labels: string[] | null;
  sizeBytes: number;
  /** True for checkpoints shipped in resources/ (cannot be removed). */
  builtin: boolean;
  addedAt: string;
}

/** What `checkpoints.exportOnnx` wrote. */
export interface OnnxExportSummary {
  /** The .onnx file. */
  path: string;
  /** Every file written: the external data file (weights over 2 GB) first when there is one, the model last. */
  files: string[];
  className: string;
  inputs: string[];
  outputs: string[];
  weightBytes: number;
  /** Parameters of the class the checkpoint lacks (initialised as HF does). */
  missingKeys: string[];
  ms: number;
}
