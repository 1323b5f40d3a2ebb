/*
 * Loading a Hugging Face checkpoint folder (config.json + weights) from any CheckpointSource.
 * Weight files, in order of preference: model.safetensors, model.safetensors.index.json (shards),
 * pytorch_model.bin, pytorch_model.bin.index.json (shards). safetensors wins when both exist: it
 * is faster and involves no pickle.
 */
import { findExcessJsonNesting, MAX_JSON_DEPTH } from '../json/depth';
import { CheckpointError, formatBytes } from './errors';
import { readPytorchBinIndex, streamPytorchBin } from './pytorchBin';
import {
  decodeSafetensorsTensor,
  parseSafetensorsHeader,
  safetensorsHeaderLength,
  type SafetensorsHeader,
} from './safetensors';
import { sourceRangeReader, type CheckpointSource } from './source';
import type { StateDict, TensorRecord } from './types';

export type CheckpointFormat = 'safetensors' | 'safetensors-sharded' | 'pytorch-bin' | 'pytorch-bin-sharded';

export interface LoadProgress {
  /** Weight bytes read so far and in all (over every weight file). */
  bytesDone: number;
  bytesTotal: number;
  /** The file being read. */
  file: string;
}

export interface LoadOptions {
  onProgress?: (progress: LoadProgress) => void;
  /** Cancels between reads. */
  signal?: AbortSignal;
}

export interface LoadedCheckpoint {
  /** config.json, parsed (validate it with the model's config schema). */
  config: unknown;
  configFile: string;
  format: CheckpointFormat;
  stateDict: StateDict;
  /** Weight files read (the index file first for sharded checkpoints). */
  files: string[];
  /** safetensors `__metadata__` (merged over shards), when the weights are safetensors. */
  metadata: Record<string, string> | null;
}

export interface TensorInfo {
  name: string;
  /** safetensors spelling: F32, F16, BF16, I64, ... */
  dtype: string;
  shape: number[];
  /** The weight file holding it. */
  file: string;
}

export interface InspectedCheckpoint {
  config: unknown;
  configFile: string;
  format: CheckpointFormat;
  files: string[];
  tensors: TensorInfo[];
  /** Total size of the weight files in bytes. */
  weightBytes: number;
  metadata: Record<string, string> | null;
}

interface WeightPlan {
  format: CheckpointFormat;
  /** The index file for sharded checkpoints. */
  indexFile: string | null;
  /** Weight files to read, in order. */
  shards: string[];
  /** For sharded checkpoints: key → shard, from weight_map. */
  weightMap: Map<string, string> | null;
}

const CONFIG_FILE = 'config.json';
const textDecoder = new TextDecoder('utf-8');

/** Error for a file of the folder, prefixed with the source's name when it has one. */
function folderError(source: CheckpointSource, file: string, detail: string): CheckpointError {
  return new CheckpointError(source.name ? `${source.name}/${file}` : file, detail);
}

/** Re-labels a reader's CheckpointError with the folder name, keeping its detail. */
function withFolder(source: CheckpointSource, error: unknown): unknown {
  if (error instanceof CheckpointError && source.name && !error.file.startsWith(`${source.name}/`)) {
    return new CheckpointError(`${source.name}/${error.file}`, error.message.slice(error.file.length + 2));
  }
  return error;
}

/** JSON.parse with a "line L, column C" position in the error, refusing absurd nesting (shared/json). */
export function parseJsonFile(text: string, file: string): unknown {
  const tooDeep = findExcessJsonNesting(text);
  if (tooDeep) {
    throw new CheckpointError(
      `${file}:${tooDeep.line}:${tooDeep.column}`,
      `nested more than ${MAX_JSON_DEPTH} levels deep; this is not a model settings file, replace it`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const match = /position (\d+)/.exec(message);
    const position = match ? Number(match[1]) : text.length;
    const before = text.slice(0, position);
    const line = before.split('\n').length;
    const column = position - before.lastIndexOf('\n');
    const reason = message.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '');
    throw new CheckpointError(
      `${file}:${line}:${column}`,
      `invalid JSON (${reason}); fix or replace the file`,
    );
  }
}

