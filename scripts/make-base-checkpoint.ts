/**
 * Generates a NEZHA-base-sized random checkpoint folder (hidden 768, 12 layers, 12 heads,
 * intermediate 3072, vocab 21128; NezhaForPreTraining keys, ~409 MB model.safetensors) with
 * config.json, vocab.txt and the tokenizer files, for benchmarks and load tests. Not committed.
 *
 *   npx tsx scripts/make-base-checkpoint.ts <out-dir> [--seed N] [--layers N] [--bin]
 *
 * --bin also writes pytorch_model.bin (torch.save format, with the tied decoder aliases, like the
 * public nezha-cn-base), holding the same values. Files are streamed tensor by tensor in 4 MB
 * chunks, so memory stays small whatever the checkpoint size. Values: Linear/Embedding weights ~ U(-0.0346, 0.0346) (std 0.02,
 * like HF's init range), biases ~ U(-0.01, 0.01), LayerNorm weight ~ 1 + U(-0.1, 0.1) and bias
 * ~ U(-0.01, 0.01), padding row 0 zero. Deterministic for a seed.
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeHfFolder } from '../shared/checkpoint/hfFolder';
import { planSafetensors, type SafetensorsEntryPlan } from '../shared/checkpoint/safetensors';
import { TorchZipWriter, torchStateDictPickle, type TorchSaveTensor } from '../shared/checkpoint/torchSave';

export interface BaseCheckpointOptions {
  seed?: number;
  numHiddenLayers?: number;
  hiddenSize?: number;
  numAttentionHeads?: number;
  intermediateSize?: number;
  vocabSize?: number;
  /** Which weight files to write (default: safetensors only). */
  formats?: ('safetensors' | 'bin')[];
}

export interface BaseCheckpointResult {
  folder: string;
  /** Sizes of the files written (0 when not written). */
  safetensorsBytes: number;
  binBytes: number;
  /** Distinct tensors (the safetensors keys; the .bin adds the two tied aliases). */
  tensors: number;
  parameters: number;
}

const VOCAB_FILE = new URL('../fixtures/vocab/bert-base-chinese-vocab.txt', import.meta.url);
const CHUNK_ELEMENTS = 1 << 20; // 4 MB of float32 per write

/** NezhaConfig for nezha-cn-base (FACTS.md §6 defaults), as save_pretrained writes it. */
export function baseConfig(options: BaseCheckpointOptions = {}): Record<string, unknown> {
  return {
    architectures: ['NezhaForPreTraining'],
    attention_probs_dropout_prob: 0.1,
    bos_token_id: 2,
    classifier_dropout: 0.1,
    eos_token_id: 3,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    hidden_size: options.hiddenSize ?? 768,
    initializer_range: 0.02,
    intermediate_size: options.intermediateSize ?? 3072,
    layer_norm_eps: 1e-12,
    max_position_embeddings: 512,
    max_relative_position: 64,
    model_type: 'nezha',
    num_attention_heads: options.numAttentionHeads ?? 12,
    num_hidden_layers: options.numHiddenLayers ?? 12,
    pad_token_id: 0,
    torch_dtype: 'float32',
    transformers_version: '4.35.2',
    type_vocab_size: 2,
    use_cache: true,
    vocab_size: options.vocabSize ?? 21128,
  };
}

type Init = 'weight' | 'bias' | 'ln-weight' | 'ln-bias' | 'embedding';

