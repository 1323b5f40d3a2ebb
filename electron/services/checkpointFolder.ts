/**
 * Validation of an HF checkpoint folder on disk, before it enters the library: config.json parses and
 * names a NEZHA model, vocab.txt exists, and a weight file (single or sharded) exists and is sane.
 * Only headers are read, never the weights.
 */
import { openSync, readSync, closeSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '../../shared/checkpoint/errors';
import { parseSafetensorsHeader, safetensorsHeaderLength } from '../../shared/checkpoint/safetensors';
import type { CheckpointFormat } from '../../shared/ipc';
import { ServiceError } from './errors';

export interface CheckpointFolderInfo {
  architecture: string | null;
  modelType: string;
  format: CheckpointFormat;
  /** Every regular file in the folder (relative names, sorted): what the renderer may fetch. */
  files: string[];
  hiddenSize: number;
  numLayers: number;
  numLabels: number | null;
  labels: string[] | null;
  sizeBytes: number;
}

const nezhaArchitecture = /^ne[z]ha/i;

function fail(message: string): never {
  throw new ServiceError('bad-request', message);
}

function listFiles(folder: string): { files: string[]; sizeBytes: number } {
  const files: string[] = [];
  let sizeBytes = 0;
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue; // .git, .cache from huggingface-cli
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(join(dir, entry.name), relative);
      else if (entry.isFile()) {
        files.push(relative);
        sizeBytes += statSync(join(dir, entry.name)).size;
      }
    }
  };
  walk(folder, '');
  files.sort();
  return { files, sizeBytes };
}

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return fail(
      `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return fail(`${file}: invalid JSON: ${(error as Error).message}.`);
  }
}

function positiveInteger(
  config: Record<string, unknown>,
  key: string,
  fallback: number,
  file: string,
): number {
  const value = config[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    return fail(`${file}: "${key}" must be a positive integer, got ${JSON.stringify(value)}.`);
  }
  return value;
}

/** Labels ordered by id from `id2label` ({"0": "B-PER", ...}); null when the config has none. */
function readLabels(config: Record<string, unknown>, file: string): string[] | null {
  const id2label = config.id2label;
  if (id2label === undefined || id2label === null) return null;
  if (typeof id2label !== 'object' || Array.isArray(id2label))
    return fail(`${file}: "id2label" must be an object.`);
  const entries = Object.entries(id2label as Record<string, unknown>);
  const labels: string[] = new Array(entries.length);
  for (const [key, label] of entries) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 0 || id >= entries.length || typeof label !== 'string') {
      return fail(
        `${file}: "id2label" entry ${JSON.stringify(key)}: ${JSON.stringify(label)} is not id 0..${entries.length - 1} → string.`,
      );
    }
    labels[id] = label;
  }
  return labels;
}

/**
 * Check the safetensors header with shared/checkpoint's parser (length, JSON, dtypes, offsets inside
 * the file) reading only the header bytes.
 */
function checkSafetensorsHeader(file: string): void {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const first8 = Buffer.alloc(Math.min(8, size));
    readSync(fd, first8, 0, first8.length, 0);
    const headerLength = safetensorsHeaderLength(first8, size, file);
    const prefix = Buffer.alloc(8 + headerLength);
    readSync(fd, prefix, 0, prefix.length, 0);
    const header = parseSafetensorsHeader(prefix, size, file);
    if (header.tensors.length === 0) fail(`${file}: safetensors file holds no tensors.`);
  } catch (error) {
    if (error instanceof CheckpointError) fail(error.message);
    throw error;
  } finally {
    closeSync(fd);
  }
}

/** A pytorch_model.bin saved by torch.save is a zip (starts with "PK"); the legacy tar/pickle format is not supported. */
function checkTorchZip(file: string): void {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const magic = Buffer.alloc(4);
    readSync(fd, magic, 0, 4, 0);
    if (size < 22 || magic[0] !== 0x50 || magic[1] !== 0x4b) {
      fail(
        `${file}: not a torch zip archive (torch.save since PyTorch 1.6 writes one). Re-save it with torch.save, or convert it to model.safetensors.`,
      );
    }
  } finally {
    closeSync(fd);
  }
}

function checkShardIndex(folder: string, indexName: string, files: Set<string>): void {
  const indexFile = join(folder, indexName);
  const index = readJsonFile(indexFile) as { weight_map?: unknown };
  if (
    typeof index !== 'object' ||
    index === null ||
    typeof index.weight_map !== 'object' ||
    index.weight_map === null
  ) {
    fail(
      `${indexFile}: missing "weight_map" (a sharded checkpoint index maps each weight name to its shard file).`,
    );
  }
  const shards = new Set(Object.values(index.weight_map as Record<string, unknown>));
  if (shards.size === 0) fail(`${indexFile}: "weight_map" is empty.`);
  for (const shard of shards) {
    if (typeof shard !== 'string' || !files.has(shard)) {
      fail(`${indexFile}: names shard ${JSON.stringify(shard)}, which is not in ${folder}.`);
    }
    if (shard.endsWith('.safetensors')) checkSafetensorsHeader(join(folder, shard));
    else checkTorchZip(join(folder, shard));
  }
}

/** Validate `folder` as a NEZHA HF checkpoint; throws a ServiceError naming the file and problem. */
export function inspectCheckpointFolderOnDisk(folder: string): CheckpointFolderInfo {
  let stats;
  try {
    stats = statSync(folder);
  } catch {
    return fail(`Checkpoint folder not found: ${folder}.`);
  }
  if (!stats.isDirectory()) {
    return fail(
      `${folder} is a file; choose the checkpoint FOLDER (the one holding config.json, vocab.txt and the weights).`,
    );
  }
  const { files, sizeBytes } = listFiles(folder);
  const present = new Set(files);

  const configFile = join(folder, 'config.json');
  if (!present.has('config.json')) {
    fail(
      `${configFile}: missing. A checkpoint folder holds config.json, vocab.txt and model.safetensors or pytorch_model.bin.`,
    );
  }
  const parsed = readJsonFile(configFile);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    fail(`${configFile}: must be a JSON object.`);
  const config = parsed as Record<string, unknown>;
  const modelType = typeof config.model_type === 'string' ? config.model_type : '';
  const architectures = Array.isArray(config.architectures)
    ? config.architectures.filter((a) => typeof a === 'string')
    : [];
  const nezhaArch = architectures.find((a) => nezhaArchitecture.test(a)) ?? null;
  if (modelType.toLowerCase() !== 'nezha' && nezhaArch === null) {
    fail(
      `${configFile}: not a NEZHA checkpoint (model_type ${JSON.stringify(config.model_type ?? null)}, ` +
        `architectures ${JSON.stringify(config.architectures ?? null)}); expected model_type "nezha" or an architecture named Nezha*/NeZha*.`,
    );
  }
  if (!present.has('vocab.txt'))
    fail(`${join(folder, 'vocab.txt')}: missing. NEZHA uses a BERT WordPiece vocab.txt next to config.json.`);

  let format: CheckpointFormat;
  if (present.has('model.safetensors')) {
    checkSafetensorsHeader(join(folder, 'model.safetensors'));
    format = 'safetensors';
  } else if (present.has('model.safetensors.index.json')) {
    checkShardIndex(folder, 'model.safetensors.index.json', present);
    format = 'sharded-safetensors';
  } else if (present.has('pytorch_model.bin')) {
    checkTorchZip(join(folder, 'pytorch_model.bin'));
    format = 'pytorch';
  } else if (present.has('pytorch_model.bin.index.json')) {
    checkShardIndex(folder, 'pytorch_model.bin.index.json', present);
    format = 'sharded-pytorch';
  } else {
    return fail(
      `${folder}: no weight file. Expected model.safetensors, pytorch_model.bin, or a sharded model.safetensors.index.json / pytorch_model.bin.index.json.`,
    );
  }

  const labels = readLabels(config, configFile);
  const numLabels =
    typeof config.num_labels === 'number' ? config.num_labels : labels !== null ? labels.length : null;
  return {
    architecture: nezhaArch ?? (architectures[0] as string | undefined) ?? null,
    modelType: modelType || 'nezha',
    format,
    files,
    hiddenSize: positiveInteger(config, 'hidden_size', 768, configFile),
    numLayers: positiveInteger(config, 'num_hidden_layers', 12, configFile),
    numLabels,
    labels,
    sizeBytes,
  };
}
