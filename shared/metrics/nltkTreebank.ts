/**
 * NLTK's `word_tokenize` word step as of nltk 3.4.5 (the last release for Python 2, which the official
 * CMRC 2018 evaluation script runs under): `TreebankWordTokenizer` with the extra quote and final-period rules
 * that `nltk/tokenize/__init__.py` inserts (`improved_open_quote_regex`, `improved_open_single_quote_regex`,
 * `improved_close_quote_regex`, `improved_punct_regex`).
 *
 * Python 2 semantics are kept where they differ from JavaScript: patterns compiled without re.U use ASCII
 * `\d`, `\s` and `\b`; `$` also matches before a final newline; the final `split()` splits on Python's Unicode
 * whitespace.
 *
 * Not ported: the Punkt sentence splitter that `word_tokenize` runs first (it needs NLTK's trained English
 * model). Text is tokenized as one sentence (`preserve_line=True`). The only effect is on a period that ends an
 * inner sentence of a multi-sentence non-Chinese run ("end. next"): NLTK splits it off, this keeps "end.".
 */

/** Python 2 `unicode.isspace()` characters (Unicode 5.2), used by `split()` and `strip()`. */
export const PY_WHITESPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u180e\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_SPACE_RUN = new RegExp(`[${PY_WHITESPACE}]+`, 'u');
// Python 2 `\s` without re.U, and `\s` with re.U.
const S_ASCII = '[ \\t\\n\\r\\f\\v]';
const S_UNICODE = `[${PY_WHITESPACE}]`;
// `$` in Python (no MULTILINE): end of string or just before a final newline.
const END = '(?=\\n?$)';

type Rule = [RegExp, string];

const IMPROVED_OPEN_QUOTE: Rule = [/([«“‘„]|[`]+)/gu, ' $1 '];
// (?i)(\')(?!re|ve|ll|m|t|s|d)(\w)\b with re.U: \w is a Unicode letter, digit or underscore.
const IMPROVED_OPEN_SINGLE_QUOTE: Rule = [
  /(')(?!re|ve|ll|m|t|s|d)([\p{L}\p{N}_])(?![\p{L}\p{N}_])/giu,
  '$1 $2',
];
const IMPROVED_CLOSE_QUOTE: Rule = [/([»”’])/gu, ' $1 '];
const IMPROVED_PUNCT: Rule = [
  new RegExp(`([^\\.])(\\.)([\\]\\)}>"'»”’ ]*)${S_UNICODE}*${END}`, 'gu'),
  '$1 $2 $3 ',
];

const STARTING_QUOTES: Rule[] = [
  IMPROVED_OPEN_QUOTE,
  [/^"/g, '``'],
  [/(``)/g, ' $1 '],
  [/([ ([{<])("|'{2})/g, '$1 `` '],
  IMPROVED_OPEN_SINGLE_QUOTE,
];

const PUNCTUATION: Rule[] = [
  IMPROVED_PUNCT,
  [/([:,])([^0-9])/g, ' $1 $2'],
  [new RegExp(`([:,])${END}`, 'g'), ' $1 '],
  [/\.\.\./g, ' ... '],
  [/[;@#$%&]/g, ' $& '],
  [new RegExp(`([^\\.])(\\.)([\\]\\)}>"']*)${S_ASCII}*${END}`, 'g'), '$1 $2$3 '],
  [/[?!]/g, ' $& '],
  [/([^'])' /g, "$1 ' "],
];

const PARENS_BRACKETS: Rule = [/[\][(){}<>]/g, ' $& '];
const DOUBLE_DASHES: Rule = [/--/g, ' -- '];

const ENDING_QUOTES: Rule[] = [
  IMPROVED_CLOSE_QUOTE,
  [/"/g, " '' "],
  [new RegExp(`([^ \\t\\n\\r\\f\\v])('')`, 'g'), '$1 $2 '],
  [/([^' ])('[sS]|'[mM]|'[dD]|') /g, '$1 $2 '],
  [/([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) /g, '$1 $2 '],
];

// MacIntyre contractions, compiled without re.U: \b is an ASCII word boundary, as in JavaScript.
const CONTRACTIONS2: RegExp[] = [
  /\b(can)(not)\b/gi,
  /\b(d)('ye)\b/gi,
  /\b(gim)(me)\b/gi,
  /\b(gon)(na)\b/gi,
  /\b(got)(ta)\b/gi,
  /\b(lem)(me)\b/gi,
  /\b(mor)('n)\b/gi,
  new RegExp(`\\b(wan)(na)${S_ASCII}`, 'gi'),
];
const CONTRACTIONS3: RegExp[] = [/ ('t)(is)\b/gi, / ('t)(was)\b/gi];

/** Python 2 `unicode.split()` with no argument. */
export function pySplit(text: string): string[] {
  return text.split(PY_SPACE_RUN).filter((t) => t.length > 0);
}

/** `TreebankWordTokenizer().tokenize(text)` with NLTK 3.4.5's word_tokenize rules (no sentence splitting). */
export function treebankWordTokenize(text: string): string[] {
  for (const [re, sub] of STARTING_QUOTES) text = text.replace(re, sub);
  for (const [re, sub] of PUNCTUATION) text = text.replace(re, sub);
  text = text.replace(PARENS_BRACKETS[0], PARENS_BRACKETS[1]);
  text = text.replace(DOUBLE_DASHES[0], DOUBLE_DASHES[1]);
  text = ` ${text} `;
  for (const [re, sub] of ENDING_QUOTES) text = text.replace(re, sub);
  for (const re of CONTRACTIONS2) text = text.replace(re, ' $1 $2 ');
  for (const re of CONTRACTIONS3) text = text.replace(re, ' $1 $2 ');
  return pySplit(text);
}
