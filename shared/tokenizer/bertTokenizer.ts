import type { CharSpan, Encoding } from './encoding';
import { utf16ToCodePointIndex } from './encoding';
import type { TokenizedText } from './textTokenizer';
import { TextTokenizer } from './textTokenizer';
import type { BertTokenizerSettings } from './tokenizerConfig';
import { DEFAULT_BERT_TOKENIZER_SETTINGS, parseTokenizerConfig } from './tokenizerConfig';
import { Vocab } from './vocab';

export type TruncationStrategy = 'longest_first' | 'only_first' | 'only_second' | 'do_not_truncate';
export type PaddingStrategy = 'longest' | 'max_length' | 'do_not_pad';

export interface EncodeOptions {
  /** Add [CLS] ... [SEP] (and [SEP] after the second text). Default true. */
  addSpecialTokens?: boolean;
  /** true = 'longest_first' (HF's meaning). Default: no truncation. */
  truncation?: boolean | TruncationStrategy;
  /** Defaults to the tokenizer's model_max_length when truncating or padding to max_length. */
  maxLength?: number;
  /** true = 'longest'. Default: no padding. */
  padding?: boolean | PaddingStrategy;
  padToMultipleOf?: number;
  /** Windows only: tokens shared by consecutive windows. Default 0. */
  stride?: number;
}

export type TextInput = string | readonly [text: string, pair: string | null | undefined];

/** The tokens [from, to) of one tokenized text, with the text's UTF-16 → code point map. */
interface Slice {
  tokenized: TokenizedText;
  /** UTF-16 → code point index map; null when the text has no surrogates (both are equal). */
  codePointIndex: Int32Array | null;
  from: number;
  to: number;
}

function resolveTruncation(value: EncodeOptions['truncation']): TruncationStrategy {
  if (value === undefined || value === false) return 'do_not_truncate';
  if (value === true) return 'longest_first';
  return value;
}

function resolvePadding(value: EncodeOptions['padding']): PaddingStrategy {
  if (value === undefined || value === false) return 'do_not_pad';
  if (value === true) return 'longest';
  return value;
}

/**
 * HF's slow BertTokenizer (transformers v4.35 semantics) with exact character offsets for every
 * token, in UTF-16 code units and in code points.
 */
export class BertTokenizer {
  readonly vocab: Vocab;
  readonly settings: BertTokenizerSettings;
  readonly clsId: number;
  readonly sepId: number;
  readonly padId: number;
  readonly unkId: number;
  readonly maskId: number;
  private readonly textTokenizer: TextTokenizer;
  private readonly specialIds: Set<number>;

  constructor(vocab: Vocab, settings: Partial<BertTokenizerSettings> = {}) {
    this.vocab = vocab;
    this.settings = { ...DEFAULT_BERT_TOKENIZER_SETTINGS, ...settings };
    if (!this.settings.doBasicTokenize) {
      throw new Error(
        'tokenizer_config.json sets "do_basic_tokenize": false, which Nezha Studio does not support: ' +
          'every Chinese NEZHA/BERT checkpoint uses the basic tokenizer; remove the key or set it to true.',
      );
    }
    const idOf = (token: string, key: string): number => {
      const id = vocab.id(token);
      if (id === undefined) {
        throw new Error(
          `vocab.txt has no entry for ${key} "${token}": add the token to vocab.txt or set ${key} in tokenizer_config.json to a token it has.`,
        );
      }
      return id;
    };
    this.unkId = idOf(this.settings.unkToken, 'unk_token');
    this.clsId = idOf(this.settings.clsToken, 'cls_token');
    this.sepId = idOf(this.settings.sepToken, 'sep_token');
    this.padId = idOf(this.settings.padToken, 'pad_token');
    this.maskId = idOf(this.settings.maskToken, 'mask_token');
    this.specialIds = new Set([this.unkId, this.clsId, this.sepId, this.padId, this.maskId]);
    for (const t of this.settings.additionalSpecialTokens) {
      const id = vocab.id(t);
      if (id !== undefined) this.specialIds.add(id);
    }
    this.textTokenizer = new TextTokenizer(vocab, this.settings);
  }