/** NezhaForPreTraining state_dict entries (FACTS.md §7) without the tied decoder aliases, as in safetensors. */
export function pretrainingEntries(
  config: Record<string, unknown>,
): (SafetensorsEntryPlan & { init: Init })[] {
  const H = config.hidden_size as number;
  const I = config.intermediate_size as number;
  const V = config.vocab_size as number;
  const T = config.type_vocab_size as number;
  const entries: (SafetensorsEntryPlan & { init: Init })[] = [];
  const add = (name: string, shape: number[], init: Init): void => {
    entries.push({ name, dtype: 'F32', shape, init });
  };
  const linear = (prefix: string, out: number, inp: number): void => {
    add(`${prefix}.weight`, [out, inp], 'weight');
    add(`${prefix}.bias`, [out], 'bias');
  };
  const layerNorm = (prefix: string): void => {
    add(`${prefix}.weight`, [H], 'ln-weight');
    add(`${prefix}.bias`, [H], 'ln-bias');
  };
  add('nezha.embeddings.word_embeddings.weight', [V, H], 'embedding');
  add('nezha.embeddings.token_type_embeddings.weight', [T, H], 'weight');
  layerNorm('nezha.embeddings.LayerNorm');
  for (let l = 0; l < (config.num_hidden_layers as number); l++) {
    const p = `nezha.encoder.layer.${l}`;
    linear(`${p}.attention.self.query`, H, H);
    linear(`${p}.attention.self.key`, H, H);
    linear(`${p}.attention.self.value`, H, H);
    linear(`${p}.attention.output.dense`, H, H);
    layerNorm(`${p}.attention.output.LayerNorm`);
    linear(`${p}.intermediate.dense`, I, H);
    linear(`${p}.output.dense`, H, I);
    layerNorm(`${p}.output.LayerNorm`);
  }
  linear('nezha.pooler.dense', H, H);
  add('cls.predictions.bias', [V], 'bias');
  linear('cls.predictions.transform.dense', H, H);
  layerNorm('cls.predictions.transform.LayerNorm');
  linear('cls.seq_relationship', 2, H);
  return entries;
}

/** xorshift32: fast, deterministic, good enough for random weights. */
function makeRandom(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

function fill(
  chunk: Float32Array,
  init: Init,
  random: () => number,
  firstIndex: number,
  rowLength: number,
): void {
  const weightRange = 0.02 * Math.sqrt(3); // U(-a, a) has std a/sqrt(3)
  for (let i = 0; i < chunk.length; i++) {
    const u = random() * 2 - 1;
    switch (init) {
      case 'weight':
        chunk[i] = u * weightRange;
        break;
      case 'embedding':
        chunk[i] = firstIndex + i < rowLength ? 0 : u * weightRange; // padding_idx 0 row is zero
        break;
      case 'ln-weight':
        chunk[i] = 1 + 0.1 * u;
        break;
      default:
        chunk[i] = 0.01 * u;
    }
  }
}

/** FNV-1a of a tensor name, so each tensor's values depend only on (seed, name), not on file order. */
function nameHash(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** A tensor's values in chunks of up to CHUNK_ELEMENTS float32 (little-endian bytes); the buffer is reused. */
function* tensorChunks(name: string, init: Init, shape: number[], seed: number): Generator<Uint8Array> {
  const numel = shape.reduce((a, b) => a * b, 1);
  const rowLength = shape.at(-1) ?? 1;
  const random = makeRandom((seed ^ nameHash(name)) >>> 0);
  const chunk = new Float32Array(Math.min(CHUNK_ELEMENTS, numel));
  for (let done = 0; done < numel; done += CHUNK_ELEMENTS) {
    const part = chunk.subarray(0, Math.min(CHUNK_ELEMENTS, numel - done));
    fill(part, init, random, done, rowLength);
    yield new Uint8Array(part.buffer, 0, part.byteLength);
  }
}

function writeSafetensorsFile(
  file: string,
  entries: ReturnType<typeof pretrainingEntries>,
  seed: number,
): number {
  const plan = planSafetensors(entries, { format: 'pt' });
  const initOf = new Map(entries.map((e) => [e.name, e.init]));
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, plan.headerBytes);
    for (const info of plan.tensors) {
      for (const bytes of tensorChunks(info.name, initOf.get(info.name)!, info.shape, seed))
        writeSync(fd, bytes);
    }
  } finally {
    closeSync(fd);
  }
  return plan.fileSize;
}

/**
 * pytorch_model.bin as HF's save_pretrained writes it with torch.save: every state_dict key,
 * including the tied aliases cls.predictions.decoder.weight/.bias, which share the storage of
 * the word embeddings / cls.predictions.bias. Values equal the safetensors file's.
 */
