/**
 * Validation of an HF checkpoint folder on disk, before it enters the library: config.json parses and
 * names a NEZHA model, vocab.txt exists, a weight file (single or sharded) exists and its tensor
 * names and shapes agree with config.json. Only headers are read (shared/checkpoint's inspector),
 * never the weights.
 */
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { guessUtf16 } from '../../shared/datasets/encoding';
import { NezhaConfig, NezhaConfigError, type JsonObject } from '../../shared/nezha/config';
import { Vocab } from '../../shared/tokenizer/vocab';
import { join } from 'node:path';
import { CheckpointError } from '../../shared/checkpoint/errors';
import { isNezhaArchitecture } from '../../shared/nezha/modelClasses';
import {
  inspectCheckpointFolder,
  parseJsonFile,
  type InspectedCheckpoint,
} from '../../shared/checkpoint/folder';
import { fsCheckpointSource } from './fsCheckpointSource';
import type { CheckpointFormat } from '../../shared/ipc';
import { ServiceError } from './errors';
import { listCheckpointFolderFiles, resolveCheckpointFolderFile } from './checkpointFolderFiles';

export interface CheckpointFolderInfo {
  architecture: string | null;
  modelType: string;
  format: CheckpointFormat;
  /**
   * Every regular file in the folder, and links into it or its hub cache's blobs/ (relative names, sorted):
   * what the renderer may fetch (checkpointFolderFiles.ts).
   */
  files: string[];
  hiddenSize: number;
  numLayers: number;
  numLabels: number | null;
  labels: string[] | null;
  sizeBytes: number;
}

/** config.json is a few kilobytes; anything this large is not one (and is not read into memory). */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

function fail(message: string): never {
  throw new ServiceError('bad-request', message);
}

