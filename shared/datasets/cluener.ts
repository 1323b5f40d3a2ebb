/**
 * CLUENER2020 JSON lines: `{"text": ..., "label": {type: {entity_text: [[start, end_inclusive], ...]}}}`.
 * Offsets count code points (the files were written by Python) and the end is INCLUSIVE.
 * The test split has `"id"` and no `"label"`.
 */
import { DatasetFormatError, quoteSnippet } from './errors';
import { OffsetMap } from './offsets';
import { bump, checkLength, DatasetReader, lines, type ReaderOptions } from './reader';
import {
  applyLayout,
  checkSuspiciousChars,
  parseJson,
  type DatasetInput,
  type WarningCollector,
} from './source';
import type { EntitySpan, NerExample, TextLayout } from './types';

export function parseCluener(input: DatasetInput, options: ReaderOptions = {}): DatasetReader<'ner'> {
  return new DatasetReader<'ner'>('cluener', input, options, function* (context) {
    const { source, warnings, counts } = context;
    const { file, text } = source;
    const entityCounts: Record<string, number> = {};
    counts.tokens = 0;
    counts.entities = entityCounts;
    const seen = new Set<string>();
    for (const { line, offset, content } of lines(text)) {
      context.position = offset;
      if (content.trim() === '') {
        warnings.add('blank-line', line, (n) => `${n} blank line${n > 1 ? 's' : ''} skipped`, 'info');
        continue;
      }
      const value = parseJson(content, file, line - 1);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new DatasetFormatError({
          file,
          line,
          expected: 'one JSON object per line ({"text": ..., "label": {...}})',
          found: quoteSnippet(content),
        });
      }
      const row = value as Record<string, unknown>;
      if (typeof row.text !== 'string') {
        throw new DatasetFormatError({
          file,
          line,
          expected: 'a string "text" field',
          found: row.text === undefined ? 'no "text"' : typeof row.text,
        });
      }
      const sentence = row.text;
      const map = new OffsetMap(sentence);
      const length = map.codePointLength;
      const spans: EntitySpan[] = [];
      if (row.label === undefined) {
        warnings.add(
          'unlabelled',
          line,
          (n) => `${n} row${n > 1 ? 's have' : ' has'} no "label" (test split); imported with no entities`,
          'info',
        );
      } else {
        if (typeof row.label !== 'object' || row.label === null || Array.isArray(row.label)) {
          throw new DatasetFormatError({
            file,
            line,
            expected: '"label" to be an object {type: {entity: [[start, end]]}}',
            found: JSON.stringify(row.label).slice(0, 40),
          });
        }
        for (const [rawType, entities] of Object.entries(row.label as Record<string, unknown>)) {
          const type = context.label(rawType);
          if (rawType === 'goverment') {
            warnings.add(
              'goverment-spelling',
              line,
              (n) =>
                `${n} row${n > 1 ? 's use' : ' uses'} the type "goverment" (the spelling of CLUENER's README and prediction files; the dev file says "government"); kept — set labelAliases to unify`,
              'info',
            );
          }
          if (typeof entities !== 'object' || entities === null || Array.isArray(entities)) {
            throw new DatasetFormatError({
              file,
              line,
              expected: `label.${type} to be an object {entity_text: [[start, end]]}`,
              found: JSON.stringify(entities).slice(0, 40),
            });
          }
          for (const [entity, positions] of Object.entries(entities as Record<string, unknown>)) {
            if (!Array.isArray(positions)) {
              throw new DatasetFormatError({
                file,
                line,
                expected: `label.${type}[${JSON.stringify(entity)}] to be a list of [start, end] pairs`,
                found: JSON.stringify(positions),
              });
            }
            for (const pair of positions) {
              if (
                !Array.isArray(pair) ||
                pair.length !== 2 ||
                !pair.every((n) => Number.isInteger(n)) ||
                pair[0] < 0 ||
                pair[1] < pair[0] ||
                pair[1] >= length
              ) {
                throw new DatasetFormatError({
                  file,
                  line,
                  expected: `label.${type}[${JSON.stringify(entity)}] positions as [start, end_inclusive] with 0 <= start <= end < ${length} (text length)`,
                  found: JSON.stringify(pair),
                });
              }
              const span = { start: pair[0] as number, end: (pair[1] as number) + 1, label: type };
              if (map.slice(span.start, span.end) !== entity) {
                warnings.add(
                  'entity-text-mismatch',
                  line,
                  (n) =>
                    `${n} entit${n > 1 ? 'ies do' : 'y does'} not match text[start..end] (e.g. ${JSON.stringify(entity)} vs ${JSON.stringify(map.slice(span.start, span.end))}); the offsets were kept`,
                );
              }
              spans.push(span);
              bump(entityCounts, type);
            }
          }
        }
        checkOverlappingSpans(spans, line, warnings);
      }
      checkSuspiciousChars(sentence, line, warnings);
      checkLength(context, length, line);
      if (seen.has(sentence))
        warnings.add(
          'duplicate',
          line,
          (n) => `${n} row${n > 1 ? 's repeat' : ' repeats'} an earlier row's text; kept`,
          'info',
        );
      else seen.add(sentence);
      counts.tokens += length;
      const record: NerExample = { text: sentence, spans };
      if (typeof row.id === 'string' || typeof row.id === 'number') record.id = String(row.id);
      yield record;
    }
    if (context.counts.records === 0) {
      throw new DatasetFormatError({
        file,
        line: 0,
        expected: 'at least one JSON line',
        found: 'an empty file',
      });
    }
  });
}

