/**
 * JSON lines with character spans: `{"text": ..., "spans": [{"start", "end", "label"}]}` — Prodigy's
 * `db-out` export (extra keys such as tokens, _input_hash and answer are allowed). doccano's JSONL
 * (`"label": [[start, end, "TYPE"]]` or `"entities": [{start_offset, end_offset, label}]`) reads too.
 * Offsets count code points (Python wrote them), end exclusive; `offsets: 'utf16'` reads JS-written files.
 */
import { DatasetExportError, DatasetFormatError, quoteSnippet } from './errors';
import { OffsetMap } from './offsets';
import { bump, checkLength, DatasetReader, lines, type ReaderOptions } from './reader';
import { checkOverlappingSpans } from './cluener';
import { isKnownExample } from './knownExamples';
import { applyLayout, checkSuspiciousChars, parseJson, type DatasetInput } from './source';
import type { EntitySpan, NerExample, NerExampleStatus, NerExportRecord, TextLayout } from './types';

const statuses: readonly NerExampleStatus[] = ['done', 'in-progress', 'unannotated', 'imported'];

export interface JsonlSpansOptions extends ReaderOptions {
  /** Unit of `start`/`end` in the file. Default 'codepoint' (Python, Prodigy, doccano). */
  offsets?: 'codepoint' | 'utf16';
}

function rawSpans(row: Record<string, unknown>): { key: string; items: unknown[] } | null {
  if (Array.isArray(row.spans)) return { key: 'spans', items: row.spans };
  if (Array.isArray(row.entities)) return { key: 'entities', items: row.entities };
  if (Array.isArray(row.label)) return { key: 'label', items: row.label };
  return null;
}

export function parseJsonlSpans(input: DatasetInput, options: JsonlSpansOptions = {}): DatasetReader<'ner'> {
  const offsets = options.offsets ?? 'codepoint';
  return new DatasetReader<'ner'>('jsonl-spans', input, options, function* (context) {
    const { source, warnings, counts } = context;
    const { file, text } = source;
    const entityCounts: Record<string, number> = {};
    counts.tokens = 0;
    counts.entities = entityCounts;
    for (const { line, offset, content } of lines(text)) {
      context.position = offset;
      if (content.trim() === '') {
        warnings.add('blank-line', line, (n) => `${n} blank line${n > 1 ? 's' : ''} skipped`, 'info');
        continue;
      }
      const value = parseJson(content, file, line - 1);
      if (
        typeof value !== 'object' ||
        value === null ||
        Array.isArray(value) ||
        typeof (value as { text?: unknown }).text !== 'string'
      ) {
        throw new DatasetFormatError({
          file,
          line,
          expected: 'one JSON object per line with a string "text"',
          found: quoteSnippet(content),
        });
      }
      const row = value as Record<string, unknown>;
      const sentence = row.text as string;
      if (row.answer !== undefined && row.answer !== 'accept') {
        warnings.add(
          'not-accepted',
          line,
          (n) =>
            `${n} row${n > 1 ? 's were' : ' was'} not accepted by the annotator ("answer": "reject"/"ignore"); skipped`,
        );
        counts.skipped++;
        continue;
      }
      const map = new OffsetMap(sentence);
      const length = map.codePointLength;
      const found = rawSpans(row);
      if (!found) {
        warnings.add(
          'no-spans',
          line,
          (n) => `${n} row${n > 1 ? 's have' : ' has'} no "spans" list; imported with no entities`,
          'info',
        );
      }
      const spans: EntitySpan[] = [];
      (found?.items ?? []).forEach((item, k) => {
        let start: unknown;
        let end: unknown;
        let label: unknown;
        let expectedText: unknown;
        if (Array.isArray(item)) [start, end, label] = item;
        else if (item && typeof item === 'object') {
          const s = item as Record<string, unknown>;
          start = s.start ?? s.start_offset;
          end = s.end ?? s.end_offset;
          label = s.label;
          expectedText = s.text;
        }
        const where = `${found!.key}[${k}]`;
        if (!Number.isInteger(start) || !Number.isInteger(end) || typeof label !== 'string' || label === '') {
          throw new DatasetFormatError({
            file,
            line,
            expected: `${where} to have integer "start", "end" and a non-empty string "label"`,
            found: JSON.stringify(item).slice(0, 80),
          });
        }
        let s = start as number;
        let e = end as number;
        const limit = offsets === 'utf16' ? sentence.length : length;
        if (s < 0 || e <= s || e > limit) {
          throw new DatasetFormatError({
            file,
            line,
            expected: `${where} offsets with 0 <= start < end <= ${limit} (text length in ${offsets === 'utf16' ? 'UTF-16 units' : 'code points'})`,
            found: `[${s}, ${e})`,
          });
        }
        if (offsets === 'utf16') {
          try {
            s = map.toCodePoint(s);
            e = map.toCodePoint(e);
          } catch (error) {
            throw new DatasetFormatError({
              file,
              line,
              expected: `${where} offsets on character boundaries`,
              found: (error as Error).message,
            });
          }
        }
        if (typeof expectedText === 'string' && map.slice(s, e) !== expectedText) {
          warnings.add(
            'span-text-mismatch',
            line,
            (n) =>
              `${n} span${n > 1 ? 's' : ''}' "text" differ${n > 1 ? '' : 's'} from text[start:end] (first: ${JSON.stringify(expectedText)} vs ${JSON.stringify(map.slice(s, e))}); the offsets were kept — check the offset unit`,
          );
        }
        const renamed = context.label(label);
        spans.push({ start: s, end: e, label: renamed });
        bump(entityCounts, renamed);
      });
      checkOverlappingSpans(spans, line, warnings);
      checkSuspiciousChars(sentence, line, warnings);
      checkLength(context, length, line);
      counts.tokens += length;
      const record: NerExample = { text: sentence, spans };
      const id = row.id ?? (row.meta as Record<string, unknown> | undefined)?.id;
      if (typeof id === 'string' || typeof id === 'number') record.id = String(id);
      if (row.status !== undefined) {
        if (!statuses.includes(row.status as NerExampleStatus)) {
          throw new DatasetFormatError({
            file,
            line,
            expected: `"status" to be one of ${statuses.join(', ')}`,
            found: JSON.stringify(row.status).slice(0, 40),
          });
        }
        record.status = row.status as NerExampleStatus;
      }
      yield record;
    }
    if (context.counts.records === 0 && counts.skipped === 0) {
      throw new DatasetFormatError({
        file,
        line: 0,
        expected: 'at least one JSON line',
        found: 'an empty file',
      });
    }
  });
}

