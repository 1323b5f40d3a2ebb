export { BertTokenizer } from './bertTokenizer';
export type { EncodeOptions, PaddingStrategy, TextInput, TruncationStrategy } from './bertTokenizer';
export type { CharSpan, CharUnit, Encoding } from './encoding';
export {
  charToToken,
  codePointToUtf16Index,
  tokenToChars,
  utf16ToCodePointIndex,
  wordToChars,
} from './encoding';
export type { TokenizedText } from './textTokenizer';
export type { BertTokenizerSettings } from './tokenizerConfig';
export { DEFAULT_BERT_TOKENIZER_SETTINGS, parseTokenizerConfig } from './tokenizerConfig';
export { UNICODE_VERSION } from './unicode14Tables';
export { Vocab } from './vocab';
