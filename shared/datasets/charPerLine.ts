/**
 * Character-per-line (and token-per-line, CoNLL-style) NER files:
 *
 *   中 B-ORG        or   中<TAB>B-ORG        or   Redondo<TAB>B-location
 *   共 I-ORG
 *                   ← blank line between sentences
 *
 * Chinese corpora (People's Daily, MSRA, Chinese-BERT-wwm) put one character per line: the text is the
 * characters joined. English CoNLL / WNUT put one token per line: the text is the tokens joined with
 * single spaces and spans cover that joined text.
 */
import { DatasetExportError, DatasetFormatError, quoteSnippet } from './errors';
import { codePointLength } from './offsets';
import { bump, checkLength, DatasetReader, lines, type ReaderContext, type ReaderOptions } from './reader';
import { applyLayout, checkSuspiciousChars, type DatasetInput } from './source';
import { detectTagScheme, isTag, spansToTags, tagsToSpans } from './tags';
import type { CharPerLineLayout, NerExample, TagScheme } from './types';

export interface CharPerLineOptions extends ReaderOptions {
  /** Tag scheme; detected from the tags when absent (see detectTagScheme). */
  scheme?: TagScheme;
  /** 'char' joins lines without spaces, 'token' with single spaces; detected when absent. */
  unit?: 'char' | 'token';
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}]/u;

interface ParsedLine {
  token: string;
  tag: string;
}

/** Detects separator and unit from the first lines, and the tag scheme (prefixes in the whole file, order in its start). */
function detectLayout(
  text: string,
  options: CharPerLineOptions,
): { separator: ' ' | '\t'; unit: 'char' | 'token'; scheme: TagScheme } {
  let separator: ' ' | '\t' | null = null;
  let seen = 0;
  let multi = 0;
  let cjk = 0;
  for (const { content } of lines(text)) {
    if (content.trim() === '') continue;
    if (separator === null) separator = content.includes('\t') ? '\t' : ' ';
    const parsed = splitLine(content, separator);
    if (parsed && codePointLength(parsed.token) > 1) multi++;
    if (parsed && CJK.test(parsed.token)) cjk++;
    if (++seen >= 2000) break;
  }
  // Many multi-char tokens means words, joined with spaces — unless they are Chinese words, which are
  // joined without spaces (and then exported one character per line, with a warning at import).
  const unit = options.unit ?? (seen > 0 && multi / seen > 0.2 && cjk / seen < 0.5 ? 'token' : 'char');
  let scheme = options.scheme;
  if (!scheme) {
    // Prefixes anywhere in the file decide BMES/BIOES/BIOS (a native regex scan is cheap on large files);
    // BIO vs IOB1 vs IO needs tag order, which the first sentences show.
    const sep = separator ?? ' ';
    const sample: string[][] = [];
    let tags: string[] = [];
    let sampled = 0;
    for (const { content } of lines(text)) {
      if (content.trim() === '') {
        if (tags.length) sample.push(tags);
        tags = [];
        if (sampled >= 5000) break;
        continue;
      }
      const parsed = splitLine(content, sep);
      if (parsed) tags.push(parsed.tag);
      sampled++;
    }
    if (tags.length) sample.push(tags);
    const sampleScheme = detectTagScheme(sample);
    if (/[ \t]M-[^ \t\n]+$/m.test(text)) scheme = 'BMES';
    else if (/[ \t]E-[^ \t\n]+$/m.test(text)) scheme = 'BIOES';
    else if (/[ \t]S-[^ \t\n]+$/m.test(text)) scheme = 'BIOS';
    else if (sampleScheme === 'IO' && /[ \t]B-[^ \t\n]+$/m.test(text)) scheme = 'IOB1';
    else scheme = sampleScheme;
  }
  return { separator: separator ?? ' ', unit, scheme };
}