export function hasOverlap(spans: readonly EntitySpan[]): boolean {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) if (sorted[i].start < sorted[i - 1].end) return true;
  return false;
}

/** Warns (once per file, counted) about a JSON-lines row whose entities overlap; the spans are kept. */
export function checkOverlappingSpans(
  spans: readonly EntitySpan[],
  line: number,
  warnings: WarningCollector,
): void {
  if (!hasOverlap(spans)) return;
  warnings.add(
    'overlapping-spans',
    line,
    (n) =>
      `${n} row${n > 1 ? 's have' : ' has'} overlapping entities; kept, but BIO/BIOES export cannot write them`,
  );
}

/**
 * Writes CLUENER JSON lines the way the official files are written (Python `json.dumps` with
 * `ensure_ascii=False`: ", " and ": " separators). Types and entities keep the order in which spans
 * first mention them, so re-exporting an imported file reproduces it byte for byte.
 */
export function exportCluener(records: readonly NerExample[], options: Partial<TextLayout> = {}): string {
  const out: string[] = [];
  for (const record of records) {
    const map = new OffsetMap(record.text);
    const types = new Map<string, Map<string, Array<[number, number]>>>();
    for (const span of record.spans) {
      let entities = types.get(span.label);
      if (!entities) types.set(span.label, (entities = new Map()));
      const entity = map.slice(span.start, span.end);
      let positions = entities.get(entity);
      if (!positions) entities.set(entity, (positions = []));
      positions.push([span.start, span.end - 1]);
    }
    const label = [...types]
      .map(([type, entities]) => {
        const inner = [...entities]
          .map(
            ([entity, positions]) =>
              `${JSON.stringify(entity)}: [${positions.map(([s, e]) => `[${s}, ${e}]`).join(', ')}]`,
          )
          .join(', ');
        return `${JSON.stringify(type)}: {${inner}}`;
      })
      .join(', ');
    const id =
      record.id === undefined
        ? ''
        : `"id": ${/^\d+$/.test(record.id) ? record.id : JSON.stringify(record.id)}, `;
    out.push(`{${id}"text": ${JSON.stringify(record.text)}, "label": {${label}}}\n`);
  }
  return applyLayout(out.join(''), options);
}
