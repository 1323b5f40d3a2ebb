/**
 * Classification and pair JSON: JSON lines (CLUE: OCNLI, AFQMC, TNEWS, IFLYTEK) or one JSON array of
 * objects. Keys: `sentence1`/`sentence2` (or text_a/text_b, premise/hypothesis) + `label` make a pair;
 * `sentence`/`text` + `label` a classification row. OCNLI's label "-" (no annotator majority, which its
 * README says to exclude) skips the row, with a warning.
 */
import { normaliseNliLabel, planColumns } from './columns';
import { DatasetFormatError, quoteSnippet } from './errors';
import { codePointLength } from './offsets';
import { bump, checkLength, DatasetReader, lines, type ReaderOptions } from './reader';
import { checkSuspiciousChars, LineLocator, parseJson, type DatasetInput } from './source';
import type { ClassificationExample, PairExample } from './types';

/** Labels meaning "no gold label" (OCNLI/SNLI/MNLI "-"). */
const NO_LABEL = new Set(['-', '']);

export function parseJsonRecords(
  input: DatasetInput,
  options: ReaderOptions = {},
): DatasetReader<'classification' | 'pair'> {
  return new DatasetReader<'classification' | 'pair'>('json-classification', input, options, function* (
    context,
  ) {
    const { source, warnings, counts } = context;
    const { file, text } = source;
    const labels: Record<string, number> = {};
    counts.labels = labels;
    const seen = new Set<string>();
    let pair: boolean | null = null;

    // Each item with its 1-based line (0 inside a JSON array, where items are named by index).
    function* items(): Generator<{ value: unknown; line: number; name: string }> {
      const start = text.search(/\S/);
      if (start >= 0 && text[start] === '[') {
        const array = parseJson(text, file) as unknown[];
        const locator = new LineLocator(text);
        for (let i = 0; i < array.length; i++) {
          const item = array[i];
          // Best-effort line: the item's first string value, searched in document order.
          const firstString =
            item && typeof item === 'object'
              ? Object.values(item).find((v) => typeof v === 'string')
              : undefined;
          const line = typeof firstString === 'string' ? locator.next(firstString) : 0;
          context.position = Math.max(locator.cursor, Math.floor((text.length * i) / array.length));
          yield { value: item, line, name: `item #${i + 1}` };
        }
        return;
      }
      for (const { line, offset, content } of lines(text)) {
        context.position = offset;
        if (content.trim() === '') {
          warnings.add('blank-line', line, (n) => `${n} blank line${n > 1 ? 's' : ''} skipped`, 'info');
          continue;
        }
        yield { value: parseJson(content, file, line - 1), line, name: `line ${line}` };
      }
    }

    for (const { value, line, name } of items()) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new DatasetFormatError({
          file,
          line,
          expected: `a JSON object (${name})`,
          found: quoteSnippet(JSON.stringify(value) ?? ''),
        });
      }
      const row = value as Record<string, unknown>;
      const keys = Object.keys(row);
      const plan = planColumns(keys);
      if (!plan) {
        throw new DatasetFormatError({
          file,
          line,
          expected: `a "label" and "sentence"/"text" (or "sentence1" + "sentence2") key (${name})`,
          found: `keys ${keys.join(', ')}`,
        });
      }
      const rowIsPair = plan.textB >= 0;
      if (pair === null) {
        pair = rowIsPair;
        context.format = pair ? 'json-pair' : 'json-classification';
      } else if (pair !== rowIsPair) {
        throw new DatasetFormatError({
          file,
          line,
          expected: `every row to be ${pair ? 'a sentence pair' : 'a single text'} like the first one (${name})`,
          found: `keys ${keys.join(', ')}`,
        });
      }
      const field = (index: number) => row[keys[index]];
      const rawLabel = field(plan.label);
      if (typeof rawLabel !== 'string' && typeof rawLabel !== 'number') {
        throw new DatasetFormatError({
          file,
          line,
          expected: `"${keys[plan.label]}" to be a string or number (${name})`,
          found: JSON.stringify(rawLabel),
        });
      }
      const label = normaliseNliLabel(context.label(String(rawLabel)), line, context);
      const texts = rowIsPair ? [field(plan.text), field(plan.textB)] : [field(plan.text)];
      texts.forEach((t, k) => {
        if (typeof t !== 'string') {
          throw new DatasetFormatError({
            file,
            line,
            expected: `"${keys[k === 0 ? plan.text : plan.textB]}" to be a string (${name})`,
            found: JSON.stringify(t),
          });
        }
      });
      const [textA, textB = ''] = texts as string[];
      if (NO_LABEL.has(label.trim())) {
        warnings.add(
          'no-gold-label',
          line,
          (n) =>
            `${n} row${n > 1 ? 's have' : ' has'} no gold label ("-": the annotators had no majority); skipped, as the dataset README says`,
        );
        counts.skipped++;
        continue;
      }
      for (const t of texts as string[]) checkSuspiciousChars(t, line, warnings);
      checkLength(context, codePointLength(textA) + codePointLength(textB), line);
      const key = rowIsPair ? `${textA}\t${textB}` : textA;
      if (seen.has(key))
        warnings.add(
          'duplicate',
          line,
          (n) => `${n} row${n > 1 ? 's repeat' : ' repeats'} the text of an earlier row; kept`,
        );
      else seen.add(key);
      bump(labels, label);
      const rawId = plan.id >= 0 ? field(plan.id) : undefined;
      const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : undefined;
      if (rowIsPair) {
        const record: PairExample = { textA, textB, label };
        if (id !== undefined) record.id = id;
        yield record;
      } else {
        const record: ClassificationExample = { text: textA, label };
        if (id !== undefined) record.id = id;
        yield record;
      }
    }
    if (counts.records === 0 && counts.skipped === 0) {
      throw new DatasetFormatError({ file, line: 0, expected: 'at least one JSON record', found: 'none' });
    }
    if (!source.layout.finalNewline && text.trimStart()[0] !== '[') {
      warnings.add(
        'no-final-newline',
        0,
        () => 'The file does not end with a newline; the last line was read anyway',
        'info',
      );
    }
  });
}