/** Splits `token<sep>tag`; extra middle columns (CoNLL-2003 POS/chunk) are ignored. */
function splitLine(content: string, separator: ' ' | '\t'): (ParsedLine & { extraColumns: boolean }) | null {
  // A space character as the token, with space as separator: "  O".
  if (separator === ' ' && content.startsWith('  ') && content.length > 2 && content[2] !== ' ') {
    return { token: ' ', tag: content.slice(2), extraColumns: false };
  }
  const first = content.indexOf(separator);
  if (first <= 0) return null;
  const last = content.lastIndexOf(separator);
  return { token: content.slice(0, first), tag: content.slice(last + 1), extraColumns: last !== first };
}

/**
 * Streams NER examples from a character/token-per-line file. See `DatasetReader` for the protocol.
 * Invalid tag sequences (e.g. I-PER without B-PER) are decoded as conlleval/seqeval do and reported.
 */
export function parseCharPerLine(
  input: DatasetInput,
  options: CharPerLineOptions = {},
): DatasetReader<'ner'> {
  return new DatasetReader('char-per-line', input, options, (context) => readSentences(context, options));
}

function* readSentences(
  context: ReaderContext,
  options: CharPerLineOptions,
): Generator<NerExample, void, undefined> {
  const { source, warnings, counts } = context;
  const { text, file } = source;
  const { separator, unit, scheme } = detectLayout(text, options);
  const layout: CharPerLineLayout = {
    ...source.layout,
    separator,
    scheme,
    unit,
    trailingBlankLine: text.endsWith('\n\n'),
  };
  context.layout = layout;
  const tagCounts: Record<string, number> = {};
  const entityCounts: Record<string, number> = {};
  counts.tokens = 0;
  counts.tags = tagCounts;
  counts.entities = entityCounts;
  const seenTexts = new Set<string>();
  // IO and IOB1 allow an entity to start with I-; the BIO files most corpora are would call that tag
  // invalid. When the scheme was guessed (not given), each such start is reported with its line.
  const iStartsAllowed = options.scheme === undefined && (scheme === 'IO' || scheme === 'IOB1');
  const reportEntitiesStartingWithI = (sentenceTags: readonly string[], lineNumbers: readonly number[]) => {
    for (let i = 0; i < sentenceTags.length; i++) {
      const tag = sentenceTags[i];
      if (!tag.startsWith('I-')) continue;
      const previous = i > 0 ? sentenceTags[i - 1] : 'O';
      if (previous !== 'O' && previous.slice(2) === tag.slice(2)) continue;
      const after = previous === 'O' ? (i > 0 ? 'O' : 'the start of a sentence') : previous;
      warnings.add(
        'entity-starts-with-i',
        lineNumbers[i],
        (n) =>
          `${n} entit${n > 1 ? 'ies start' : 'y starts'} with an I- tag (first: ${tag} after ${after}); the tags were read as ${scheme}, where that is allowed, because no B- tag starts an entity. If the file is BIO, ${n > 1 ? 'these entities lack their' : 'this entity lacks its'} B- tag (fix the file, or pass scheme BIO to have ${n > 1 ? 'them' : 'it'} reported as invalid tags)`,
      );
    }
  };

  let tokens: string[] = [];
  let tags: string[] = [];
  let tagLines: number[] = [];

  const finishSentence = (): NerExample => {
    const starts = new Array<number>(tokens.length);
    const lengths = new Array<number>(tokens.length);
    let offset = 0;
    for (let i = 0; i < tokens.length; i++) {
      starts[i] = offset;
      lengths[i] = codePointLength(tokens[i]);
      offset += lengths[i] + (unit === 'token' ? 1 : 0);
    }
    if (iStartsAllowed) reportEntitiesStartingWithI(tags, tagLines);
    const tokenSpans = tagsToSpans(tags, scheme, (invalid) => {
      const line = tagLines[invalid.index];
      warnings.add(
        'invalid-tags',
        line,
        (n) =>
          `${n} tag${n > 1 ? 's' : ''} break${n > 1 ? '' : 's'} the ${scheme} scheme (first: ${invalid.reason}); decoded as conlleval/seqeval do, so such a tag starts a new entity`,
      );
    });
    const spans = tokenSpans.map((span) => ({
      start: starts[span.start],
      end: starts[span.end - 1] + lengths[span.end - 1],
      label: context.label(span.label),
    }));
    for (const span of spans) bump(entityCounts, span.label);
    const sentence = tokens.join(unit === 'token' ? ' ' : '');
    checkLength(context, tokens.length, tagLines[0], unit === 'token' ? 'tokens' : 'chars');
    if (seenTexts.has(sentence)) {
      warnings.add(
        'duplicate',
        tagLines[0],
        (n) => `${n} sentence${n > 1 ? 's repeat' : ' repeats'} an earlier sentence's text; kept`,
        'info',
      );
    } else {
      seenTexts.add(sentence);
    }
    counts.tokens! += tokens.length;
    tokens = [];
    tags = [];
    tagLines = [];
    return { text: sentence, spans };
  };

  let line = 0;
  let next: number;
  for (let offset = 0; offset < text.length; offset = next + 1) {
    next = text.indexOf('\n', offset);
    if (next < 0) next = text.length;
    line++;
    context.position = offset;
    // Index-based parsing: no per-line substring or object besides the token and tag themselves.
    const blank =
      next === offset || (text.charCodeAt(next - 1) <= 0x20 && text.slice(offset, next).trim() === '');
    if (blank) {
      if (next !== offset) {
        warnings.add(
          'whitespace-line',
          line,
          (n) => `${n} line${n > 1 ? 's hold' : ' holds'} only whitespace; read as a sentence break`,
        );
      }
      if (tokens.length > 0) {
        yield finishSentence();
      } else {
        warnings.add(
          'extra-blank-line',
          line,
          (n) => `${n} extra blank line${n > 1 ? 's' : ''} (empty sentences) skipped`,
          'info',
        );
      }
      continue;
    }
    if (text.charCodeAt(offset) === 0x2d && text.startsWith('-DOCSTART-', offset)) {
      warnings.add(
        'docstart',
        line,
        (n) => `${n} -DOCSTART- line${n > 1 ? 's' : ''} (CoNLL document markers) skipped`,
        'info',
      );
      continue;
    }
    let token: string;
    let tag: string;
    let extraColumns = false;
    if (
      separator === ' ' &&
      next - offset > 2 &&
      text.charCodeAt(offset) === 0x20 &&
      text.charCodeAt(offset + 1) === 0x20 &&
      text.charCodeAt(offset + 2) !== 0x20
    ) {
      // A space character as the token: "  O".
      token = ' ';
      tag = text.slice(offset + 2, next);
    } else {
      const first = text.indexOf(separator, offset);
      if (first <= offset || first >= next) {
        throw new DatasetFormatError({
          file,
          line,
          expected: `"<${unit}>${separator === '\t' ? '<TAB>' : '<space>'}<tag>" (one ${unit} and its tag per line, a blank line between sentences)`,
          found: quoteSnippet(text.slice(offset, next)),
        });
      }
      const last = text.lastIndexOf(separator, next - 1);
      token = text.slice(offset, first);
      tag = text.slice(last + 1, next);
      extraColumns = last !== first;
    }
    if (!isTag(tag)) {
      throw new DatasetFormatError({
        file,
        line,
        column: next - offset - tag.length + 1,
        expected: `a tag "O" or "<B|I|E|S|M>-<type>" such as "B-PER" (${scheme} scheme)`,
        found: quoteSnippet(tag),
      });
    }
    if (extraColumns) {
      warnings.add(
        'extra-columns',
        line,
        (n) =>
          `${n} line${n > 1 ? 's have' : ' has'} more than two columns; the first is read as the ${unit} and the last as the tag, the others are ignored (and not exported)`,
      );
    }
    if (unit === 'char' && codePointLength(token) !== 1) {
      warnings.add(
        'multi-char-token',
        line,
        (n) =>
          `${n} line${n > 1 ? 's hold' : ' holds'} more than one character in a character-per-line file; kept together (an export writes one character per line)`,
      );
    }
    if (unit === 'token' && token.includes(' ')) {
      warnings.add(
        'whitespace-token',
        line,
        (n) =>
          `${n} token${n > 1 ? 's contain' : ' contains'} a space; tokens are joined with spaces, so an export splits ${n > 1 ? 'them' : 'it'}`,
      );
    }
    const code = token.charCodeAt(0);
    if (token.length > 1 || code < 0x20 || code === 0x200b || code === 0xfeff)
      checkSuspiciousChars(token, line, warnings);
    bump(tagCounts, tag);
    tokens.push(token);
    tags.push(tag);
    tagLines.push(line);
  }
  if (tokens.length > 0) yield finishSentence();
  if (counts.tokens === 0) {
    throw new DatasetFormatError({
      file,
      line: 0,
      expected: 'at least one sentence of "<char> <tag>" lines',
      found: 'none',
    });
  }
  if (!source.layout.finalNewline) {
    warnings.add(
      'no-final-newline',
      0,
      () => 'The file does not end with a newline; the last sentence was read anyway',
      'info',
    );
  }
}

