import type { BertTokenizerSettings } from './tokenizerConfig';
import {
  charFlags,
  DROP,
  isCjkCompatibilityIdeograph,
  isCjkIdeograph,
  MARK_NONSPACING,
  PUNCT,
  SPACE,
  SPLIT_ONLY,
} from './unicodeClasses';
import type { TrackedChars } from './trackedChars';
import { codePointsToString, emptyTracked, lowercaseTracked, normalizeTracked } from './trackedChars';
import type { Vocab } from './vocab';

/**
 * The tokens of one text (no [CLS]/[SEP]), each with the UTF-16 span [start, end) of the original
 * text it came from, and the index of the pre-tokenizer word it belongs to (a word is what HF's
 * BasicTokenizer outputs: whitespace- and punctuation-separated, one per CJK ideograph).
 */
export interface TokenizedText {
  text: string;
  tokens: string[];
  ids: number[];
  starts: number[];
  ends: number[];
  wordIds: number[];
  /** True where the token is a special token written in the text (e.g. "[MASK]"). */
  isSpecial: boolean[];
}

/** BasicTokenizer + WordpieceTokenizer of HF's slow BertTokenizer, with offsets. */
export class TextTokenizer {
  private readonly specialTokens: string[];
  /** 1 for UTF-16 code units that start some special token: a cheap pre-check per character. */
  private readonly specialFirstChars = new Uint8Array(0x10000);
  private readonly neverSplit: Set<string>;
  private readonly stripAccents: boolean;
  private readonly unkId: number;

  constructor(
    readonly vocab: Vocab,
    readonly settings: BertTokenizerSettings,
  ) {
    const specials = new Set<string>([
      settings.unkToken,
      settings.sepToken,
      settings.padToken,
      settings.clsToken,
      settings.maskToken,
      ...settings.additionalSpecialTokens,
    ]);
    specials.delete('');
    // Longest first, so that at one position the longest special token wins (HF's trie does).
    this.specialTokens = [...specials].sort((a, b) => b.length - a.length);
    for (const t of this.specialTokens) this.specialFirstChars[t.charCodeAt(0)] = 1;
    this.neverSplit = new Set(settings.neverSplit);
    this.stripAccents = settings.stripAccents ?? settings.doLowerCase;
    const unkId = vocab.id(settings.unkToken);
    if (unkId === undefined) {
      throw new Error(
        `vocab.txt has no entry for the unknown token "${settings.unkToken}" (unk_token in tokenizer_config.json): ` +
          'add it to the vocabulary or set unk_token to a token the vocabulary has.',
      );
    }
    this.unkId = unkId;
  }

  tokenize(text: string): TokenizedText {
    const out: TokenizedText = {
      text,
      tokens: [],
      ids: [],
      starts: [],
      ends: [],
      wordIds: [],
      isSpecial: [],
    };
    const state = { word: 0 };
    let segmentStart = 0;
    const n = text.length;
    if (this.specialTokens.length > 0) {
      for (let i = 0; i < n; i++) {
        if (this.specialFirstChars[text.charCodeAt(i)] === 0) continue;
        const special = this.specialTokens.find((t) => text.startsWith(t, i));
        if (special === undefined) continue;
        this.tokenizeSegment(text, segmentStart, i, out, state);
        out.tokens.push(special);
        out.ids.push(this.vocab.id(special) ?? this.unkId);
        out.starts.push(i);
        out.ends.push(i + special.length);
        out.wordIds.push(state.word++);
        out.isSpecial.push(true);
        i += special.length - 1;
        segmentStart = i + 1;
      }
    }
    this.tokenizeSegment(text, segmentStart, n, out, state);
    return out;
  }

