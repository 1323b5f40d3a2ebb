/**
 * Turning an input (bytes or a string) into normalised text, and collecting warnings.
 * Normalisation is limited to what every format treats as noise: a leading BOM is removed and CRLF
 * becomes LF. Both are recorded in the layout (so exports can put them back) and reported.
 */
import { findExcessJsonNesting, MAX_JSON_DEPTH } from '../json/depth';
import { encodingHint } from './encoding';
import { DatasetFormatError } from './errors';
import type { ImportWarning, TextLayout, WarningSeverity } from './types';

export type DatasetInput = string | Uint8Array;

export interface SourceText {
  file: string;
  /** BOM removed, CRLF → LF. */
  text: string;
  layout: TextLayout;
}

const MAX_WARNING_LINES = 5;

/** Aggregates warnings per code, keeping the first few line numbers. */
export class WarningCollector {
  private readonly entries = new Map<
    string,
    {
      severity: WarningSeverity;
      count: number;
      lines: number[];
      /** Occurrences on the listed lines (several can share a line). */
      listed: number;
      describe: (count: number) => string;
    }
  >();

  constructor(readonly file: string) {}

  /**
   * Records one occurrence. `describe(count)` builds the message once at the end, e.g.
   * `(n) => \`${n} rows have raw quotes; kept as text\``.
   */
  add(
    code: string,
    line: number,
    describe: (count: number) => string,
    severity: WarningSeverity = 'warning',
  ): void {
    let entry = this.entries.get(code);
    if (!entry) {
      entry = { severity, count: 0, lines: [], listed: 0, describe };
      this.entries.set(code, entry);
    }
    entry.count++;
    if (line <= 0) return;
    if (entry.lines[entry.lines.length - 1] === line) {
      entry.listed++;
    } else if (entry.lines.length < MAX_WARNING_LINES) {
      entry.lines.push(line);
      entry.listed++;
    }
  }

  count(code: string): number {
    return this.entries.get(code)?.count ?? 0;
  }

  list(): ImportWarning[] {
    const result: ImportWarning[] = [];
    for (const [code, entry] of this.entries) {
      let where = '';
      if (entry.lines.length > 0) {
        const more = entry.count - entry.listed;
        where = ` (${this.file}: line${entry.lines.length > 1 ? 's' : ''} ${entry.lines.join(', ')}${more > 0 ? ` and ${more} more` : ''})`;
      }
      result.push({
        code,
        severity: entry.severity,
        message: `${entry.describe(entry.count)}${where}`,
        count: entry.count,
        file: this.file,
        lines: [...entry.lines],
      });
    }
    return result;
  }
}

export interface DecodeOptions {
  /** TextDecoder label for byte input; default 'utf-8'. Chinese corpora are sometimes 'gb18030'. */
  encoding?: string;
}

/** Decodes bytes strictly (invalid bytes are an error, not U+FFFD) and normalises BOM and CRLF. */
export function readSource(
  input: DatasetInput,
  file: string,
  warnings: WarningCollector,
  options: DecodeOptions = {},
): SourceText {
  let raw: string;
  if (typeof input === 'string') {
    raw = input;
  } else {
    const encoding = options.encoding ?? 'utf-8';
    try {
      raw = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(input);
    } catch (error) {
      if (error instanceof RangeError) {
        throw new DatasetFormatError({
          file,
          line: 0,
          expected: `a text encoding TextDecoder knows, like "utf-8" or "gb18030"`,
          found: JSON.stringify(encoding),
        });
      }
      const at = firstInvalidUtf8(input);
      const line = at < 0 ? 0 : countLines(input, at);
      throw new DatasetFormatError({
        file,
        line,
        expected: `valid ${encoding} text`,
        found:
          at < 0
            ? 'bytes that do not decode'
            : `an invalid byte 0x${input[at].toString(16).padStart(2, '0')} at byte offset ${at}`,
        hint: encodingHint(input, encoding),
      });
    }
  }
  const bom = raw.charCodeAt(0) === 0xfeff;
  if (bom) {
    raw = raw.slice(1);
    warnings.add('bom', 1, () => 'The file starts with a byte order mark (U+FEFF); it was removed', 'info');
  }
  let crlf = 0;
  let lf = 0;
  for (let i = raw.indexOf('\n'); i >= 0; i = raw.indexOf('\n', i + 1)) {
    if (i > 0 && raw.charCodeAt(i - 1) === 0x0d) crlf++;
    else lf++;
  }
  let text = raw;
  if (crlf > 0) {
    text = raw.replace(/\r\n/g, '\n');
    warnings.add(
      'crlf',
      0,
      () => `The file uses Windows line endings (${crlf} CRLF); they were read as LF`,
      'info',
    );
    if (lf > 0) {
      warnings.add(
        'mixed-line-endings',
        0,
        () =>
          `The file mixes ${crlf} CRLF and ${lf} LF line endings; all were read as LF, an export writes ${crlf >= lf ? 'CRLF' : 'LF'} everywhere`,
      );
    }
  }
  const finalNewline = text.length === 0 || text.endsWith('\n');
  return { file, text, layout: { bom, lineEnding: crlf > lf ? 'crlf' : 'lf', finalNewline } };
}