  /** From the text of vocab.txt and the parsed tokenizer_config.json / special_tokens_map.json. */
  static fromFiles(files: {
    vocabText: string;
    tokenizerConfig?: unknown;
    specialTokensMap?: unknown;
  }): BertTokenizer {
    return new BertTokenizer(
      Vocab.fromText(files.vocabText),
      parseTokenizerConfig(files.tokenizerConfig, files.specialTokensMap),
    );
  }

  /** HF's tokenizer.tokenize(text): tokens only, no special tokens added. */
  tokenize(text: string): string[] {
    return this.textTokenizer.tokenize(text).tokens;
  }

  /** Tokens, ids, UTF-16 spans and word ids of one text, without added special tokens. */
  tokenizeWithOffsets(text: string): TokenizedText {
    return this.textTokenizer.tokenize(text);
  }

  convertTokensToIds(tokens: readonly string[]): number[] {
    return tokens.map((t) => this.vocab.id(t) ?? this.unkId);
  }

  convertIdsToTokens(ids: readonly number[]): string[] {
    return ids.map((id) => {
      const token = this.vocab.token(id);
      if (token === undefined) {
        throw new RangeError(`token id ${id} is outside the vocabulary (size ${this.vocab.size}).`);
      }
      return token;
    });
  }

  isSpecialId(id: number): boolean {
    return this.specialIds.has(id);
  }

  numSpecialTokensToAdd(pair: boolean): number {
    return pair ? 3 : 2;
  }

  /** HF's tokenizer(text, pair, **options) for one input. */
  encode(text: string, pair?: string | null, options: EncodeOptions = {}): Encoding {
    const [a, b] = this.slices(text, pair);
    const addSpecial = options.addSpecialTokens ?? true;
    const strategy = resolveTruncation(options.truncation);
    const padding = resolvePadding(options.padding);
    const maxLength = options.maxLength ?? this.settings.modelMaxLength;
    if (strategy !== 'do_not_truncate') {
      const specials = addSpecial ? this.numSpecialTokensToAdd(b !== null) : 0;
      const total = a.to + (b ? b.to : 0) + specials;
      if (total > maxLength) this.truncate(a, b, total - maxLength, strategy, maxLength);
    }
    const encoding = this.assemble(a, b, addSpecial, 0, 0);
    if (padding === 'max_length') this.pad(encoding, this.padTarget(maxLength, options.padToMultipleOf));
    else if (padding === 'longest' && options.padToMultipleOf) {
      this.pad(encoding, this.padTarget(encoding.inputIds.length, options.padToMultipleOf));
    }
    return encoding;
  }

  /**
   * Every window of a long input (HF fast tokenizers' return_overflowing_tokens with stride): for a
   * single text, windows of maxLength - 2 tokens that share `stride` tokens; for a pair, the text
   * named by truncation ('only_second', the default, as for QA contexts, or 'only_first') is
   * windowed and the other is repeated whole. Each window carries offsets into the original texts.
   */
  encodeWindows(
    text: string,
    pair?: string | null,
    options: EncodeOptions = {},
    sampleIndex = 0,
  ): Encoding[] {
    const [a, b] = this.slices(text, pair);
    const addSpecial = options.addSpecialTokens ?? true;
    const maxLength = options.maxLength ?? this.settings.modelMaxLength;
    const stride = options.stride ?? 0;
    const specials = addSpecial ? this.numSpecialTokensToAdd(b !== null) : 0;
    let strategy = resolveTruncation(options.truncation ?? (b ? 'only_second' : 'longest_first'));
    if (strategy === 'do_not_truncate') strategy = b ? 'only_second' : 'longest_first';
    if (b && strategy === 'longest_first') {
      throw new Error(
        'Windows over a text pair need truncation "only_second" (window the second text, e.g. a QA context) or "only_first"; "longest_first" cannot say which text to window.',
      );
    }
    const windowed = b && strategy === 'only_first' ? a : b && strategy === 'only_second' ? b : a;
    const fixedLength = b ? (windowed === a ? b.to : a.to) : 0;
    const budget = maxLength - specials - fixedLength;
    if (budget <= 0) {
      throw new Error(
        `No room for the windowed text: max_length ${maxLength} minus ${specials} special tokens minus ${fixedLength} tokens of the other text leaves ${budget}. Shorten the other text (e.g. the question) or raise max_length.`,
      );
    }
    if (stride < 0 || stride >= budget) {
      throw new Error(
        `stride ${stride} must be at least 0 and smaller than the ${budget} tokens each window holds (max_length ${maxLength}).`,
      );
    }
    const total = windowed.to;
    const windows: Encoding[] = [];
    let start = 0;
    for (;;) {
      const end = Math.min(total, start + budget);
      windowed.from = start;
      windowed.to = end;
      const enc = this.assemble(a, b, addSpecial, sampleIndex, windows.length, start);
      windows.push(enc);
      if (end >= total) break;
      start = end - stride;
      windowed.to = total;
    }
    const padding = resolvePadding(options.padding);
    if (padding === 'max_length')
      for (const w of windows) this.pad(w, this.padTarget(maxLength, options.padToMultipleOf));
    else if (padding === 'longest') this.padToLongest(windows, options.padToMultipleOf);
    return windows;
  }

