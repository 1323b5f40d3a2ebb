/*
 * Writing a Hugging Face checkpoint folder: the files save_pretrained (model) and
 * BertTokenizer.save_pretrained (tokenizer) produce, byte for byte, so that transformers loads
 * them and a round trip through Nezha Studio leaves a fixture folder unchanged.
 */
import { CheckpointError } from './errors';
import { pythonJsonDumps } from './pythonJson';
import { writeSafetensors } from './safetensors';
import type { StateDict, TensorRecord } from './types';

/** Float-typed NezhaConfig / PretrainedConfig keys: Python writes 0.0 and 1.0, not 0 and 1. */
const CONFIG_FLOAT_KEYS = new Set([
  'attention_probs_dropout_prob',
  'hidden_dropout_prob',
  'classifier_dropout',
  'initializer_range',
  'layer_norm_eps',
  'temperature',
  'top_p',
  'repetition_penalty',
  'length_penalty',
  'diversity_penalty',
  'encoder_no_repeat_ngram_size_penalty',
]);

/** Objects whose keys are ints in Python. */
const INT_KEYED_OBJECTS = new Set(['id2label', 'added_tokens_decoder']);

/** Tied aliases HF drops from safetensors (NezhaForPreTraining / ForMaskedLM `_tied_weights_keys`). */
const TIED_ALIASES: readonly [alias: string, source: string][] = [
  ['cls.predictions.decoder.weight', 'nezha.embeddings.word_embeddings.weight'],
  ['cls.predictions.decoder.bias', 'cls.predictions.bias'],
];

const SPECIAL_TOKENS = {
  unk_token: '[UNK]',
  sep_token: '[SEP]',
  pad_token: '[PAD]',
  cls_token: '[CLS]',
  mask_token: '[MASK]',
} as const;

export interface HfFolderInput {
  /** The model config (parsed config.json or built by the app). */
  config: Record<string, unknown>;
  stateDict: StateDict;
  /** vocab.txt text: one token per line. */
  vocab: string;
  /** tokenizer_config.json model_max_length; defaults to config.max_position_embeddings, else 512. */
  modelMaxLength?: number;
  /** BertTokenizer do_lower_case (default true, as for bert-base-chinese). */
  doLowerCase?: boolean;
  /** 'F32' (default): write float32 like a float32 model; 'stored': keep F16/BF16 tensors in their stored dtype. */
  dtype?: 'F32' | 'stored';
}

const encoder = new TextEncoder();

function sameValues(a: TensorRecord, b: TensorRecord): boolean {
  if (a.data === b.data) return true;
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return false;
  if (a.data.byteLength !== b.data.byteLength) return false;
  const x = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const y = new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * The state dict HF would store in model.safetensors: tied aliases removed when they are tied
 * (tie_word_embeddings not false and the alias holds the same values as its source).
 */
export function dropTiedAliases(stateDict: StateDict, config: Record<string, unknown>): StateDict {
  if (config.tie_word_embeddings === false) return stateDict;
  const out: StateDict = new Map(stateDict);
  for (const [alias, source] of TIED_ALIASES) {
    const aliasRecord = stateDict.get(alias);
    const sourceRecord = stateDict.get(source);
    if (aliasRecord && sourceRecord && sameValues(aliasRecord, sourceRecord)) out.delete(alias);
  }
  return out;
}

/** config.json text as PretrainedConfig.to_json_file writes it. */
export function configJsonText(config: Record<string, unknown>): string {
  return `${pythonJsonDumps(config, { ensureAscii: true, floatKeys: CONFIG_FLOAT_KEYS, intKeyedObjects: INT_KEYED_OBJECTS })}\n`;
}

/** vocab.txt lines: the tokens, in id order. */
export function vocabTokens(vocab: string): string[] {
  const lines = vocab.split('\n');
  if (lines.at(-1) === '') lines.pop();
  // load_vocab keeps everything but the trailing newline; a CRLF file keeps its '\r' there too.
  return lines;
}

function tokenizerConfig(
  tokens: string[],
  modelMaxLength: number,
  doLowerCase: boolean,
): Record<string, unknown> {
  const addedTokensDecoder: Record<string, unknown> = {};
  for (const token of Object.values(SPECIAL_TOKENS)) {
    const id = tokens.indexOf(token);
    if (id < 0) {
      throw new CheckpointError(
        'vocab.txt',
        `has no ${token} token; a BERT vocab needs [PAD], [UNK], [CLS], [SEP] and [MASK]`,
      );
    }
    addedTokensDecoder[String(id)] = {
      content: token,
      lstrip: false,
      normalized: false,
      rstrip: false,
      single_word: false,
      special: true,
    };
  }
  return {
    added_tokens_decoder: addedTokensDecoder,
    clean_up_tokenization_spaces: true,
    ...SPECIAL_TOKENS,
    do_basic_tokenize: true,
    do_lower_case: doLowerCase,
    model_max_length: modelMaxLength,
    never_split: null,
    strip_accents: null,
    tokenize_chinese_chars: true,
    tokenizer_class: 'BertTokenizer',
  };
}

/**
 * The files of an HF checkpoint folder, filename → bytes: config.json, model.safetensors
 * (metadata {"format": "pt"}, tied aliases dropped), vocab.txt, tokenizer_config.json and
 * special_tokens_map.json. The caller writes them to disk.
 */
export function writeHfFolder(input: HfFolderInput): Map<string, Uint8Array> {
  const { stateDict, vocab } = input;
  const dtype = input.dtype ?? 'F32';
  const config = { ...input.config };
  if (dtype === 'F32' && typeof config.torch_dtype === 'string' && config.torch_dtype !== 'float32')
    config.torch_dtype = 'float32';
  const tokens = vocabTokens(vocab);
  // Fewer tokens than embedding rows is fine (padded vocab); more would index past the embeddings.
  if (typeof config.vocab_size === 'number' && tokens.length > config.vocab_size) {
    throw new CheckpointError(
      'vocab.txt',
      `has ${tokens.length} tokens but config.json says vocab_size ${config.vocab_size}; pass the vocab that belongs to this model`,
    );
  }
  const modelMaxLength =
    input.modelMaxLength ??
    (typeof config.max_position_embeddings === 'number' ? config.max_position_embeddings : 512);
  const files = new Map<string, Uint8Array>();
  files.set('config.json', encoder.encode(configJsonText(config)));
  files.set(
    'model.safetensors',
    writeSafetensors(
      dropTiedAliases(stateDict, config),
      { format: 'pt' },
      { dtype: dtype === 'F32' ? 'F32' : 'stored' },
    ),
  );
  files.set('vocab.txt', encoder.encode(tokens.map((token) => `${token}\n`).join('')));
  files.set(
    'tokenizer_config.json',
    encoder.encode(
      `${pythonJsonDumps(tokenizerConfig(tokens, modelMaxLength, input.doLowerCase ?? true), { ensureAscii: false, intKeyedObjects: INT_KEYED_OBJECTS })}\n`,
    ),
  );
  files.set(
    'special_tokens_map.json',
    encoder.encode(`${pythonJsonDumps(SPECIAL_TOKENS, { ensureAscii: false })}\n`),
  );
  return files;
}
