/**
 * An onnxruntime-node session for a loaded checkpoint: its ONNX export from the data dir's cache (exported
 * once per weights hash, class, config and exporter version), run with every core.
 */
import { availableParallelism } from 'node:os';
import type * as ort from 'onnxruntime-node';
import type { StateDict } from '../../shared/checkpoint/types';
import type { NezhaConfig } from '../../shared/nezha/config';
import type { NezhaClassName } from '../../shared/nezha/modelClasses';
import { loadNezha } from '../../shared/nezha/weights';
import { exportLoadedNezha } from '../../shared/onnx';
import { ensureTfjsBackend } from './exportCheckpoint';
import { cachedOnnxModel } from './onnxCache';
import { createOrtSession } from './ortSession';

export interface CachedSessionOptions {
  dataDir: string;
  weightsSha256: string;
  className: NezhaClassName;
  config: NezhaConfig;
  stateDict: StateDict;
  /** Threads for ORT; default every core. */
  threads?: number;
  /** Where the export's notes go (missing weights, reuse). */
  note: (line: string) => void;
}

export interface CachedSession {
  session: ort.InferenceSession;
  path: string;
  reused: boolean;
  threads: number;
  /** "onnxruntime-node 1.30.0 (cpu, 16 threads)". */
  device: string;
}

export async function openCachedOnnxSession(options: CachedSessionOptions): Promise<CachedSession> {
  const cached = await cachedOnnxModel(
    options.dataDir,
    { weightsSha256: options.weightsSha256, className: options.className, config: options.config },
    async (externalDataName) => {
      await ensureTfjsBackend();
      const { model, missingKeys } = loadNezha(options.className, options.config, options.stateDict);
      if (missingKeys.length > 0) {
        options.note(
          `no weights for ${missingKeys.length} parameter(s) of ${options.className} (${missingKeys.join(', ')}); they were initialised randomly`,
        );
      }
      try {
        return exportLoadedNezha(model, { externalDataName });
      } finally {
        model.dispose();
      }
    },
  );
  options.note(
    cached.reused ? `ONNX export reused from ${cached.path}` : `exported to ONNX at ${cached.path}`,
  );
  const threads = options.threads ?? availableParallelism();
  const session = await createOrtSession(cached.path, { threads });
  const ortModule = await import('onnxruntime-node');
  return {
    session,
    path: cached.path,
    reused: cached.reused,
    threads,
    device: `onnxruntime-node ${ortModule.env.versions.node ?? ortModule.env.versions.common} (cpu, ${threads} threads) on Node ${process.versions.node}`,
  };
}