  /** A batch (HF's tokenizer(list, ...)): padding 'longest' pads every row to the longest one. */
  encodeBatch(inputs: readonly TextInput[], options: EncodeOptions = {}): Encoding[] {
    const padding = resolvePadding(options.padding);
    const rows = inputs.map((input) => {
      const [text, pair] = typeof input === 'string' ? [input, null] : input;
      return this.encode(text, pair, {
        ...options,
        padding: padding === 'longest' ? false : options.padding,
      });
    });
    if (padding === 'longest') this.padToLongest(rows, options.padToMultipleOf);
    return rows;
  }

  /** Windows of every input of a batch, flattened; overflowToSampleMapping says which input each came from. */
  encodeBatchWindows(inputs: readonly TextInput[], options: EncodeOptions = {}): Encoding[] {
    const rows: Encoding[] = [];
    inputs.forEach((input, index) => {
      const [text, pair] = typeof input === 'string' ? [input, null] : input;
      rows.push(...this.encodeWindows(text, pair, { ...options, padding: false }, index));
    });
    const padding = resolvePadding(options.padding);
    const maxLength = options.maxLength ?? this.settings.modelMaxLength;
    if (padding === 'longest') this.padToLongest(rows, options.padToMultipleOf);
    else if (padding === 'max_length')
      for (const r of rows) this.pad(r, this.padTarget(maxLength, options.padToMultipleOf));
    return rows;
  }

  /** HF's decode: joins tokens, glues "##" pieces, optionally drops special tokens and cleans spaces. */
  decode(
    ids: readonly number[],
    options: { skipSpecialTokens?: boolean; cleanUpTokenizationSpaces?: boolean } = {},
  ): string {
    const skip = options.skipSpecialTokens ?? false;
    const tokens = this.convertIdsToTokens(ids.filter((id) => !(skip && this.specialIds.has(id))));
    let text = tokens.join(' ').replaceAll(' ##', '').trim();
    if (options.cleanUpTokenizationSpaces ?? true) {
      text = text
        .replaceAll(' .', '.')
        .replaceAll(' ?', '?')
        .replaceAll(' !', '!')
        .replaceAll(' ,', ',')
        .replaceAll(" ' ", "'")
        .replaceAll(" n't", "n't")
        .replaceAll(" 'm", "'m")
        .replaceAll(" 's", "'s")
        .replaceAll(" 've", "'ve")
        .replaceAll(" 're", "'re");
    }
    return text;
  }

  private slices(text: string, pair: string | null | undefined): [Slice, Slice | null] {
    const make = (t: string): Slice => {
      const tokenized = this.textTokenizer.tokenize(t);
      const codePointIndex = /[\uD800-\uDFFF]/.test(t) ? utf16ToCodePointIndex(t) : null;
      return { tokenized, codePointIndex, from: 0, to: tokenized.tokens.length };
    };
    return [make(text), pair === null || pair === undefined ? null : make(pair)];
  }

