/**
 * Exports made for onnxruntime-node (`eval` / `infer --backend onnx`), cached under the data dir so a
 * checkpoint is exported once: <dataDir>/onnx-cache/<key>/model.onnx, the key a SHA-256 of the checkpoint's
 * weights hash, the class, its config and the exporter version (any of them changing makes a new entry).
 * model.onnx is renamed into place last, so an entry that has it is complete.
 */
import { createHash } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { NezhaConfig } from '../../shared/nezha/config';
import type { NezhaClassName } from '../../shared/nezha/modelClasses';
import { NEZHA_ONNX_EXPORTER_VERSION, type OnnxExport } from '../../shared/onnx';
import { writeOnnxExport } from './writeOnnx';

export const ONNX_CACHE_FOLDER = 'onnx-cache';
const MODEL_FILE = 'model.onnx';

export interface OnnxCacheKey {
  /** The checkpoint's weights hash (shared/benchmark hashCheckpointWeights). */
  weightsSha256: string;
  className: NezhaClassName;
  config: NezhaConfig;
}

export function onnxCacheKey(key: OnnxCacheKey): string {
  return createHash('sha256')
    .update(
      [
        `exporter ${NEZHA_ONNX_EXPORTER_VERSION}`,
        key.className,
        key.weightsSha256,
        key.config.toJsonText(),
      ].join('\n'),
    )
    .digest('hex')
    .slice(0, 32);
}

export interface CachedOnnx {
  path: string;
  /** True when the entry existed (no export ran). */
  reused: boolean;
}

/** The cached model for `key`, exporting it with `produce` (given the external data name) when absent. */
export async function cachedOnnxModel(
  dataDir: string,
  key: OnnxCacheKey,
  produce: (externalDataName: string) => OnnxExport | Promise<OnnxExport>,
): Promise<CachedOnnx> {
  const folder = join(dataDir, ONNX_CACHE_FOLDER, onnxCacheKey(key));
  const path = join(folder, MODEL_FILE);
  const existing = await stat(path).catch(() => null);
  if (existing !== null && existing.isFile()) return { path, reused: true };
  await mkdir(folder, { recursive: true });
  await writeOnnxExport(await produce(`${MODEL_FILE}.data`), path);
  return { path, reused: false };
}