function writePytorchBinFile(
  file: string,
  entries: ReturnType<typeof pretrainingEntries>,
  seed: number,
): number {
  const tensors: TorchSaveTensor[] = [];
  const storageOf = new Map<string, { key: string; entry: (typeof entries)[number] }>();
  const keyFor = (entry: (typeof entries)[number]): string => {
    let storage = storageOf.get(entry.name);
    if (!storage) {
      storage = { key: String(storageOf.size), entry };
      storageOf.set(entry.name, storage);
    }
    return storage.key;
  };
  const byName = new Map(entries.map((e) => [e.name, e]));
  const push = (name: string, source: (typeof entries)[number]): void => {
    tensors.push({
      name,
      dtype: 'F32',
      shape: source.shape,
      storageKey: keyFor(source),
      storageNumel: source.shape.reduce((a, b) => a * b, 1),
    });
  };
  for (const entry of entries) {
    push(entry.name, entry);
    if (entry.name === 'cls.predictions.transform.LayerNorm.bias') {
      // state_dict() order puts the decoder (tied to the embeddings and the MLM bias) here
      push('cls.predictions.decoder.weight', byName.get('nezha.embeddings.word_embeddings.weight')!);
      push('cls.predictions.decoder.bias', byName.get('cls.predictions.bias')!);
    }
  }
  const fd = openSync(file, 'w');
  let size = 0;
  try {
    const writer = new TorchZipWriter((bytes) => {
      writeSync(fd, bytes);
      size += bytes.byteLength;
    });
    const pickle = torchStateDictPickle(tensors);
    writer.addRecord('pytorch_model/data.pkl', pickle.byteLength, [pickle]);
    const storages = [...storageOf.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const { key, entry } of storages) {
      const bytes = entry.shape.reduce((a, b) => a * b, 1) * 4;
      writer.addRecord(
        `pytorch_model/data/${key}`,
        bytes,
        tensorChunks(entry.name, entry.init, entry.shape, seed),
      );
    }
    const version = new TextEncoder().encode('3\n');
    writer.addRecord('pytorch_model/version', version.byteLength, [version]);
    writer.finish();
  } finally {
    closeSync(fd);
  }
  return size;
}

/** Writes the folder; returns where and how big. */
export async function makeBaseCheckpoint(
  folder: string,
  options: BaseCheckpointOptions = {},
): Promise<BaseCheckpointResult> {
  mkdirSync(folder, { recursive: true });
  const config = baseConfig(options);
  const vocab = readFileSync(VOCAB_FILE, 'utf8');
  // config.json, vocab.txt and tokenizer files exactly as save_pretrained writes them
  const small = writeHfFolder({ config, stateDict: new Map(), vocab });
  for (const [name, bytes] of small) {
    if (name !== 'model.safetensors') writeFileSync(join(folder, name), bytes);
  }
  const entries = pretrainingEntries(config);
  const seed = options.seed ?? 20240521;
  const formats = options.formats ?? ['safetensors'];
  const result: BaseCheckpointResult = {
    folder,
    safetensorsBytes: 0,
    binBytes: 0,
    tensors: entries.length,
    parameters: entries.reduce((sum, e) => sum + e.shape.reduce((a, b) => a * b, 1), 0),
  };
  if (formats.includes('safetensors')) {
    result.safetensorsBytes = writeSafetensorsFile(join(folder, 'model.safetensors'), entries, seed);
  }
  if (formats.includes('bin')) {
    result.binBytes = writePytorchBinFile(join(folder, 'pytorch_model.bin'), entries, seed);
  }
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const folder = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
  const flag = (name: string): number | undefined => {
    const index = args.indexOf(name);
    return index >= 0 ? Number(args[index + 1]) : undefined;
  };
  if (!folder) {
    console.error('usage: npx tsx scripts/make-base-checkpoint.ts <out-dir> [--seed N] [--layers N] [--bin]');
    process.exit(2);
  }
  const t0 = performance.now();
  const result = await makeBaseCheckpoint(folder, {
    seed: flag('--seed'),
    numHiddenLayers: flag('--layers'),
    formats: args.includes('--bin') ? ['safetensors', 'bin'] : ['safetensors'],
  });
  console.log(
    `wrote ${result.folder}: ${result.tensors} tensors, ${(result.parameters / 1e6).toFixed(1)} M parameters, model.safetensors ${(result.safetensorsBytes / 1e6).toFixed(1)} MB${result.binBytes ? `, pytorch_model.bin ${(result.binBytes / 1e6).toFixed(1)} MB` : ''} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}