async function readConfig(source: CheckpointSource, files: Set<string>): Promise<unknown> {
  if (!files.has(CONFIG_FILE)) {
    throw folderError(
      source,
      CONFIG_FILE,
      'missing: a Hugging Face checkpoint folder needs config.json next to the weights (pick the folder that holds config.json)',
    );
  }
  const text = textDecoder.decode(await source.read(CONFIG_FILE));
  const config = parseJsonFile(text, source.name ? `${source.name}/${CONFIG_FILE}` : CONFIG_FILE);
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw folderError(source, CONFIG_FILE, 'must hold a JSON object of model settings');
  }
  return config;
}

async function planWeights(source: CheckpointSource, files: Set<string>): Promise<WeightPlan> {
  if (files.has('model.safetensors')) return single('safetensors', 'model.safetensors');
  if (files.has('model.safetensors.index.json'))
    return readShardIndex(source, files, 'model.safetensors.index.json', 'safetensors-sharded');
  if (files.has('pytorch_model.bin')) return single('pytorch-bin', 'pytorch_model.bin');
  if (files.has('pytorch_model.bin.index.json'))
    return readShardIndex(source, files, 'pytorch_model.bin.index.json', 'pytorch-bin-sharded');
  const others = [...files].filter((f) => /\.(h5|msgpack|ckpt|pt|pth|onnx|safetensors|bin)$/.test(f));
  throw folderError(
    source,
    'config.json',
    `no weight file next to it: expected model.safetensors, pytorch_model.bin or a sharded *.index.json${others.length ? ` (found ${others.join(', ')}, which Nezha Studio does not read; convert to safetensors)` : ''}`,
  );
}

function single(format: CheckpointFormat, file: string): WeightPlan {
  return { format, indexFile: null, shards: [file], weightMap: null };
}

async function readShardIndex(
  source: CheckpointSource,
  files: Set<string>,
  indexFile: string,
  format: CheckpointFormat,
): Promise<WeightPlan> {
  const index = parseJsonFile(
    textDecoder.decode(await source.read(indexFile)),
    source.name ? `${source.name}/${indexFile}` : indexFile,
  ) as { weight_map?: unknown } | null;
  const weightMapJson = index?.weight_map;
  if (typeof weightMapJson !== 'object' || weightMapJson === null || Array.isArray(weightMapJson)) {
    throw folderError(source, indexFile, 'has no "weight_map" object (tensor name → shard file)');
  }
  const weightMap = new Map<string, string>();
  const shards: string[] = [];
  for (const [key, shard] of Object.entries(weightMapJson as Record<string, unknown>)) {
    if (typeof shard !== 'string')
      throw folderError(source, indexFile, `weight_map entry '${key}' is not a file name`);
    if (!files.has(shard)) {
      throw folderError(
        source,
        indexFile,
        `weight_map names shard '${shard}' (for '${key}'), which is missing from the folder; download the missing shard`,
      );
    }
    weightMap.set(key, shard);
    if (!shards.includes(shard)) shards.push(shard);
  }
  if (shards.length === 0) throw folderError(source, indexFile, 'weight_map is empty');
  return { format, indexFile, shards, weightMap };
}

async function readSafetensorsHeaderFrom(
  source: CheckpointSource,
  file: string,
): Promise<{ header: SafetensorsHeader; size: number }> {
  const size = await source.size(file);
  const first8 = await source.read(file, 0, Math.min(8, size));
  const headerLength = safetensorsHeaderLength(first8, size, file);
  const prefix = await source.read(file, 0, 8 + headerLength);
  return { header: parseSafetensorsHeader(prefix, size, file), size };
}