  /** _clean_text, _tokenize_chinese_chars and whitespace splitting, in one pass over code points. */
  private tokenizeSegment(
    text: string,
    from: number,
    to: number,
    out: TokenizedText,
    state: { word: number },
  ): void {
    const word = emptyTracked();
    const cjk = this.settings.tokenizeChineseChars;
    const fastCjk = cjk && this.neverSplit.size === 0;
    for (let i = from; i < to;) {
      const cp = text.codePointAt(i) as number;
      const width = cp > 0xffff ? 2 : 1;
      const flags = charFlags(cp);
      if (flags & DROP) {
        // Dropped characters do not separate words: "a\u200bb" is the word "ab".
      } else if (flags & (SPACE | SPLIT_ONLY)) {
        this.flushWord(word, out, state);
      } else if (cjk && isCjkIdeograph(cp)) {
        this.flushWord(word, out, state);
        if (fastCjk && !isCjkCompatibilityIdeograph(cp)) {
          // Fast path (most of a Chinese corpus): one ideograph is one word that lowercasing, NFC
          // and accent stripping leave alone, and a single-character WordPiece lookup.
          const id = this.singleCharId(cp);
          out.tokens.push(id === this.unkId ? this.settings.unkToken : this.vocab.idToToken[id]);
          out.ids.push(id);
          out.starts.push(i);
          out.ends.push(i + width);
          out.wordIds.push(state.word++);
          out.isSpecial.push(false);
        } else {
          word.codePoints.push(cp);
          word.starts.push(i);
          word.ends.push(i + width);
          this.flushWord(word, out, state);
        }
      } else {
        word.codePoints.push(cp);
        word.starts.push(i);
        word.ends.push(i + width);
      }
      i += width;
    }
    this.flushWord(word, out, state);
  }

  /**
   * What a one-code-point word becomes depends only on the code point (all its tokens span that
   * code point), so it is computed once: Chinese text is full of such words (，。、１ etc.).
   */
  private readonly singleWordCache = new Map<
    number,
    { tokens: string[]; ids: number[]; words: number[]; wordCount: number }
  >();

  private flushWord(word: TrackedChars, out: TokenizedText, state: { word: number }): void {
    const n = word.codePoints.length;
    if (n === 0) return;
    if (n === 1) {
      const cp = word.codePoints[0];
      let cached = this.singleWordCache.get(cp);
      if (cached === undefined) {
        const scratch: TokenizedText = {
          text: '',
          tokens: [],
          ids: [],
          starts: [],
          ends: [],
          wordIds: [],
          isSpecial: [],
        };
        const scratchState = { word: 0 };
        this.tokenizeWord({ codePoints: [cp], starts: [0], ends: [1] }, scratch, scratchState);
        cached = {
          tokens: scratch.tokens,
          ids: scratch.ids,
          words: scratch.wordIds,
          wordCount: scratchState.word,
        };
        this.singleWordCache.set(cp, cached);
      }
      const start = word.starts[0];
      const end = word.ends[0];
      for (let k = 0; k < cached.tokens.length; k++) {
        out.tokens.push(cached.tokens[k]);
        out.ids.push(cached.ids[k]);
        out.starts.push(start);
        out.ends.push(end);
        out.wordIds.push(state.word + cached.words[k]);
        out.isSpecial.push(false);
      }
      state.word += cached.wordCount;
    } else {
      this.tokenizeWord(word, out, state);
    }
    word.codePoints.length = 0;
    word.starts.length = 0;
    word.ends.length = 0;
  }

  /** Vocabulary id of each BMP code point as a one-character word (-1: not looked up yet). */
  private readonly bmpCharIds = new Int32Array(0x10000).fill(-1);

  private singleCharId(cp: number): number {
    if (cp < 0x10000) {
      let id = this.bmpCharIds[cp];
      if (id < 0) {
        id = this.vocab.id(String.fromCodePoint(cp)) ?? this.unkId;
        this.bmpCharIds[cp] = id;
      }
      return id;
    }
    return this.vocab.id(String.fromCodePoint(cp)) ?? this.unkId;
  }

