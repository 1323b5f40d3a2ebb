import type { BertTokenizer } from '../tokenizer';
import type { Feature } from './features';
import type { TrainingRandom } from './random';

/*
 * Whole word masking for continued MLM pretraining, as Chinese-BERT-wwm and NEZHA do it: the
 * text is segmented into words (jieba), a Chinese character inside a word is a continuation
 * ("##字" in Chinese-BERT-wwm's reference tokens), and a word's tokens are masked together.
 * Masking follows HF's DataCollatorForWholeWordMask: words are drawn in random order until 15% of
 * the tokens are covered (a word that would overshoot is skipped), then each chosen token becomes
 * [MASK] with p 0.8, a random token with p 0.1, or stays itself with p 0.1.
 */

/** Splits text into words whose concatenation is the text (jieba's cut). */
export type WordSegmenter = (text: string) => string[];

export interface WholeWordMaskingOptions {
  /** Fraction of the (non-special) tokens to predict. Default 0.15. */
  maskProbability?: number;
  /** Upper bound of predicted tokens per row (BERT's max_predictions_per_seq). Default none. */
  maxPredictions?: number;
  /** Of the chosen tokens: share replaced by [MASK] (0.8) and by a random token (0.1); the rest stay. */
  maskReplaceProbability?: number;
  randomReplaceProbability?: number;
}

/** A row with its whole-word groups: token indices, each group one word. */
export interface WordGroupedRow {
  inputIds: number[];
  tokenTypeIds: number[];
  /** Token indices per word, in order; special tokens are in no group. */
  words: number[][];
}

/** Code-point spans [start, end) of the segmenter's words; they must tile the text. */
export function wordSpans(text: string, words: readonly string[]): [number, number][] {
  const spans: [number, number][] = [];
  let utf16 = 0;
  let codePoint = 0;
  for (const word of words) {
    const at = text.indexOf(word, utf16);
    if (at < 0) {
      throw new Error(
        `the word segmenter returned "${word}", which is not in the text after position ${codePoint} ("${text.slice(0, 40)}…"); the segmenter must split the text, not change it`,
      );
    }
    codePoint += [...text.slice(utf16, at)].length;
    const length = [...word].length;
    spans.push([codePoint, codePoint + length]);
    codePoint += length;
    utf16 = at + word.length;
  }
  return spans;
}

/**
 * Tokenizes `text` (and optional `pair`) and groups the tokens into whole words: tokens of one
 * segmenter word, and wordpieces of one tokenizer word, belong together.
 */
export function groupWholeWords(
  tokenizer: BertTokenizer,
  segment: WordSegmenter,
  text: string,
  pair: string | null,
  maxLength: number,
): WordGroupedRow {
  const encoding = tokenizer.encode(text, pair, { truncation: true, maxLength });
  const spansBySequence = [
    wordSpans(text, segment(text)),
    pair === null ? [] : wordSpans(pair, segment(pair)),
  ];
  const words: number[][] = [];
  let previous: { sequence: number; segmenterWord: number; tokenizerWord: number } | null = null;
  for (let t = 0; t < encoding.inputIds.length; t++) {
    const sequence = encoding.sequenceIds[t];
    const span = encoding.codePointOffsets[t];
    const tokenizerWord = encoding.wordIds[t];
    if (sequence === null || span === null || tokenizerWord === null) {
      previous = null;
      continue;
    }
    const spans = spansBySequence[sequence];
    let segmenterWord = spans.findIndex(([s, e]) => s <= span[0] && span[0] < e);
    if (segmenterWord < 0) segmenterWord = -1 - t;
    const joins =
      previous !== null &&
      previous.sequence === sequence &&
      (previous.segmenterWord === segmenterWord || previous.tokenizerWord === tokenizerWord);
    if (joins) words[words.length - 1].push(t);
    else words.push([t]);
    previous = { sequence, segmenterWord, tokenizerWord };
  }
  return { inputIds: encoding.inputIds, tokenTypeIds: encoding.tokenTypeIds, words };
}

/**
 * Chinese-BERT-wwm's reference tokens: a token that continues a word gets "##" (so "北京" is
 * "北", "##京"); wordpieces keep their own "##".
 */
export function wholeWordTokens(tokenizer: BertTokenizer, row: WordGroupedRow): string[] {
  const tokens = tokenizer.convertIdsToTokens(row.inputIds);
  for (const word of row.words) {
    for (const t of word.slice(1)) if (!tokens[t].startsWith('##')) tokens[t] = `##${tokens[t]}`;
  }
  return tokens;
}