/** Reads chunks of consecutive tensors of up to this many bytes per read (fewer reads, bounded memory spikes). */
const READ_CHUNK_BYTES = 64 * 1024 * 1024;

function checkShardKeys(
  source: CheckpointSource,
  plan: WeightPlan,
  shard: string,
  keys: Iterable<string>,
): void {
  if (!plan.weightMap || !plan.indexFile) return;
  const present = new Set(keys);
  for (const [key, mapped] of plan.weightMap) {
    if (mapped === shard && !present.has(key)) {
      throw folderError(
        source,
        plan.indexFile,
        `weight_map puts '${key}' in '${shard}', but that shard has no such tensor; the shards do not match the index`,
      );
    }
  }
}

/** What streamCheckpointFolder resolves to: everything loadCheckpointFolder returns but the tensors. */
export type StreamedCheckpoint = Omit<LoadedCheckpoint, 'stateDict'> & { tensorCount: number };

/** Receives each tensor as it is decoded, with the weight file it came from; may be async. */
export type CheckpointTensorSink = (name: string, record: TensorRecord, file: string) => void | Promise<void>;

async function visitCheckpointFolder(
  source: CheckpointSource,
  onTensor: CheckpointTensorSink,
  options: LoadOptions,
  onShardOrder?: (names: string[]) => void,
): Promise<StreamedCheckpoint> {
  const { onProgress, signal } = options;
  const files = new Set(await source.listFiles());
  try {
    const config = await readConfig(source, files);
    const plan = await planWeights(source, files);
    const sizes = await Promise.all(plan.shards.map((shard) => source.size(shard)));
    const bytesTotal = sizes.reduce((a, b) => a + b, 0);
    let bytesBefore = 0;
    const seen = new Set<string>();
    let metadata: Record<string, string> | null = null;
    const report = (file: string, bytesDone: number): void => onProgress?.({ bytesDone, bytesTotal, file });
    const emit = async (shard: string, name: string, record: TensorRecord): Promise<void> => {
      if (seen.has(name)) throw folderError(source, shard, `tensor '${name}' also appears in another shard`);
      seen.add(name);
      await onTensor(name, record, shard);
    };

    for (let s = 0; s < plan.shards.length; s++) {
      const shard = plan.shards[s];
      signal?.throwIfAborted();
      report(shard, bytesBefore);
      if (plan.format === 'safetensors' || plan.format === 'safetensors-sharded') {
        const { header } = await readSafetensorsHeaderFrom(source, shard);
        if (header.metadata) metadata = { ...(metadata ?? {}), ...header.metadata };
        checkShardKeys(
          source,
          plan,
          shard,
          header.tensors.map((t) => t.name),
        );
        let i = 0;
        while (i < header.tensors.length) {
          signal?.throwIfAborted();
          // one read for a run of consecutive tensors of up to READ_CHUNK_BYTES (or one big tensor)
          let j = i + 1;
          while (
            j < header.tensors.length &&
            header.tensors[j].fileEnd - header.tensors[i].fileStart <= READ_CHUNK_BYTES
          )
            j++;
          const start = header.tensors[i].fileStart;
          const end = header.tensors[j - 1].fileEnd;
          const chunk = await source.read(shard, start, end);
          if (chunk.byteLength !== end - start) {
            throw folderError(
              source,
              shard,
              `read ${formatBytes(chunk.byteLength)} at offset ${start} but expected ${formatBytes(end - start)}; the file changed or is truncated`,
            );
          }
          for (let t = i; t < j; t++) {
            const info = header.tensors[t];
            const bytes = chunk.subarray(info.fileStart - start, info.fileEnd - start);
            await emit(shard, info.name, decodeSafetensorsTensor(info, bytes, shard));
          }
          report(shard, bytesBefore + end);
          i = j;
        }
        onShardOrder?.(header.tensors.map((t) => t.name));
      } else {
        const reader = await sourceRangeReader(source, shard);
        const index = await readPytorchBinIndex(reader);
        checkShardKeys(source, plan, shard, index.tensors.keys());
        await streamPytorchBin(
          reader,
          (name, record) => emit(shard, name, record),
          ({ bytesDone }) => {
            signal?.throwIfAborted();
            report(shard, bytesBefore + bytesDone);
          },
          index,
        );
        onShardOrder?.([...index.tensors.keys()]);
      }
      bytesBefore += sizes[s];
      report(shard, bytesBefore);
    }
    return {
      config,
      configFile: CONFIG_FILE,
      format: plan.format,
      files: plan.indexFile ? [plan.indexFile, ...plan.shards] : plan.shards,
      metadata,
      tensorCount: seen.size,
    };
  } catch (error) {
    throw withFolder(source, error);
  }
}