export interface CharPerLineExportOptions extends Partial<Omit<CharPerLineLayout, 'scheme'>> {
  /** Default BIO. */
  scheme?: TagScheme;
}

/**
 * Writes NER examples as one char (or token) and its tag per line, a blank line between sentences.
 * Defaults: BIO, space separator, chars, trailing blank line, LF, no BOM. Pass an import's layout to
 * reproduce the source file.
 */
export function exportCharPerLine(
  records: readonly NerExample[],
  options: CharPerLineExportOptions = {},
): string {
  const scheme = options.scheme ?? 'BIO';
  const separator = options.separator ?? ' ';
  const unit = options.unit ?? 'char';
  const trailingBlankLine = options.trailingBlankLine ?? true;
  const parts: string[] = [];
  records.forEach((record, index) => {
    const { tokens, tokenSpans } = tokenize(record, unit, index);
    let tags: string[];
    try {
      tags = spansToTags(tokenSpans, tokens.length, scheme);
    } catch (error) {
      throw new DatasetExportError(index, (error as Error).message);
    }
    let chunk = '';
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      if (
        /[\n\r]/.test(token) ||
        (separator === '\t' && token.includes('\t')) ||
        (unit === 'token' && token === ' ')
      ) {
        throw new DatasetExportError(
          index,
          `${unit} #${i + 1} ${JSON.stringify(token)} cannot be written on a ${separator === '\t' ? 'tab' : 'space'}-separated line; remove line breaks from the text first`,
        );
      }
      chunk += `${token}${separator}${tags[i]}\n`;
    }
    parts.push(chunk);
  });
  let text = parts.join('\n');
  if (trailingBlankLine && parts.length > 0) text += '\n';
  return applyLayout(text, options);
}

