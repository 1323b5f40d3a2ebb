/**
 * Baidu ERNIE / PaddleNLP NER TSV: a header `text_a<TAB>label`, then one sentence per row with its
 * characters joined by U+0002 and its tags joined by U+0002. U+0002 is the format's separator, so it must
 * never be stripped as a "control char" before parsing.
 */
import { DatasetExportError, DatasetFormatError, quoteSnippet } from './errors';
import { codePointLength } from './offsets';
import { bump, checkLength, DatasetReader, lines, type ReaderOptions } from './reader';
import { applyLayout, checkSuspiciousChars, type DatasetInput } from './source';
import { parseTag, spansToTags, tagsToSpans } from './tags';
import type { NerExample, TagScheme, TextLayout, TsvLayout } from './types';

/** ERNIE files carry their scheme too, so a re-export with the import's layout writes the same tags. */
export interface ErnieTsvLayout extends TsvLayout {
  scheme: TagScheme;
}

/** Tag prefixes anywhere in the label column decide the scheme (BIO unless E-/M-/S- occur). */
function detectErnieScheme(text: string): TagScheme {
  const has = (prefix: string) => text.includes(`\t${prefix}-`) || text.includes(`${SEP}${prefix}-`);
  if (has('M')) return 'BMES';
  if (has('E')) return 'BIOES';
  if (has('S')) return 'BIOS';
  return 'BIO';
}

const SEP = '\u0002';
const HEADER = ['text_a', 'label'];

export interface ErnieTsvOptions extends ReaderOptions {
  /** Default BIO (ERNIE's msra_ner label_map). */
  scheme?: TagScheme;
}

export function parseErnieTsv(input: DatasetInput, options: ErnieTsvOptions = {}): DatasetReader<'ner'> {
  return new DatasetReader<'ner'>('ernie-tsv', input, options, function* (context) {
    const { source, warnings, counts } = context;
    const { file, text } = source;
    const scheme = options.scheme ?? detectErnieScheme(text);
    const tagCounts: Record<string, number> = {};
    const entityCounts: Record<string, number> = {};
    counts.tokens = 0;
    counts.tags = tagCounts;
    counts.entities = entityCounts;
    let textColumn = 0;
    let labelColumn = 1;
    let header: string[] | null = null;
    const seen = new Set<string>();
    for (const { line, offset, content } of lines(text)) {
      context.position = offset;
      if (line === 1) {
        const names = content.split('\t');
        if (names.includes('text_a') && names.includes('label')) {
          header = names;
          textColumn = names.indexOf('text_a');
          labelColumn = names.indexOf('label');
          continue;
        }
        if (!content.includes(SEP) && !content.includes('\t')) {
          throw new DatasetFormatError({
            file,
            line,
            expected: 'the header "text_a<TAB>label" of an ERNIE NER TSV',
            found: quoteSnippet(content),
          });
        }
        warnings.add(
          'no-header',
          1,
          () => 'No "text_a<TAB>label" header; column 1 read as text, column 2 as tags',
          'info',
        );
      }
      if (content === '') {
        warnings.add('blank-line', line, (n) => `${n} blank line${n > 1 ? 's' : ''} skipped`);
        continue;
      }
      const columns = content.split('\t');
      const width = header ? header.length : 2;
      if (columns.length !== width) {
        throw new DatasetFormatError({
          file,
          line,
          expected: `${width} tab-separated columns (${(header ?? HEADER).join(', ')})`,
          found: `${columns.length}`,
        });
      }
      const chars = columns[textColumn].split(SEP);
      const tags = columns[labelColumn].split(SEP);
      if (chars.length !== tags.length) {
        throw new DatasetFormatError({
          file,
          line,
          expected: `as many U+0002-separated tags as characters`,
          found: `${chars.length} characters and ${tags.length} tags`,
        });
      }
      let column = columns.slice(0, labelColumn).join('\t').length + 1;
      for (const tag of tags) {
        if (!parseTag(tag)) {
          throw new DatasetFormatError({
            file,
            line,
            column,
            expected: 'a tag "O" or "<B|I|E|S>-<type>" such as "B-PER"',
            found: quoteSnippet(tag),
          });
        }
        column += tag.length + 1;
        bump(tagCounts, tag);
      }
      const starts: number[] = [];
      const lengths: number[] = [];
      let at = 0;
      for (const char of chars) {
        const length = codePointLength(char);
        if (length !== 1) {
          warnings.add(
            'multi-char-token',
            line,
            (n) =>
              `${n} U+0002-separated item${n > 1 ? 's are' : ' is'} not exactly one character; kept (an export writes one character per item)`,
          );
        }
        starts.push(at);
        lengths.push(length);
        at += length;
      }
      const spans = tagsToSpans(tags, scheme, (invalid) => {
        warnings.add(
          'invalid-tags',
          line,
          (n) =>
            `${n} tag${n > 1 ? 's' : ''} break the ${scheme} scheme (first: ${invalid.reason}); decoded as conlleval/seqeval do, so such a tag starts a new entity`,
        );
      }).map((span) => ({
        start: starts[span.start],
        end: starts[span.end - 1] + lengths[span.end - 1],
        label: context.label(span.label),
      }));
      for (const span of spans) bump(entityCounts, span.label);
      const sentence = chars.join('');
      checkSuspiciousChars(sentence, line, warnings);
      checkLength(context, chars.length, line);
      if (seen.has(sentence))
        warnings.add(
          'duplicate',
          line,
          (n) => `${n} row${n > 1 ? 's repeat' : ' repeats'} an earlier row's text; kept`,
          'info',
        );
      else seen.add(sentence);
      counts.tokens += chars.length;
      yield { text: sentence, spans };
    }
    if (counts.tokens === 0 && context.counts.records === 0) {
      throw new DatasetFormatError({
        file,
        line: 0,
        expected: 'at least one "<chars><TAB><tags>" row after the header',
        found: 'none',
      });
    }
    const layout: ErnieTsvLayout = { ...source.layout, header, scheme };
    context.layout = layout;
  });
}

export interface ErnieTsvExportOptions extends Partial<TextLayout> {
  scheme?: TagScheme;
  /** Write the `text_a<TAB>label` header; default true. */
  header?: boolean | string[] | null;
}

export function exportErnieTsv(records: readonly NerExample[], options: ErnieTsvExportOptions = {}): string {
  const scheme = options.scheme ?? 'BIO';
  const rows: string[] = [];
  if (options.header !== false && options.header !== null) rows.push('text_a\tlabel\n');
  records.forEach((record, index) => {
    const chars = Array.from(record.text);
    if (chars.length === 0)
      throw new DatasetExportError(index, 'the text is empty; an ERNIE row needs at least one character');
    for (const char of chars) {
      if (char === '\t' || char === '\n' || char === '\r' || char === SEP) {
        throw new DatasetExportError(
          index,
          `the text contains ${JSON.stringify(char)}, which cannot be written inside an ERNIE TSV field`,
        );
      }
    }
    let tags: string[];
    try {
      tags = spansToTags(record.spans, chars.length, scheme);
    } catch (error) {
      throw new DatasetExportError(index, (error as Error).message);
    }
    rows.push(`${chars.join(SEP)}\t${tags.join(SEP)}\n`);
  });
  return applyLayout(rows.join(''), options);
}