/**
 * Streams every tensor of a checkpoint folder to `onTensor`, one read chunk (safetensors) or one
 * storage record (.bin) at a time, so the renderer worker can upload each tensor to the GPU and
 * drop it instead of holding the whole state dict. Same files, checks and errors as
 * loadCheckpointFolder. Tensors of a .bin arrive in storage order (an alias right after the
 * tensor it shares storage with).
 */
export function streamCheckpointFolder(
  source: CheckpointSource,
  onTensor: CheckpointTensorSink,
  options: LoadOptions = {},
): Promise<StreamedCheckpoint> {
  return visitCheckpointFolder(source, onTensor, options);
}

/**
 * Loads config.json and every tensor, in the checkpoint's key order. Errors are CheckpointErrors
 * whose one-line message names the file and the problem.
 */
export async function loadCheckpointFolder(
  source: CheckpointSource,
  options: LoadOptions = {},
): Promise<LoadedCheckpoint> {
  const received = new Map<string, TensorRecord>();
  const stateDict: StateDict = new Map();
  const { tensorCount: _count, ...loaded } = await visitCheckpointFolder(
    source,
    (name, record) => void received.set(name, record),
    options,
    (names) => {
      for (const name of names) stateDict.set(name, received.get(name)!);
      received.clear();
    },
  );
  return { ...loaded, stateDict };
}

/**
 * Reads config.json and only the weight headers (safetensors JSON header, or the zip directory and
 * pickle of a .bin) to list tensor names, shapes and dtypes without loading any weights.
 */
export async function inspectCheckpointFolder(source: CheckpointSource): Promise<InspectedCheckpoint> {
  const files = new Set(await source.listFiles());
  try {
    const config = await readConfig(source, files);
    const plan = await planWeights(source, files);
    const tensors: TensorInfo[] = [];
    let weightBytes = 0;
    let metadata: Record<string, string> | null = null;
    for (const shard of plan.shards) {
      if (plan.format === 'safetensors' || plan.format === 'safetensors-sharded') {
        const { header, size } = await readSafetensorsHeaderFrom(source, shard);
        weightBytes += size;
        if (header.metadata) metadata = { ...(metadata ?? {}), ...header.metadata };
        for (const info of header.tensors)
          tensors.push({ name: info.name, dtype: info.dtype, shape: info.shape, file: shard });
        checkShardKeys(
          source,
          plan,
          shard,
          header.tensors.map((t) => t.name),
        );
      } else {
        const reader = await sourceRangeReader(source, shard);
        weightBytes += reader.size;
        const index = await readPytorchBinIndex(reader);
        for (const [name, tensor] of index.tensors)
          tensors.push({ name, dtype: tensor.dtype, shape: [...tensor.shape], file: shard });
        checkShardKeys(source, plan, shard, index.tensors.keys());
      }
    }
    return {
      config,
      configFile: CONFIG_FILE,
      format: plan.format,
      files: plan.indexFile ? [plan.indexFile, ...plan.shards] : plan.shards,
      tensors,
      weightBytes,
      metadata,
    };
  } catch (error) {
    throw withFolder(source, error);
  }
}