function tokenize(
  record: NerExample,
  unit: 'char' | 'token',
  index: number,
): { tokens: string[]; tokenSpans: NerExample['spans'] } {
  if (record.text.length === 0)
    throw new DatasetExportError(
      index,
      'the text is empty; a character-per-line file cannot hold an empty sentence',
    );
  if (unit === 'char') return { tokens: Array.from(record.text), tokenSpans: record.spans };
  const tokens = record.text.split(' ');
  // Map code point offsets of token starts/ends to token indices.
  const startIndex = new Map<number, number>();
  const endIndex = new Map<number, number>();
  let offset = 0;
  tokens.forEach((token, i) => {
    if (token === '')
      throw new DatasetExportError(
        index,
        `the text has an empty token at token #${i + 1} (leading, trailing or double space); tokens are joined with single spaces`,
      );
    startIndex.set(offset, i);
    offset += codePointLength(token);
    endIndex.set(offset, i + 1);
    offset += 1;
  });
  const tokenSpans = record.spans.map((span) => {
    const start = startIndex.get(span.start);
    const end = endIndex.get(span.end);
    if (start === undefined || end === undefined) {
      throw new DatasetExportError(
        index,
        `span [${span.start}, ${span.end}) ${span.label} does not start and end on token boundaries, so it cannot be written one token per line`,
      );
    }
    return { start, end, label: span.label };
  });
  return { tokens, tokenSpans };
}