/** Reads JSON from `path` (the checked real path), naming `file` (the path in the folder) in errors. */
function readJsonFile(path: string, file: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return fail(
      `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
    );
  }
  try {
    return parseJsonFile(text, file);
  } catch (error) {
    return fail((error as Error).message);
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

const formats: Record<InspectedCheckpoint['format'], CheckpointFormat> = {
  safetensors: 'safetensors',
  'safetensors-sharded': 'sharded-safetensors',
  'pytorch-bin': 'pytorch',
  'pytorch-bin-sharded': 'sharded-pytorch',
};

/**
 * Weight names and shapes must agree with config.json: the word embeddings' width is hidden_size,
 * there is one encoder.layer.N per hidden layer, and a classifier has num_labels rows.
 */
function checkWeightsAgainstConfig(
  inspected: InspectedCheckpoint,
  folder: string,
  config: { hiddenSize: number; numLayers: number; vocabSize: number | null; numLabels: number | null },
): void {
  const embeddings = inspected.tensors.find((t) => /(^|\.)embeddings\.word_embeddings\.weight$/.test(t.name));
  if (!embeddings) {
    fail(
      `${join(folder, inspected.files[0])}: no "embeddings.word_embeddings.weight" tensor among ${inspected.tensors.length}; this is not a NEZHA encoder checkpoint.`,
    );
  }
  const where = join(folder, embeddings.file);
  if (embeddings.shape.length !== 2 || embeddings.shape[1] !== config.hiddenSize) {
    fail(
      `${where}: "${embeddings.name}" has shape [${embeddings.shape.join(', ')}] but config.json hidden_size is ${config.hiddenSize}.`,
    );
  }
  if (config.vocabSize !== null && embeddings.shape[0] !== config.vocabSize) {
    fail(
      `${where}: "${embeddings.name}" has ${embeddings.shape[0]} rows but config.json vocab_size is ${config.vocabSize}.`,
    );
  }
  const layers = new Set<number>();
  for (const tensor of inspected.tensors) {
    const match = /(?:^|\.)encoder\.layer\.(\d+)\./.exec(tensor.name);
    if (match) layers.add(Number(match[1]));
  }
  if (layers.size !== config.numLayers) {
    fail(
      `${join(folder, inspected.files[0])}: the weights hold ${layers.size} encoder layers (encoder.layer.N) but config.json num_hidden_layers is ${config.numLayers}.`,
    );
  }
  const classifier = inspected.tensors.find((t) => t.name === 'classifier.weight');
  if (
    classifier &&
    config.numLabels !== null &&
    classifier.shape[0] !== config.numLabels &&
    classifier.shape[0] !== 1
  ) {
    fail(
      `${join(folder, classifier.file)}: "classifier.weight" has ${classifier.shape[0]} rows but config.json has ${config.numLabels} labels (id2label / num_labels).`,
    );
  }
}

/** vocab.txt is a few hundred kilobytes (21,128 lines for Chinese NEZHA); anything this large is not one. */
const MAX_VOCAB_BYTES = 64 * 1024 * 1024;

function embeddingRows(inspected: InspectedCheckpoint): number | null {
  const embeddings = inspected.tensors.find((t) => /(^|\.)embeddings\.word_embeddings\.weight$/.test(t.name));
  return embeddings?.shape[0] ?? null;
}

/**
 * vocab.txt must be what BertTokenizer reads: UTF-8 text, one token per line, no more tokens than the
 * word embeddings have rows (a larger id would index past them). Binary, empty and UTF-16 files are
 * refused by name.
 */
async function checkVocabFile(folder: string, rows: number | null): Promise<void> {
  const file = join(folder, 'vocab.txt');
  const path = resolveCheckpointFolderFile(folder, 'vocab.txt');
  const { size } = await stat(path);
  if (size > MAX_VOCAB_BYTES)
    fail(`${file}: ${size} bytes; a WordPiece vocabulary is a few hundred kilobytes, this is not one.`);
  const bytes = await readFile(path);
  if (bytes.length === 0 || bytes.toString('utf8').trim() === '')
    fail(`${file}: empty. A WordPiece vocabulary lists one token per line ([PAD], [UNK], [CLS], ...).`);
  const utf16 = guessUtf16(bytes);
  if (utf16)
    fail(`${file}: UTF-16 text (${utf16.why}); BertTokenizer reads vocab.txt as UTF-8: save it as UTF-8.`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail(
      `${file}: not UTF-8 text (a binary file?); BertTokenizer reads vocab.txt as UTF-8, one token per line.`,
    );
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const line = text.slice(0, nul).split('\n').length;
    fail(`${file}:${line}: holds a NUL byte; a vocabulary is plain text, this looks like a binary file.`);
  }
  const vocab = Vocab.fromText(text, file);
  if (rows !== null && vocab.size > rows) {
    fail(
      `${file}: ${vocab.size} tokens, but the word embeddings have ${rows} rows; ids from ${rows} on would index past them. Use the vocab.txt that came with these weights.`,
    );
  }
}

/** Validate `folder` as a NEZHA HF checkpoint; throws a ServiceError naming the file and problem. */
export async function inspectCheckpointFolderOnDisk(folder: string): Promise<CheckpointFolderInfo> {
  let stats;
  try {
    stats = await stat(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(
      code === 'ENOENT' ? `Checkpoint folder not found: ${folder}.` : `${folder}: cannot open (${code}).`,
    );
  }
  if (!stats.isDirectory()) {
    return fail(
      `${folder} is a file; choose the checkpoint FOLDER (the one holding config.json, vocab.txt and the weights).`,
    );
  }
  // config.json first: a wrong folder (/usr, /) is refused at once, before any walk.
  const configFile = join(folder, 'config.json');
  const configStats = await stat(configFile).catch((error: NodeJS.ErrnoException) => error);
  if (configStats instanceof Error) {
    fail(
      configStats.code === 'ENOENT'
        ? `${configFile}: missing. A checkpoint folder holds config.json, vocab.txt and model.safetensors or pytorch_model.bin.`
        : `${configFile}: cannot read (${configStats.code ?? configStats.message}).`,
    );
  }
  if (configStats.size > MAX_CONFIG_BYTES) {
    fail(
      `${configFile}: ${configStats.size} bytes; a config.json is a few kilobytes (at most ${MAX_CONFIG_BYTES}).`,
    );
  }
  const { files, sizeBytes } = await listCheckpointFolderFiles(folder);
  const present = new Set(files);
  if (!present.has('config.json')) {
    fail(`${configFile}: not a regular file (or a link to one) inside the folder.`);
  }
  const parsed = readJsonFile(resolveCheckpointFolderFile(folder, 'config.json'), configFile);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    fail(`${configFile}: must be a JSON object.`);
  const config = parsed as Record<string, unknown>;
  const modelType = typeof config.model_type === 'string' ? config.model_type : '';
  const architectures = Array.isArray(config.architectures)
    ? config.architectures.filter((a) => typeof a === 'string')
    : [];
  const nezhaArch = architectures.find(isNezhaArchitecture) ?? null;
  if (modelType.toLowerCase() !== 'nezha' && nezhaArch === null) {
    fail(
      `${configFile}: not a NEZHA checkpoint (model_type ${JSON.stringify(config.model_type ?? null)}, ` +
        `architectures ${JSON.stringify(config.architectures ?? null)}); expected model_type "nezha" or an architecture named Nezha*/NeZha*.`,
    );
  }
  if (!present.has('vocab.txt'))
    fail(`${join(folder, 'vocab.txt')}: missing. NEZHA uses a BERT WordPiece vocab.txt next to config.json.`);

  // config.json parsed; now the weights, from their headers only (shared/checkpoint's readers).
  let inspected: InspectedCheckpoint;
  try {
    inspected = await inspectCheckpointFolder(fsCheckpointSource(folder, files));
  } catch (error) {
    if (error instanceof CheckpointError) fail(`${error.message}.`.replace(/\.\.$/, '.'));
    throw error;
  }

  const labels = readLabels(config, configFile);
  const numLabels =
    typeof config.num_labels === 'number' ? config.num_labels : labels !== null ? labels.length : null;
  const hiddenSize = positiveInteger(config, 'hidden_size', 768, configFile);
  const numLayers = positiveInteger(config, 'num_hidden_layers', 12, configFile);
  const vocabSize =
    config.vocab_size === undefined ? null : positiveInteger(config, 'vocab_size', 21128, configFile);
  // Every key the model reads, checked as a load checks it (head counts, hidden_act, sizes a backend can
  // allocate), so a config that cannot load is refused now, by key, not at first use.
  try {
    new NezhaConfig(config as JsonObject);
  } catch (error) {
    if (error instanceof NezhaConfigError)
      fail(`${configFile}: ${error.message.replace(/^config\.json: /, '')}.`.replace(/\.\.$/, '.'));
    throw error;
  }
  checkWeightsAgainstConfig(inspected, folder, { hiddenSize, numLayers, vocabSize, numLabels });
  await checkVocabFile(folder, embeddingRows(inspected));
  return {
    architecture: nezhaArch ?? (architectures[0] as string | undefined) ?? null,
    modelType: modelType || 'nezha',
    format: formats[inspected.format],
    files,
    hiddenSize,
    numLayers,
    numLabels,
    labels,
    sizeBytes,
  };
}
