/**
 * A dataset file that cannot be imported. The import is all-or-nothing: when this is thrown no records
 * are returned, and the message says where (file:line:column), what was expected and what was found.
 */
export class DatasetFormatError extends Error {
  override name = 'DatasetFormatError';
  readonly file: string;
  /** 1-based line, 0 when the problem concerns the whole file. */
  readonly line: number;
  /** 1-based column in UTF-16 code units, when useful. */
  readonly column: number | undefined;
  readonly expected: string;
  readonly found: string | undefined;

  constructor(args: {
    file: string;
    line: number;
    column?: number;
    expected: string;
    found?: string;
    hint?: string;
  }) {
    const where =
      args.line > 0 ? `${args.file}:${args.line}${args.column ? `:${args.column}` : ''}` : args.file;
    const found = args.found !== undefined ? `, found ${args.found}` : '';
    const hint = args.hint ? ` ${args.hint}` : '';
    super(`${where}: expected ${args.expected}${found}.${hint}`);
    this.file = args.file;
    this.line = args.line;
    this.column = args.column;
    this.expected = args.expected;
    this.found = args.found;
  }

  /** Plain data for an IPC error envelope (Error fields are not enumerable). */
  toJSON(): {
    name: string;
    message: string;
    file: string;
    line: number;
    column?: number;
    expected: string;
    found?: string;
  } {
    return {
      name: this.name,
      message: this.message,
      file: this.file,
      line: this.line,
      column: this.column,
      expected: this.expected,
      found: this.found,
    };
  }
}

/** A record that cannot be written in the requested export format (e.g. overlapping spans in BIO). */
export class DatasetExportError extends Error {
  override name = 'DatasetExportError';
  /** 0-based index of the offending record. */
  readonly recordIndex: number;

  constructor(recordIndex: number, message: string) {
    super(`record #${recordIndex + 1}: ${message}`);
    this.recordIndex = recordIndex;
  }
}

/** Shows a short piece of source text in an error message, with control chars made visible. */
export function quoteSnippet(text: string, max = 40): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}