  /** One whitespace-separated word: lowercase, NFC, accent stripping, punctuation split, WordPiece. */
  private tokenizeWord(raw: TrackedChars, out: TokenizedText, state: { word: number }): void {
    // HF lowercases before cleaning; lowercasing commutes with cleaning and CJK spacing for every
    // Unicode 14 code point, and doing it after cleaning keeps characters unassigned in Unicode 14
    // from being lowercased by the engine's newer tables into letters HF would keep.
    let chars = this.settings.doLowerCase ? lowercaseTracked(raw) : raw;
    chars = normalizeTracked(chars, 'NFC');
    if (this.neverSplit.size > 0 && this.neverSplit.has(codePointsToString(chars.codePoints))) {
      this.emitWordPieces(chars, 0, chars.codePoints.length, out, state, true);
      return;
    }
    if (this.stripAccents) {
      const decomposed = normalizeTracked(chars, 'NFD');
      const kept = emptyTracked();
      for (let k = 0; k < decomposed.codePoints.length; k++) {
        if (charFlags(decomposed.codePoints[k]) & MARK_NONSPACING) {
          // A stripped mark (accent, variation selector) still belongs to the character before it,
          // so that character's span keeps covering it: "❤\uFE0F" → "❤" spans both code points.
          const last = kept.codePoints.length - 1;
          if (last >= 0) {
            kept.starts[last] = Math.min(kept.starts[last], decomposed.starts[k]);
            kept.ends[last] = Math.max(kept.ends[last], decomposed.ends[k]);
          }
          continue;
        }
        kept.codePoints.push(decomposed.codePoints[k]);
        kept.starts.push(decomposed.starts[k]);
        kept.ends.push(decomposed.ends[k]);
      }
      chars = kept;
    }
    const cps = chars.codePoints;
    let pieceStart = 0;
    for (let k = 0; k < cps.length; k++) {
      if (charFlags(cps[k]) & PUNCT) {
        if (k > pieceStart) this.emitWordPieces(chars, pieceStart, k, out, state, false);
        this.emitWordPieces(chars, k, k + 1, out, state, false);
        pieceStart = k + 1;
      }
    }
    if (cps.length > pieceStart) this.emitWordPieces(chars, pieceStart, cps.length, out, state, false);
  }

  /** WordPiece (greedy longest match first) over chars[from, to). */
  private emitWordPieces(
    chars: TrackedChars,
    from: number,
    to: number,
    out: TokenizedText,
    state: { word: number },
    verbatim: boolean,
  ): void {
    const wordId = state.word++;
    const { codePoints } = chars;
    const length = to - from;
    const unk = this.settings.unkToken;
    if (length === 1) {
      const token = String.fromCodePoint(codePoints[from]);
      const id = this.vocab.id(token);
      if (id === undefined) this.pushToken(out, chars, wordId, verbatim ? token : unk, this.unkId, from, to);
      else this.pushToken(out, chars, wordId, token, id, from, to);
      return;
    }
    const word = codePointsToString(codePoints, from, to);
    if (verbatim) {
      this.pushToken(out, chars, wordId, word, this.vocab.id(word) ?? this.unkId, from, to);
      return;
    }
    if (length > this.settings.maxInputCharsPerWord) {
      this.pushToken(out, chars, wordId, unk, this.unkId, from, to);
      return;
    }
    // UTF-16 offset of each code point inside `word`, to slice candidate pieces cheaply.
    const unitOffsets = new Array<number>(length + 1);
    unitOffsets[0] = 0;
    for (let k = 0; k < length; k++)
      unitOffsets[k + 1] = unitOffsets[k] + (codePoints[from + k] > 0xffff ? 2 : 1);
    const maxPiece = this.vocab.longestPieceCodePoints;
    const pieces: [string, number, number, number][] = [];
    let start = 0;
    while (start < length) {
      let end = Math.min(length, start + maxPiece);
      let found: string | undefined;
      let foundId = -1;
      while (start < end) {
        let candidate = word.slice(unitOffsets[start], unitOffsets[end]);
        if (start > 0) candidate = '##' + candidate;
        const id = this.vocab.id(candidate);
        if (id !== undefined) {
          found = candidate;
          foundId = id;
          break;
        }
        end--;
      }
      if (found === undefined) {
        this.pushToken(out, chars, wordId, unk, this.unkId, from, to);
        return;
      }
      pieces.push([found, foundId, from + start, from + end]);
      start = end;
    }
    for (const [token, id, a, b] of pieces) this.pushToken(out, chars, wordId, token, id, a, b);
  }

  /** Appends one token whose span is the union of chars[a, b)'s spans. */
  private pushToken(
    out: TokenizedText,
    chars: TrackedChars,
    wordId: number,
    token: string,
    id: number,
    a: number,
    b: number,
  ): void {
    const { starts, ends } = chars;
    let start = starts[a];
    let end = ends[a];
    for (let k = a + 1; k < b; k++) {
      if (starts[k] < start) start = starts[k];
      if (ends[k] > end) end = ends[k];
    }
    out.tokens.push(token);
    out.ids.push(id);
    out.starts.push(start);
    out.ends.push(end);
    out.wordIds.push(wordId);
    out.isSpecial.push(false);
  }
}