/**
 * Writes `{"text", "spans": [{start, end, label}]}` per line, offsets in code points (Prodigy-compatible).
 * Records that carry a status get Prodigy's `"answer": "accept"` when they are known (done, or the
 * imported file's annotation) and a `"status"` key always, so an "all with status" export tells a checked
 * sentence with no entities from one never looked at. Spans accepted from a model carry Prodigy's
 * `source` (the model) and `score`, and `origin` ("prediction" or "prediction-changed").
 */
export function exportJsonlSpans(
  records: readonly NerExportRecord[],
  options: Partial<TextLayout> = {},
): string {
  const out = records.map((record, index) => {
    const length = new OffsetMap(record.text).codePointLength;
    for (const span of record.spans) {
      if (span.start < 0 || span.end > length || span.end <= span.start) {
        throw new DatasetExportError(
          index,
          `span [${span.start}, ${span.end}) ${span.label} is outside the text (0..${length})`,
        );
      }
    }
    const row: Record<string, unknown> = {};
    if (record.id !== undefined) row.id = record.id;
    row.text = record.text;
    row.spans = record.spans.map(({ start, end, label, provenance }) => {
      const span: Record<string, unknown> = { start, end, label };
      if (provenance && provenance.origin !== 'manual') {
        if (provenance.model !== undefined) span.source = provenance.model;
        if (provenance.score !== undefined) span.score = provenance.score;
        span.origin = provenance.origin;
      }
      return span;
    });
    if (record.status !== undefined) {
      if (isKnownExample(record)) row.answer = 'accept';
      row.status = record.status;
    }
    return `${JSON.stringify(row)}\n`;
  });
  return applyLayout(out.join(''), options);
}
