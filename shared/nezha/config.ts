import { ACTIVATION_NAMES, isActivationName } from './activations';

/*
 * NezhaConfig: HF transformers' `configuration_nezha.py` (v4.35.2) plus the parts of
 * `PretrainedConfig` that matter for NEZHA (labels, problem_type, tie_word_embeddings). Parsing
 * follows HF's __init__: every default is HF's, unknown keys are kept and written back, and
 * `toJSON()` writes what `save_pretrained` writes (FACTS §6).
 */

/** The transformers release whose NEZHA code this implementation mirrors (written as transformers_version). */
export const HF_TRANSFORMERS_VERSION = '4.35.2';

export const PROBLEM_TYPES = [
  'regression',
  'single_label_classification',
  'multi_label_classification',
] as const;
export type ProblemType = (typeof PROBLEM_TYPES)[number];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** NezhaConfig.__init__ defaults (configuration_nezha.py). */
const NEZHA_DEFAULTS = {
  vocab_size: 21128,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
  max_position_embeddings: 512,
  max_relative_position: 64,
  type_vocab_size: 2,
  initializer_range: 0.02,
  layer_norm_eps: 1e-12,
  classifier_dropout: 0.1 as number | null,
  pad_token_id: 0,
  bos_token_id: 2,
  eos_token_id: 3,
  use_cache: true,
};

/**
 * PretrainedConfig attributes and their defaults (configuration_utils.py, v4.35.2), as `to_dict()`
 * lists them. `save_pretrained` writes one of these only when it differs from this default.
 * (pad/bos/eos token ids are base keys too, but NEZHA's own defaults differ, so they are always written.)
 */
const PRETRAINED_CONFIG_DEFAULTS: JsonObject = {
  return_dict: true,
  output_hidden_states: false,
  output_attentions: false,
  torchscript: false,
  torch_dtype: null,
  use_bfloat16: false,
  tf_legacy_loss: false,
  pruned_heads: {},
  tie_word_embeddings: true,
  is_encoder_decoder: false,
  is_decoder: false,
  cross_attention_hidden_size: null,
  add_cross_attention: false,
  tie_encoder_decoder: false,
  max_length: 20,
  min_length: 0,
  do_sample: false,
  early_stopping: false,
  num_beams: 1,
  num_beam_groups: 1,
  diversity_penalty: 0.0,
  temperature: 1.0,
  top_k: 50,
  top_p: 1.0,
  typical_p: 1.0,
  repetition_penalty: 1.0,
  length_penalty: 1.0,
  no_repeat_ngram_size: 0,
  encoder_no_repeat_ngram_size: 0,
  bad_words_ids: null,
  num_return_sequences: 1,
  chunk_size_feed_forward: 0,
  output_scores: false,
  return_dict_in_generate: false,
  forced_bos_token_id: null,
  forced_eos_token_id: null,
  remove_invalid_values: false,
  exponential_decay_length_penalty: null,
  suppress_tokens: null,
  begin_suppress_tokens: null,
  architectures: null,
  finetuning_task: null,
  id2label: { '0': 'LABEL_0', '1': 'LABEL_1' },
  label2id: { LABEL_0: 0, LABEL_1: 1 },
  tokenizer_class: null,
  prefix: null,
  sep_token_id: null,
  decoder_start_token_id: null,
  task_specific_params: null,
  problem_type: null,
};

/** Keys HF consumes while loading and never writes back. */
const CONSUMED_KEYS = new Set([
  'num_labels',
  '_name_or_path',
  '_commit_hash',
  'transformers_version',
  'model_type',
]);