/** Applies a layout (BOM, CRLF, final newline) to LF text produced by an exporter. */
export function applyLayout(textLf: string, layout: Partial<TextLayout>): string {
  let text = textLf;
  if (layout.finalNewline === false && text.endsWith('\n')) text = text.slice(0, -1);
  if (layout.lineEnding === 'crlf') text = text.replace(/\n/g, '\r\n');
  if (layout.bom) text = `\ufeff${text}`;
  return text;
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // Binary search on prefix validity would be wrong at multi-byte boundaries; a linear scan is simple.
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const need =
      b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (need < 0) return i;
    if (need > 0) {
      try {
        decoder.decode(bytes.subarray(i, i + need + 1));
      } catch {
        return i;
      }
    }
    i += need + 1;
  }
  return -1;
}

function countLines(bytes: Uint8Array, end: number): number {
  let line = 1;
  for (let i = 0; i < end; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** Characters that are invisible or control chars inside text and usually come from copy/paste. */
export const SUSPICIOUS_CHARS: ReadonlyArray<{ code: string; char: string; name: string }> = [
  { code: 'feff-in-text', char: '\ufeff', name: 'U+FEFF (zero-width no-break space / stray BOM)' },
  { code: 'backspace-in-text', char: '\b', name: 'U+0008 (backspace control char)' },
  { code: 'zero-width-space', char: '\u200b', name: 'U+200B (zero-width space)' },
  {
    code: 'nul-in-text',
    char: '\u0000',
    name: 'U+0000 (NUL control char; a binary or UTF-16 file read as text?)',
  },
];

/** Reports invisible/control chars inside a text field; the text itself is kept unchanged. */
export function checkSuspiciousChars(text: string, line: number, warnings: WarningCollector): void {
  for (const { code, char, name } of SUSPICIOUS_CHARS) {
    if (text.includes(char)) {
      warnings.add(
        code,
        line,
        (n) =>
          `${n} text field${n > 1 ? 's contain' : ' contains'} ${name}; kept as is (a tokenizer may drop or split on it)`,
      );
    }
  }
}

/** Converts a JSON.parse error message into a line/column in `text` (offset by `lineBase`). */
export function jsonErrorLocation(
  error: unknown,
  text: string,
): { line: number; column: number; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  const lineCol = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lineCol) return { line: Number(lineCol[1]), column: Number(lineCol[2]), message };
  const position = /at position (\d+)/.exec(message);
  if (position) {
    const offset = Number(position[1]);
    let line = 1;
    let lineStart = 0;
    for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    return { line, column: offset - lineStart + 1, message };
  }
  return { line: 0, column: 0, message };
}

/**
 * Parses one JSON document, turning a syntax error into a DatasetFormatError at its line/column, and
 * refusing nesting deeper than MAX_JSON_DEPTH (which would overflow the stack of whatever walks it).
 */
export function parseJson(text: string, file: string, lineBase = 0): unknown {
  const tooDeep = findExcessJsonNesting(text);
  if (tooDeep) {
    throw new DatasetFormatError({
      file,
      line: lineBase + tooDeep.line,
      column: tooDeep.column,
      expected: `JSON nested at most ${MAX_JSON_DEPTH} levels deep`,
      found: 'arrays or objects nested deeper than that',
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const where = jsonErrorLocation(error, text);
    const detail = where.message
      .replace(/\s*\(line \d+ column \d+\)/, '')
      .replace(/ in JSON at position \d+/, '');
    throw new DatasetFormatError({
      file,
      line: lineBase + (where.line || 1),
      column: where.column || undefined,
      expected: 'valid JSON',
      found: `a syntax error (${detail})`,
    });
  }
}

/** 1-based line of a UTF-16 offset, and a cursor that finds JSON strings in document order. */
export class LineLocator {
  private readonly newlines: number[] = [];
  /** UTF-16 offset just after the last string found. */
  cursor = 0;

  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.newlines.push(i);
  }

  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.newlines[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  }

  /** Line of the next occurrence of `value` as a JSON string after the previous find; 0 if not found. */
  next(value: string): number {
    const needle = JSON.stringify(value);
    const at = this.text.indexOf(needle, this.cursor);
    if (at < 0) return 0;
    this.cursor = at + needle.length;
    return this.lineAt(at);
  }
}