  /** HF truncate_sequences (truncation_side right). Mutates the slices' `to`. */
  private truncate(
    a: Slice,
    b: Slice | null,
    remove: number,
    strategy: TruncationStrategy,
    maxLength: number,
  ): void {
    if (strategy === 'longest_first') {
      let lengthA = a.to;
      let lengthB = b ? b.to : 0;
      for (let k = 0; k < remove; k++) {
        // Ties go to the second sequence (HF: drop from the first only when it is strictly longer).
        if (!b || lengthA > lengthB) lengthA--;
        else lengthB--;
      }
      if (lengthA < 0 || lengthB < 0) {
        throw new Error(
          `max_length ${maxLength} is too small to hold even the special tokens of this input.`,
        );
      }
      a.to = lengthA;
      if (b) b.to = lengthB;
      return;
    }
    const target = strategy === 'only_first' ? a : b;
    if (!target) {
      throw new Error(
        `truncation "${strategy}" needs a text pair, but only one text was given: use "longest_first" for a single text.`,
      );
    }
    if (target.to <= remove) {
      const which = strategy === 'only_first' ? 'first' : 'second';
      throw new Error(
        `Cannot fit the input into max_length ${maxLength} with truncation "${strategy}": ${remove} tokens must go but the ${which} text has only ${target.to}. Use "longest_first" or a larger max_length.`,
      );
    }
    target.to -= remove;
  }

  private assemble(
    a: Slice,
    b: Slice | null,
    addSpecial: boolean,
    sampleIndex: number,
    windowIndex: number,
    windowTokenStart = 0,
  ): Encoding {
    const enc: Encoding = {
      inputIds: [],
      tokenTypeIds: [],
      attentionMask: [],
      tokens: [],
      specialTokensMask: [],
      offsets: [],
      codePointOffsets: [],
      sequenceIds: [],
      wordIds: [],
      overflowToSampleMapping: sampleIndex,
      windowIndex,
      windowTokenStart,
    };
    const added = (id: number, token: string, type: number): void => {
      enc.inputIds.push(id);
      enc.tokenTypeIds.push(type);
      enc.attentionMask.push(1);
      enc.tokens.push(token);
      enc.specialTokensMask.push(1);
      enc.offsets.push(null);
      enc.codePointOffsets.push(null);
      enc.sequenceIds.push(null);
      enc.wordIds.push(null);
    };
    const fromText = (slice: Slice, sequence: 0 | 1): void => {
      const t = slice.tokenized;
      for (let k = slice.from; k < slice.to; k++) {
        enc.inputIds.push(t.ids[k]);
        enc.tokenTypeIds.push(sequence);
        enc.attentionMask.push(1);
        enc.tokens.push(t.tokens[k]);
        enc.specialTokensMask.push(0);
        const span: CharSpan = [t.starts[k], t.ends[k]];
        const map = slice.codePointIndex;
        enc.offsets.push(span);
        // Spans are immutable, so without surrogates both arrays can share one.
        enc.codePointOffsets.push(map ? [map[span[0]], map[span[1]]] : span);
        enc.sequenceIds.push(sequence);
        enc.wordIds.push(t.wordIds[k]);
      }
    };
    if (addSpecial) added(this.clsId, this.settings.clsToken, 0);
    fromText(a, 0);
    if (addSpecial) added(this.sepId, this.settings.sepToken, 0);
    if (b) {
      fromText(b, 1);
      if (addSpecial) added(this.sepId, this.settings.sepToken, 1);
    }
    return enc;
  }

  private padTarget(length: number, multiple: number | undefined): number {
    return multiple && multiple > 0 ? Math.ceil(length / multiple) * multiple : length;
  }

  private padToLongest(rows: Encoding[], multiple: number | undefined): void {
    const longest = rows.reduce((m, r) => Math.max(m, r.inputIds.length), 0);
    const target = this.padTarget(longest, multiple);
    for (const r of rows) this.pad(r, target);
  }

  /** Right padding with [PAD], token type 0 and attention mask 0 (HF defaults). */
  private pad(enc: Encoding, target: number): void {
    for (let k = enc.inputIds.length; k < target; k++) {
      enc.inputIds.push(this.padId);
      enc.tokenTypeIds.push(0);
      enc.attentionMask.push(0);
      enc.tokens.push(this.settings.padToken);
      enc.specialTokensMask.push(1);
      enc.offsets.push(null);
      enc.codePointOffsets.push(null);
      enc.sequenceIds.push(null);
      enc.wordIds.push(null);
    }
  }
}