/** Thrown for a config.json that HF would reject or that cannot describe a working model. */
export class NezhaConfigError extends Error {
  readonly key: string | null;
  constructor(key: string | null, detail: string) {
    super(key === null ? `config.json: ${detail}` : `config.json: "${key}" ${detail}`);
    this.name = 'NezhaConfigError';
    this.key = key;
  }
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function readInteger(raw: JsonObject, key: string, fallback: number, min: number): number {
  const value = raw[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new NezhaConfigError(
      key,
      `must be an integer, got ${describe(value)}; fix the value in config.json`,
    );
  }
  if (value < min) {
    throw new NezhaConfigError(key, `must be at least ${min}, got ${value}; fix the value in config.json`);
  }
  return value;
}

/**
 * The longest window the model may be asked to run: attention holds window² scores per head, and at
 * 16,384 positions that is already 1 GiB per head; public NEZHA checkpoints use 512.
 */
export const MAX_POSITION_EMBEDDINGS = 16384;
/** Largest relative-position table ((2 × max_relative_position + 1) × head size float32) a load allocates. */
export const MAX_RELATIVE_POSITION_TABLE_BYTES = 256 * 1024 * 1024;

function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 0)} MiB`;
}

/**
 * Sizes a backend must allocate while loading or running, checked when the config is read (at import and
 * before a load) so an absurd value is refused by key instead of failing later as "Array buffer allocation
 * failed".
 */
function checkAllocatableSizes(config: {
  maxPositionEmbeddings: number;
  maxRelativePosition: number;
  hiddenSize: number;
  numAttentionHeads: number;
}): void {
  if (config.maxPositionEmbeddings > MAX_POSITION_EMBEDDINGS) {
    throw new NezhaConfigError(
      'max_position_embeddings',
      `is ${config.maxPositionEmbeddings}, over ${MAX_POSITION_EMBEDDINGS}: a window that long needs ` +
        `${config.maxPositionEmbeddings}² attention scores per head, more than a backend can allocate (NEZHA checkpoints use 512)`,
    );
  }
  const headSize = config.hiddenSize / config.numAttentionHeads;
  const tableBytes = (2 * config.maxRelativePosition + 1) * headSize * 4;
  if (tableBytes > MAX_RELATIVE_POSITION_TABLE_BYTES) {
    throw new NezhaConfigError(
      'max_relative_position',
      `is ${config.maxRelativePosition}: its relative-position table ((2 × ${config.maxRelativePosition} + 1) × head size ${headSize} float32) ` +
        `would take ${mebibytes(tableBytes)}, over the ${mebibytes(MAX_RELATIVE_POSITION_TABLE_BYTES)} a backend is sure to allocate (NEZHA checkpoints use 64)`,
    );
  }
}

function readNumber(
  raw: JsonObject,
  key: string,
  fallback: number,
  check: 'probability' | 'positive',
): number {
  const value = raw[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new NezhaConfigError(
      key,
      `must be a finite number, got ${describe(value)}; fix the value in config.json`,
    );
  }
  if (check === 'probability' && (value < 0 || value >= 1)) {
    throw new NezhaConfigError(key, `is a dropout probability and must be in [0, 1), got ${value}`);
  }
  if (check === 'positive' && !(value > 0)) {
    throw new NezhaConfigError(key, `must be greater than 0, got ${value}`);
  }
  return value;
}

function readOptionalTokenId(raw: JsonObject, key: string, fallback: number | null): number | null {
  const value = key in raw ? raw[key] : fallback;
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new NezhaConfigError(key, `must be an integer token id or null, got ${describe(value)}`);
  }
  return value;
}

function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  return JSON.stringify(sortKeysDeep(a ?? null)) === JSON.stringify(sortKeysDeep(b ?? null));
}

function sortKeysDeep(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === 'object') {
    const out: JsonObject = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeysDeep(value[key]);
    return out;
  }
  return value;
}

function defaultId2Label(numLabels: number): Map<number, string> {
  const map = new Map<number, string>();
  for (let i = 0; i < numLabels; i++) map.set(i, `LABEL_${i}`);
  return map;
}

export class NezhaConfig {
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  hiddenAct: string;
  hiddenDropoutProb: number;
  attentionProbsDropoutProb: number;
  maxPositionEmbeddings: number;
  maxRelativePosition: number;
  typeVocabSize: number;
  initializerRange: number;
  layerNormEps: number;
  classifierDropout: number | null;
  padTokenId: number | null;
  bosTokenId: number | null;
  eosTokenId: number | null;
  useCache: boolean;
  problemType: ProblemType | null;
  tieWordEmbeddings: boolean;
  architectures: string[] | null;
  torchDtype: string | null;
  /** Keys of config.json this class does not model (other PretrainedConfig keys, hub leftovers): kept and written back. */
  readonly extra: JsonObject;
  private id2labelMap: Map<number, string>;
  private label2idMap: Map<string, number>;

  /** Parses a config.json object (or `{}` for HF's defaults) and validates it. */
  constructor(raw: JsonObject = {}) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new NezhaConfigError(null, `must be a JSON object, got ${describe(raw)}`);
    }
    if ('model_type' in raw && raw.model_type !== 'nezha') {
      throw new NezhaConfigError(
        'model_type',
        `is ${describe(raw.model_type)}, expected "nezha"; this folder holds a different model type`,
      );
    }
    this.vocabSize = readInteger(raw, 'vocab_size', NEZHA_DEFAULTS.vocab_size, 1);
    this.hiddenSize = readInteger(raw, 'hidden_size', NEZHA_DEFAULTS.hidden_size, 1);
    this.numHiddenLayers = readInteger(raw, 'num_hidden_layers', NEZHA_DEFAULTS.num_hidden_layers, 0);
    this.numAttentionHeads = readInteger(raw, 'num_attention_heads', NEZHA_DEFAULTS.num_attention_heads, 1);
    this.intermediateSize = readInteger(raw, 'intermediate_size', NEZHA_DEFAULTS.intermediate_size, 1);
    this.maxPositionEmbeddings = readInteger(
      raw,
      'max_position_embeddings',
      NEZHA_DEFAULTS.max_position_embeddings,
      1,
    );
    this.maxRelativePosition = readInteger(
      raw,
      'max_relative_position',
      NEZHA_DEFAULTS.max_relative_position,
      0,
    );
    this.typeVocabSize = readInteger(raw, 'type_vocab_size', NEZHA_DEFAULTS.type_vocab_size, 1);
    this.hiddenDropoutProb = readNumber(
      raw,
      'hidden_dropout_prob',
      NEZHA_DEFAULTS.hidden_dropout_prob,
      'probability',
    );
    this.attentionProbsDropoutProb = readNumber(
      raw,
      'attention_probs_dropout_prob',
      NEZHA_DEFAULTS.attention_probs_dropout_prob,
      'probability',
    );
    this.initializerRange = readNumber(
      raw,
      'initializer_range',
      NEZHA_DEFAULTS.initializer_range,
      'positive',
    );
    this.layerNormEps = readNumber(raw, 'layer_norm_eps', NEZHA_DEFAULTS.layer_norm_eps, 'positive');
    const classifierDropout =
      'classifier_dropout' in raw ? raw.classifier_dropout : NEZHA_DEFAULTS.classifier_dropout;
    this.classifierDropout =
      classifierDropout === null ? null : readNumber(raw, 'classifier_dropout', 0.1, 'probability');

    const hiddenAct = raw.hidden_act ?? NEZHA_DEFAULTS.hidden_act;
    if (typeof hiddenAct !== 'string' || !isActivationName(hiddenAct)) {
      throw new NezhaConfigError(
        'hidden_act',
        `is ${describe(hiddenAct)}, which HF's ACT2FN does not know; use one of ${ACTIVATION_NAMES.join(', ')}`,
      );
    }
    this.hiddenAct = hiddenAct;
    if (this.hiddenSize % this.numAttentionHeads !== 0) {
      throw new NezhaConfigError(
        'hidden_size',
        `(${this.hiddenSize}) is not a multiple of num_attention_heads (${this.numAttentionHeads}); each head needs hidden_size / num_attention_heads dimensions`,
      );
    }
    if ((this.hiddenSize / this.numAttentionHeads) % 2 !== 0) {
      throw new NezhaConfigError(
        'hidden_size',
        `/ num_attention_heads = ${this.hiddenSize / this.numAttentionHeads} is odd; NEZHA's sinusoid relative-position table needs an even head size`,
      );
    }
    checkAllocatableSizes(this);
    this.padTokenId = readOptionalTokenId(raw, 'pad_token_id', NEZHA_DEFAULTS.pad_token_id);
    this.bosTokenId = readOptionalTokenId(raw, 'bos_token_id', NEZHA_DEFAULTS.bos_token_id);
    this.eosTokenId = readOptionalTokenId(raw, 'eos_token_id', NEZHA_DEFAULTS.eos_token_id);
    if (this.padTokenId !== null && (this.padTokenId < 0 || this.padTokenId >= this.vocabSize)) {
      throw new NezhaConfigError(
        'pad_token_id',
        `is ${this.padTokenId}, outside the vocabulary [0, ${this.vocabSize}) set by vocab_size`,
      );
    }
    const useCache = raw.use_cache ?? NEZHA_DEFAULTS.use_cache;
    if (typeof useCache !== 'boolean') throw new NezhaConfigError('use_cache', `must be true or false`);
    this.useCache = useCache;
    const tie = raw.tie_word_embeddings ?? true;
    if (typeof tie !== 'boolean') throw new NezhaConfigError('tie_word_embeddings', `must be true or false`);
    this.tieWordEmbeddings = tie;

    const problemType = raw.problem_type ?? null;
    if (problemType !== null && !PROBLEM_TYPES.includes(problemType as ProblemType)) {
      throw new NezhaConfigError(
        'problem_type',
        `is ${describe(problemType)}; it must be one of ${PROBLEM_TYPES.join(', ')} or null`,
      );
    }
    this.problemType = problemType as ProblemType | null;

    const architectures = raw.architectures ?? null;
    if (
      architectures !== null &&
      (!Array.isArray(architectures) || architectures.some((a) => typeof a !== 'string'))
    ) {
      throw new NezhaConfigError(
        'architectures',
        `must be a list of class names, got ${describe(architectures)}`,
      );
    }
    this.architectures = architectures as string[] | null;
    const torchDtype = raw.torch_dtype ?? null;
    if (torchDtype !== null && typeof torchDtype !== 'string') {
      throw new NezhaConfigError(
        'torch_dtype',
        `must be a string such as "float32", got ${describe(torchDtype)}`,
      );
    }
    this.torchDtype = torchDtype;

    // Labels, as PretrainedConfig.__init__ does: id2label wins; otherwise num_labels (default 2)
    // makes LABEL_i names; label2id defaults to the inverse of id2label.
    const rawId2Label = raw.id2label ?? null;
    if (rawId2Label !== null) {
      if (typeof rawId2Label !== 'object' || Array.isArray(rawId2Label)) {
        throw new NezhaConfigError(
          'id2label',
          `must be an object mapping ids to names, got ${describe(rawId2Label)}`,
        );
      }
      this.id2labelMap = new Map();
      for (const [id, label] of Object.entries(rawId2Label)) {
        const numericId = Number(id);
        if (!Number.isInteger(numericId) || numericId < 0) {
          throw new NezhaConfigError(
            'id2label',
            `has the key ${describe(id)}, which is not a label index (0, 1, ...)`,
          );
        }
        if (typeof label !== 'string') {
          throw new NezhaConfigError(
            'id2label',
            `maps ${id} to ${describe(label)}; label names must be strings`,
          );
        }
        this.id2labelMap.set(numericId, label);
      }
    } else {
      const numLabels = raw.num_labels ?? 2;
      if (typeof numLabels !== 'number' || !Number.isInteger(numLabels) || numLabels < 1) {
        throw new NezhaConfigError('num_labels', `must be a positive integer, got ${describe(numLabels)}`);
      }
      this.id2labelMap = defaultId2Label(numLabels);
    }
    const rawLabel2Id = raw.label2id ?? null;
    if (rawLabel2Id !== null) {
      if (typeof rawLabel2Id !== 'object' || Array.isArray(rawLabel2Id)) {
        throw new NezhaConfigError(
          'label2id',
          `must be an object mapping names to ids, got ${describe(rawLabel2Id)}`,
        );
      }
      this.label2idMap = new Map();
      for (const [label, id] of Object.entries(rawLabel2Id)) {
        if (typeof id !== 'number' || !Number.isInteger(id)) {
          throw new NezhaConfigError(
            'label2id',
            `maps ${describe(label)} to ${describe(id)}; ids must be integers`,
          );
        }
        this.label2idMap.set(label, id);
      }
    } else {
      this.label2idMap = new Map([...this.id2labelMap].map(([id, label]) => [label, id]));
    }

    const modelled = new Set([
      ...Object.keys(NEZHA_DEFAULTS),
      'problem_type',
      'tie_word_embeddings',
      'architectures',
      'torch_dtype',
      'id2label',
      'label2id',
    ]);
    this.extra = {};
    for (const [key, value] of Object.entries(raw)) {
      if (!modelled.has(key) && !CONSUMED_KEYS.has(key)) this.extra[key] = value;
    }
  }

  /** Parses config.json text; `file` names it in errors. */
  static fromJsonText(text: string, file = 'config.json'): NezhaConfig {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new NezhaConfigError(
        null,
        `${file} is not valid JSON (${(error as Error).message}); fix or re-download it`,
      );
    }
    return new NezhaConfig(parsed as JsonObject);
  }

  get attentionHeadSize(): number {
    return this.hiddenSize / this.numAttentionHeads;
  }

  get numLabels(): number {
    return this.id2labelMap.size;
  }

  /** Like HF's num_labels setter: a different count regenerates LABEL_i names. */
  set numLabels(count: number) {
    if (!Number.isInteger(count) || count < 1) {
      throw new NezhaConfigError('num_labels', `must be a positive integer, got ${count}`);
    }
    if (this.id2labelMap.size !== count) {
      this.id2labelMap = defaultId2Label(count);
      this.label2idMap = new Map([...this.id2labelMap].map(([id, label]) => [label, id]));
    }
  }

  get id2label(): ReadonlyMap<number, string> {
    return this.id2labelMap;
  }

  get label2id(): ReadonlyMap<string, number> {
    return this.label2idMap;
  }

  /** Replaces the label names (ids 0..n-1 in order); label2id follows. */
  setLabels(names: readonly string[]): void {
    if (names.length === 0) throw new NezhaConfigError('id2label', 'needs at least one label');
    this.id2labelMap = new Map(names.map((name, id) => [id, name]));
    this.label2idMap = new Map(names.map((name, id) => [name, id]));
  }

  /** The dropout before classification heads: classifier_dropout, or hidden_dropout_prob when null. */
  get classifierDropoutRate(): number {
    return this.classifierDropout ?? this.hiddenDropoutProb;
  }

  /** HF's `to_dict()`: every attribute, defaults included (without `_name_or_path`). */
  toDict(): JsonObject {
    const id2label: JsonObject = {};
    for (const [id, label] of this.id2labelMap) id2label[String(id)] = label;
    const label2id: JsonObject = {};
    for (const [label, id] of this.label2idMap) label2id[label] = id;
    const dict: JsonObject = {
      ...PRETRAINED_CONFIG_DEFAULTS,
      ...this.extra,
      vocab_size: this.vocabSize,
      hidden_size: this.hiddenSize,
      num_hidden_layers: this.numHiddenLayers,
      num_attention_heads: this.numAttentionHeads,
      intermediate_size: this.intermediateSize,
      hidden_act: this.hiddenAct,
      hidden_dropout_prob: this.hiddenDropoutProb,
      attention_probs_dropout_prob: this.attentionProbsDropoutProb,
      max_position_embeddings: this.maxPositionEmbeddings,
      max_relative_position: this.maxRelativePosition,
      type_vocab_size: this.typeVocabSize,
      initializer_range: this.initializerRange,
      layer_norm_eps: this.layerNormEps,
      classifier_dropout: this.classifierDropout,
      pad_token_id: this.padTokenId,
      bos_token_id: this.bosTokenId,
      eos_token_id: this.eosTokenId,
      use_cache: this.useCache,
      problem_type: this.problemType,
      tie_word_embeddings: this.tieWordEmbeddings,
      architectures: this.architectures,
      torch_dtype: this.torchDtype,
      id2label,
      label2id,
      model_type: 'nezha',
      transformers_version: HF_TRANSFORMERS_VERSION,
    };
    return sortKeysDeep(dict) as JsonObject;
  }

  /**
   * What `save_pretrained` writes (`to_diff_dict`): every NEZHA key, the PretrainedConfig keys
   * that differ from their defaults (so id2label/label2id only when not LABEL_0/LABEL_1, problem_type
   * only when set), unknown keys as they came, plus `architectures` (pass the saving class's name to
   * set it, as save_pretrained does), `torch_dtype` ("float32" when unset) and `transformers_version`.
   * Keys are sorted, as HF's json.dumps(sort_keys=True) does.
   */
  toJSON(architecture?: string): JsonObject {
    const full = this.toDict();
    if (architecture !== undefined) full.architectures = [architecture];
    if (full.torch_dtype === null) full.torch_dtype = 'float32';
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(full)) {
      const isBaseKey = key in PRETRAINED_CONFIG_DEFAULTS;
      if (!isBaseKey || !sameJson(value, PRETRAINED_CONFIG_DEFAULTS[key])) out[key] = value;
    }
    return out;
  }

  /** config.json text as HF writes it (2-space indent, sorted keys, trailing newline). */
  toJsonText(architecture?: string): string {
    return `${JSON.stringify(this.toJSON(architecture), null, 2)}\n`;
  }

  clone(): NezhaConfig {
    return new NezhaConfig(this.toDict());
  }
}
