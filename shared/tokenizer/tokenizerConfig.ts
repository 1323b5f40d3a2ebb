/** Settings of HF's slow BertTokenizer, with HF's defaults. */
export interface BertTokenizerSettings {
  doLowerCase: boolean;
  doBasicTokenize: boolean;
  /** null: strip accents exactly when lowercasing (HF's default); true/false force it. */
  stripAccents: boolean | null;
  tokenizeChineseChars: boolean;
  neverSplit: string[];
  modelMaxLength: number;
  maxInputCharsPerWord: number;
  unkToken: string;
  sepToken: string;
  padToken: string;
  clsToken: string;
  maskToken: string;
  /** Extra special / added tokens that are split out of the text verbatim (case-sensitive). */
  additionalSpecialTokens: string[];
}

export const DEFAULT_BERT_TOKENIZER_SETTINGS: Readonly<BertTokenizerSettings> = {
  doLowerCase: true,
  doBasicTokenize: true,
  stripAccents: null,
  tokenizeChineseChars: true,
  neverSplit: [],
  modelMaxLength: 512,
  maxInputCharsPerWord: 100,
  unkToken: '[UNK]',
  sepToken: '[SEP]',
  padToken: '[PAD]',
  clsToken: '[CLS]',
  maskToken: '[MASK]',
  additionalSpecialTokens: [],
};

/** HF writes a special token either as a string or as an AddedToken object with `content`. */
function tokenContent(value: unknown, key: string, source: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  throw new Error(
    `${source}: "${key}" must be a string or an object with a string "content", got ${JSON.stringify(value)}.`,
  );
}

function optionalBoolean(obj: Record<string, unknown>, key: string, source: string): boolean | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') {
    throw new Error(`${source}: "${key}" must be true or false, got ${JSON.stringify(value)}.`);
  }
  return value;
}

/**
 * Reads tokenizer_config.json (and optionally special_tokens_map.json) into settings. Unknown keys
 * are ignored, as HF does. `source` names the file in error messages.
 */
export function parseTokenizerConfig(
  config: unknown,
  specialTokensMap?: unknown,
  source = 'tokenizer_config.json',
): BertTokenizerSettings {
  const settings: BertTokenizerSettings = {
    ...DEFAULT_BERT_TOKENIZER_SETTINGS,
    neverSplit: [],
    additionalSpecialTokens: [],
  };
  if (config === undefined || config === null) return settings;
  if (typeof config !== 'object' || Array.isArray(config)) {
    throw new Error(`${source}: expected a JSON object at the top level.`);
  }
  const obj = config as Record<string, unknown>;
  settings.doLowerCase = optionalBoolean(obj, 'do_lower_case', source) ?? settings.doLowerCase;
  settings.doBasicTokenize = optionalBoolean(obj, 'do_basic_tokenize', source) ?? settings.doBasicTokenize;
  settings.tokenizeChineseChars =
    optionalBoolean(obj, 'tokenize_chinese_chars', source) ?? settings.tokenizeChineseChars;
  if (obj.strip_accents !== undefined && obj.strip_accents !== null) {
    settings.stripAccents = optionalBoolean(obj, 'strip_accents', source) ?? null;
  }
  if (obj.never_split !== undefined && obj.never_split !== null) {
    if (!Array.isArray(obj.never_split) || obj.never_split.some((t) => typeof t !== 'string')) {
      throw new Error(`${source}: "never_split" must be a list of strings or null.`);
    }
    settings.neverSplit = obj.never_split as string[];
  }
  if (obj.model_max_length !== undefined) {
    const m = obj.model_max_length;
    // HF writes VERY_LARGE_INTEGER (1e30) when a checkpoint sets no limit.
    if (typeof m !== 'number' || !(m > 0)) {
      throw new Error(`${source}: "model_max_length" must be a positive number, got ${JSON.stringify(m)}.`);
    }
    settings.modelMaxLength = m > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : Math.floor(m);
  }
  const sources: [Record<string, unknown>, string][] = [[obj, source]];
  if (specialTokensMap && typeof specialTokensMap === 'object') {
    sources.push([specialTokensMap as Record<string, unknown>, 'special_tokens_map.json']);
  }
  for (const [map, name] of sources) {
    settings.unkToken = tokenContent(map.unk_token, 'unk_token', name) ?? settings.unkToken;
    settings.sepToken = tokenContent(map.sep_token, 'sep_token', name) ?? settings.sepToken;
    settings.padToken = tokenContent(map.pad_token, 'pad_token', name) ?? settings.padToken;
    settings.clsToken = tokenContent(map.cls_token, 'cls_token', name) ?? settings.clsToken;
    settings.maskToken = tokenContent(map.mask_token, 'mask_token', name) ?? settings.maskToken;
    const extra = map.additional_special_tokens;
    if (Array.isArray(extra)) {
      extra.forEach((t, i) => {
        const content = tokenContent(t, `additional_special_tokens[${i}]`, name);
        if (content && !settings.additionalSpecialTokens.includes(content))
          settings.additionalSpecialTokens.push(content);
      });
    }
  }
  const decoder = obj.added_tokens_decoder;
  if (decoder && typeof decoder === 'object') {
    for (const [id, value] of Object.entries(decoder as Record<string, unknown>)) {
      const content = tokenContent(value, `added_tokens_decoder.${id}`, source);
      if (content && !settings.additionalSpecialTokens.includes(content))
        settings.additionalSpecialTokens.push(content);
    }
  }
  return settings;
}
