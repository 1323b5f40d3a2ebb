/**
 * Classification and pair TSV files (ChnSentiCorp `label<TAB>text_a`, LCQMC / XNLI
 * `text_a<TAB>text_b<TAB>label`), with or without a header line.
 *
 * Fields are split on TAB only. Double quotes are plain text (Python's QUOTE_NONE): ChnSentiCorp has
 * raw `"` inside reviews, and CSV-style unquoting would glue rows together.
 */
import { planColumns, type ColumnPlan } from './columns';
import { DatasetFormatError, quoteSnippet } from './errors';
import { codePointLength } from './offsets';
import { bump, checkLength, DatasetReader, lines, type ReaderContext, type ReaderOptions } from './reader';
import { checkSuspiciousChars, type DatasetInput } from './source';
import { normaliseNliLabel } from './columns';
import type { ClassificationExample, PairExample, TsvLayout } from './types';

export interface TsvOptions extends ReaderOptions {
  /**
   * Column names for a file without a header, e.g. ['text_a', 'text_b', 'label']. When absent the
   * header is detected, else 3 columns read as text_a, text_b, label and 2 columns as text + label
   * (the label being the column with few distinct short values).
   */
  columns?: string[];
}

function guessColumns(text: string): string[] {
  const sample: string[][] = [];
  for (const { content } of lines(text)) {
    if (content === '') continue;
    sample.push(content.split('\t'));
    if (sample.length >= 200) break;
  }
  const width = sample[0]?.length ?? 0;
  if (width === 3) return ['text_a', 'text_b', 'label'];
  if (width === 2) {
    const labelLike = (column: number) => {
      const values = new Set(sample.map((row) => row[column]));
      return (
        values.size <= 20 && [...values].every((v) => v !== undefined && v.length <= 16 && !/\s/.test(v))
      );
    };
    return labelLike(0) && !labelLike(1) ? ['label', 'text_a'] : ['text_a', 'label'];
  }
  return [];
}

export function parseTsv(
  input: DatasetInput,
  options: TsvOptions = {},
): DatasetReader<'classification' | 'pair'> {
  return new DatasetReader<'classification' | 'pair'>('tsv-classification', input, options, (context) =>
    readRows(context, options),
  );
}

function* readRows(
  context: ReaderContext,
  options: TsvOptions,
): Generator<ClassificationExample | PairExample, void, undefined> {
  const { source, warnings, counts } = context;
  const { file, text } = source;
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  const firstFields = firstLine.split('\t');
  let header: string[] | null = null;
  let names: string[];
  let plan: ColumnPlan | null;
  if (options.columns) {
    names = options.columns;
    plan = planColumns(names);
    // A header identical to the given names is still a header, not data.
    if (firstFields.length === names.length && firstFields.every((name, i) => name.trim() === names[i]))
      header = firstFields;
  } else if ((plan = planColumns(firstFields)) !== null) {
    header = firstFields;
    names = firstFields;
  } else {
    names = guessColumns(text);
    plan = planColumns(names);
    if (plan) {
      warnings.add(
        'no-header',
        0,
        () => `No header line; columns read as ${names.join(', ')} (pass the column names if that is wrong)`,
        'info',
      );
    }
  }
  if (!plan) {
    throw new DatasetFormatError({
      file,
      line: 1,
      expected:
        'a header naming a label column and one or two text columns (e.g. "label<TAB>text_a" or "text_a<TAB>text_b<TAB>label"), or 2–3 columns without a header',
      found: quoteSnippet(firstLine),
    });
  }
  const pair = plan.textB >= 0;
  context.format = pair ? 'tsv-pair' : 'tsv-classification';
  const layout: TsvLayout = { ...source.layout, header };
  context.layout = layout;
  const labels: Record<string, number> = {};
  counts.labels = labels;
  const seen = new Set<string>();
  for (const { line, offset, content } of lines(text)) {
    context.position = offset;
    if (line === 1 && header) continue;
    if (content === '') {
      warnings.add('blank-line', line, (n) => `${n} blank line${n > 1 ? 's' : ''} skipped`);
      continue;
    }
    const fields = content.split('\t');
    if (fields.length !== names.length) {
      throw new DatasetFormatError({
        file,
        line,
        expected: `${names.length} tab-separated columns (${names.join(', ')})`,
        found: `${fields.length} column${fields.length > 1 ? 's' : ''} in ${quoteSnippet(content)}`,
        hint:
          fields.length > names.length
            ? 'A text field may contain a tab.'
            : 'A text field may contain a line break.',
      });
    }
    const rawLabel = fields[plan.label].trim();
    if (rawLabel === '') {
      throw new DatasetFormatError({
        file,
        line,
        expected: `a label in column ${plan.label + 1} (${names[plan.label]})`,
        found: 'an empty field',
      });
    }
    const label = normaliseNliLabel(context.label(rawLabel), line, context);
    if (content.includes('"')) {
      warnings.add(
        'raw-quotes',
        line,
        (n) =>
          `${n} row${n > 1 ? 's contain' : ' contains'} raw double quotes; kept as text (quotes are not CSV quoting in TSV corpora)`,
        'info',
      );
    }
    const id = plan.id >= 0 ? fields[plan.id] : undefined;
    const textA = fields[plan.text];
    const textB = pair ? fields[plan.textB] : '';
    for (const field of pair ? [textA, textB] : [textA]) {
      if (field.trim() === '')
        warnings.add(
          'empty-text',
          line,
          (n) => `${n} row${n > 1 ? 's have' : ' has'} an empty text field; kept`,
        );
      checkSuspiciousChars(field, line, warnings);
    }
    checkLength(context, codePointLength(textA) + codePointLength(textB), line);
    const key = pair ? `${textA}\t${textB}` : textA;
    if (seen.has(key)) {
      warnings.add(
        'duplicate',
        line,
        (n) =>
          `${n} row${n > 1 ? 's repeat' : ' repeats'} the text${pair ? ' pair' : ''} of an earlier row; kept`,
      );
    } else {
      seen.add(key);
    }
    if (pair && textA === textB) {
      warnings.add(
        'identical-pair',
        line,
        (n) => `${n} row${n > 1 ? 's have' : ' has'} text_a identical to text_b; kept`,
        'info',
      );
    }
    bump(labels, label);
    if (pair) {
      const record: PairExample = { textA, textB, label };
      if (id !== undefined) record.id = id;
      yield record;
    } else {
      const record: ClassificationExample = { text: textA, label };
      if (id !== undefined) record.id = id;
      yield record;
    }
  }
  if (counts.records === 0) {
    throw new DatasetFormatError({ file, line: 0, expected: 'at least one data row', found: 'none' });
  }
  if (!source.layout.finalNewline) {
    warnings.add(
      'no-final-newline',
      0,
      () => 'The file does not end with a newline; the last row was read anyway',
      'info',
    );
  }
}
