/**
 * The streaming import API shared by every format. A reader is an iterable of records that parses
 * lazily, so the main side can insert rows while it reads (one transaction, progress events, cancel
 * by leaving the loop). After the loop, `result()` gives counts, warnings and layout.
 *
 *   const reader = parseCharPerLine(text, { file: 'msra_test_bio.txt' });
 *   for (const record of reader) { insert(record); report(reader.progress); }
 *   const { counts, warnings } = reader.result();
 *
 * A malformed file throws DatasetFormatError from inside the loop; callers roll back what they inserted.
 */
import {
  readSource,
  WarningCollector,
  type DatasetInput,
  type DecodeOptions,
  type SourceText,
} from './source';
import type {
  DatasetCounts,
  DatasetFormat,
  DatasetImportResult,
  DatasetTask,
  ImportProgress,
  ImportWarning,
  SourceLayout,
  TaskRecordMap,
} from './types';
import { DATASET_FORMAT_TASK } from './types';

export interface ReaderOptions extends DecodeOptions {
  /** File name used in warnings and errors. */
  file?: string;
  /**
   * Texts longer than this many chars (tokens for token-per-line files) are reported: the model window
   * is 512 tokens with [CLS] and [SEP]. They are kept whole; inference splits them. Default 510.
   */
  maxLength?: number;
  /**
   * Renames labels / entity types while reading, e.g. `{ goverment: 'government' }` (CLUENER's
   * official README and prediction files misspell the dev file's type). Counts use the new names.
   */
  labelAliases?: Readonly<Record<string, string>>;
}

export interface ReaderContext {
  /** Formats that cover two tasks (TSV, JSON records) settle theirs after sniffing the content. */
  format: DatasetFormat;
  readonly source: SourceText;
  readonly warnings: WarningCollector;
  readonly counts: DatasetCounts;
  /** Format-specific layout; starts as the text layout and may be replaced by a richer one. */
  layout: SourceLayout;
  /** UTF-16 offset of the parse position in `source.text`, for progress. */
  position: number;
  readonly maxLength: number;
  /** Applies `labelAliases` (identity when none). */
  readonly label: (raw: string) => string;
}

export type ReaderBody<T extends DatasetTask> = (
  context: ReaderContext,
) => Generator<TaskRecordMap[T], void, undefined>;

export const DEFAULT_MAX_LENGTH = 510;

export class DatasetReader<T extends DatasetTask> implements Iterable<TaskRecordMap[T]> {
  readonly file: string;
  private readonly context: ReaderContext;
  private readonly body: ReaderBody<T>;
  private started = false;
  private finished = false;

  constructor(format: DatasetFormat, input: DatasetInput, options: ReaderOptions, body: ReaderBody<T>) {
    this.file = options.file ?? 'dataset';
    const warnings = new WarningCollector(this.file);
    const source = readSource(input, this.file, warnings, options);
    this.context = {
      format,
      source,
      warnings,
      counts: { records: 0, skipped: 0 },
      layout: source.layout,
      position: 0,
      maxLength: options.maxLength ?? DEFAULT_MAX_LENGTH,
      label: aliasFunction(options.labelAliases, warnings),
    };
    this.body = body;
  }

  /** The format; for TSV/JSON records it is final only once the first record was read. */
  get format(): DatasetFormat {
    return this.context.format;
  }

  get task(): T {
    return DATASET_FORMAT_TASK[this.context.format] as T;
  }

  /** Warnings so far (complete after the last record). */
  get warnings(): ImportWarning[] {
    return this.context.warnings.list();
  }

  get progress(): ImportProgress {
    const total = this.context.source.text.length;
    return {
      done: this.finished ? total : Math.min(this.context.position, total),
      total,
      records: this.context.counts.records,
    };
  }

  *[Symbol.iterator](): Generator<TaskRecordMap[T], void, undefined> {
    if (this.started)
      throw new Error(`${this.file}: a dataset reader can be iterated only once; create a new one`);
    this.started = true;
    for (const record of this.body(this.context)) {
      this.context.counts.records++;
      yield record;
    }
    this.finished = true;
  }

  /** Counts, warnings and layout; only after the records were fully iterated. */
  result(): Omit<DatasetImportResult<T>, 'records'> {
    if (!this.finished) throw new Error(`${this.file}: read all records before asking for the import result`);
    return {
      file: this.file,
      format: this.format,
      task: this.task,
      counts: this.context.counts,
      warnings: this.context.warnings.list(),
      layout: this.context.layout,
    };
  }

  /** Reads everything into memory: all records or a DatasetFormatError, never a partial result. */
  readAll(): DatasetImportResult<T> {
    const records = [...this];
    return { ...this.result(), records };
  }
}

function aliasFunction(
  aliases: Readonly<Record<string, string>> | undefined,
  warnings: WarningCollector,
): (raw: string) => string {
  if (!aliases || Object.keys(aliases).length === 0) return (raw) => raw;
  return (raw) => {
    const renamed = Object.hasOwn(aliases, raw) ? aliases[raw] : undefined;
    if (renamed === undefined || renamed === raw) return raw;
    warnings.add(
      `renamed-label:${raw}`,
      0,
      (n) =>
        `${n} label${n > 1 ? 's' : ''} ${JSON.stringify(raw)} renamed to ${JSON.stringify(renamed)} (label aliases)`,
      'info',
    );
    return renamed;
  };
}

/** Splits text into lines lazily; `line` is 1-based, `offset` the UTF-16 offset of the line start. */
export function* lines(
  text: string,
): Generator<{ line: number; offset: number; content: string }, void, undefined> {
  let offset = 0;
  let line = 1;
  while (offset < text.length) {
    let end = text.indexOf('\n', offset);
    if (end < 0) end = text.length;
    yield { line, offset, content: text.slice(offset, end) };
    offset = end + 1;
    line++;
  }
}

/** Adds `n` to a counter map. */
export function bump(map: Record<string, number>, key: string, n = 1): void {
  map[key] = (map[key] ?? 0) + n;
}

/** Reports texts over the model window. */
export function checkLength(context: ReaderContext, length: number, line: number, unit = 'chars'): void {
  if (length > context.maxLength) {
    const max = context.maxLength;
    context.warnings.add(
      'too-long',
      line,
      (n) =>
        `${n} text${n > 1 ? 's are' : ' is'} longer than ${max} ${unit} (the model window); kept whole, inference splits ${n > 1 ? 'them' : 'it'} into windows`,
      'info',
    );
  }
}