/** Masks whole words of one row: new input ids and labels (original id where chosen, else -100). */
export function maskWholeWords(
  row: WordGroupedRow,
  random: TrainingRandom,
  tokenizer: BertTokenizer,
  options: WholeWordMaskingOptions = {},
): { inputIds: number[]; labels: number[] } {
  const probability = options.maskProbability ?? 0.15;
  const maskShare = options.maskReplaceProbability ?? 0.8;
  const randomShare = options.randomReplaceProbability ?? 0.1;
  const tokenCount = row.words.reduce((n, w) => n + w.length, 0);
  let budget = Math.max(1, Math.round(tokenCount * probability));
  if (options.maxPredictions !== undefined) budget = Math.min(budget, options.maxPredictions);
  const order = random.permutation(row.words.length);
  const chosen: number[] = [];
  for (const w of order) {
    if (chosen.length >= budget) break;
    const word = row.words[w];
    if (chosen.length + word.length > budget) continue;
    chosen.push(...word);
  }
  const inputIds = [...row.inputIds];
  const labels = new Array<number>(inputIds.length).fill(-100);
  const vocabSize = tokenizer.vocab.size;
  for (const t of chosen.sort((a, b) => a - b)) {
    labels[t] = row.inputIds[t];
    const r = random.uniform();
    if (r < maskShare) inputIds[t] = tokenizer.maskId;
    else if (r < maskShare + randomShare) inputIds[t] = random.int(vocabSize);
  }
  return { inputIds, labels };
}

/** Sentences of a corpus: split on line breaks and Chinese sentence ends, blanks dropped. */
export function splitSentences(text: string): string[] {
  return text
    .split(/\r?\n|(?<=[。！？!?；;])/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * MLM rows from a corpus (documents = lists of sentences). Without NSP each row packs consecutive
 * sentences of a document up to maxLength; with NSP each row is (A, B) where B is the next
 * sentence (label 0) or, with p 0.5, a random sentence of another document (label 1), as BERT.
 */
export function pretrainingRows(
  documents: readonly (readonly string[])[],
  tokenizer: BertTokenizer,
  segment: WordSegmenter,
  maxLength: number,
  random: TrainingRandom,
  withNextSentence: boolean,
): (WordGroupedRow & { nextSentenceLabel?: number })[] {
  const rows: (WordGroupedRow & { nextSentenceLabel?: number })[] = [];
  const budget = Math.floor((maxLength - 2) * 1.2);
  documents.forEach((sentences, d) => {
    if (!withNextSentence) {
      let chunk = '';
      for (const sentence of sentences) {
        if (chunk.length > 0 && chunk.length + sentence.length > budget) {
          rows.push(groupWholeWords(tokenizer, segment, chunk, null, maxLength));
          chunk = '';
        }
        chunk += sentence;
      }
      if (chunk.length > 0) rows.push(groupWholeWords(tokenizer, segment, chunk, null, maxLength));
      return;
    }
    for (let i = 0; i + 1 < sentences.length; i++) {
      let b = sentences[i + 1];
      let label = 0;
      if (documents.length > 1 && random.uniform() < 0.5) {
        let other = random.int(documents.length - 1);
        if (other >= d) other += 1;
        const pool = documents[other];
        if (pool.length > 0) {
          b = pool[random.int(pool.length)];
          label = 1;
        }
      }
      rows.push({
        ...groupWholeWords(tokenizer, segment, sentences[i], b, maxLength),
        nextSentenceLabel: label,
      });
    }
  });
  return rows;
}

/** A masked row as a training feature (fresh masks each call: dynamic masking per epoch). */
export function maskedFeature(
  row: WordGroupedRow & { nextSentenceLabel?: number },
  index: number,
  random: TrainingRandom,
  tokenizer: BertTokenizer,
  options: WholeWordMaskingOptions = {},
): Feature {
  const { inputIds, labels } = maskWholeWords(row, random, tokenizer, options);
  const feature: Feature = {
    inputIds,
    tokenTypeIds: row.tokenTypeIds,
    tokenLabels: labels,
    exampleIndex: index,
  };
  if (row.nextSentenceLabel !== undefined) feature.classId = row.nextSentenceLabel;
  return feature;
}

/**
 * Loads jieba (jieba-wasm). In Node the package's node build loads its .wasm itself; in a browser
 * or worker the package's web build needs its init() (the default export) first, which fetches
 * jieba_rs_wasm_bg.wasm next to the module (Vite emits it as an asset).
 */
export async function loadJiebaSegmenter(): Promise<WordSegmenter> {
  const jieba = (await import('jieba-wasm')) as unknown as {
    cut: (text: string, hmm?: boolean) => string[];
    default?: unknown;
  };
  if (typeof jieba.default === 'function') await (jieba.default as () => Promise<unknown>)();
  return (text) => jieba.cut(text, true);
}
