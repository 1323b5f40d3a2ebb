/**
 * `dataset inspect FILE [--format F] [--json]` and `dataset convert FILE --to FORMAT --out OUT [--format F]`
 * (FILE positional or as --file FILE, the flag the other commands use for an input file)
 *
 * Work on files only (no database): inspect reads a file with the shared/datasets importers and prints
 * its format, task, example count, label set with counts (entities per type for NER) and warnings;
 * convert reads a NER file and writes it in another NER format, atomically (temp file + rename).
 */
import { basename, resolve } from 'node:path';
import {
  DatasetExportError,
  DatasetFormatError,
  exportNer,
  importDataset,
  type AnyDatasetImportResult,
  type CharPerLineLayout,
  type NerExportFormat,
  type NerExportOptions,
} from '../../../shared/datasets';
import {
  datasetExportFormatSchema,
  datasetFormatSchema,
  type DatasetExportFormat,
} from '../../../shared/ipc';
import { writeFileAtomically } from '../../services/atomicWrite';
import { readDatasetFile } from '../../services/datasets/readDatasetFile';
import { CliError, parseCommandArgs, type Command } from '../command';

/** What `dataset inspect --json` prints. */
export interface DatasetInspection {
  file: string;
  format: string;
  task: string;
  examples: number;
  /** Source records not returned (each also in a warning). */
  skipped: number;
  /** NER: entities per type; classification / pair / MC: records per label; QA: empty. */
  labels: Record<string, number>;
  /** Other counts of the importer (tokens, tag counts, answers, documents). */
  counts: Record<string, unknown>;
  warnings: { code: string; severity: string; message: string; count: number; lines: number[] }[];
}

const usage = [
  'dataset inspect FILE [--format F] [--json]',
  'dataset convert FILE --to FORMAT --out OUT [--format F]',
  '',
  'FILE can also be given as --file FILE.',
  'inspect: format, task, example count, label set with counts (entities per type for NER) and warnings.',
  'convert: rewrites a NER file in another NER format (written to a temp file, then renamed over OUT).',
  `Input formats (--format; detected when left out): ${datasetFormatSchema.options.join(', ')}.`,
  `Output formats (--to): ${datasetExportFormatSchema.options.join(', ')}.`,
].join('\n');

export const command: Command = {
  name: 'dataset',
  summary: 'inspect a dataset file (format, counts, labels, warnings) or convert between NER formats',
  usage,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(command, args, {
      file: { type: 'string' },
      format: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [sub, ...rest] = positionals;
    if (sub !== 'inspect' && sub !== 'convert') {
      throw new CliError(
        `dataset: expected a subcommand, inspect or convert, got ${sub === undefined ? 'none' : `"${sub}"`}. ` +
          `Usage: ${usage.split('\n').slice(0, 2).join(' | ')}`,
      );
    }
    if (values.file !== undefined && rest.length > 0) {
      throw new CliError(
        `dataset ${sub}: FILE given twice (--file ${values.file} and "${rest[0]}"); pass one. Usage: ${subcommandUsage(sub)}`,
      );
    }
    const [file, ...extra] = values.file !== undefined ? [values.file] : rest;
    if (!file) throw new CliError(`dataset ${sub}: FILE is required. Usage: ${subcommandUsage(sub)}`);
    if (extra.length > 0) {
      throw new CliError(
        `dataset ${sub}: unexpected argument "${extra[0]}" after FILE. Usage: ${subcommandUsage(sub)}`,
      );
    }
    const result = await readDataset(sub, file, values.format);
    if (sub === 'inspect') {
      const inspection = inspect(result);
      if (values.json) context.out(JSON.stringify(inspection, null, 2));
      else context.out(describeInspection(inspection));
      return 0;
    }
    if (!values.to || !values.out) {
      throw new CliError(
        `dataset convert: --${values.to ? 'out' : 'to'} is required. Usage: ${subcommandUsage('convert')}`,
      );
    }
    const to = datasetExportFormatSchema.safeParse(values.to);
    if (!to.success) {
      throw new CliError(
        `dataset convert: --to must be one of ${datasetExportFormatSchema.options.join(', ')}, got "${values.to}"`,
      );
    }
    if (result.task !== 'ner') {
      throw new CliError(
        `dataset convert: ${file} holds ${result.task} records (${result.format}); only NER files can be converted ` +
          `(${datasetFormatSchema.options.slice(0, 5).join(', ')}).`,
      );
    }
    const { format, options } = converterFor(to.data, result);
    let content: string;
    try {
      content = exportNer(result.records, format, options);
    } catch (error) {
      if (error instanceof DatasetExportError) {
        throw new CliError(
          `dataset convert: cannot write ${file} as ${to.data}: ${error.message}. Pick another format (jsonl-spans keeps everything).`,
          { cause: error },
        );
      }
      throw error;
    }
    const out = resolve(values.out);
    await writeAtomically(out, content);
    const entities = result.records.reduce((sum, r) => sum + r.spans.length, 0);
    context.out(
      `Converted ${result.records.length} examples (${entities} entities) from ${result.format} to ${to.data}: ${out}`,
    );
    for (const w of result.warnings) context.err(`warning: ${w.message}`);
    return 0;
  },
};

function subcommandUsage(sub: 'inspect' | 'convert'): string {
  return usage.split('\n')[sub === 'inspect' ? 0 : 1]!;
}

async function readDataset(
  sub: string,
  file: string,
  format: string | undefined,
): Promise<AnyDatasetImportResult> {
  const parsedFormat = format === undefined ? undefined : datasetFormatSchema.safeParse(format);
  if (parsedFormat && !parsedFormat.success) {
    throw new CliError(
      `dataset ${sub}: --format must be one of ${datasetFormatSchema.options.join(', ')}, got "${format}"`,
    );
  }
  let bytes: Uint8Array;
  try {
    // Regular files only, size-capped: `dataset inspect /dev/zero` is refused, not read forever.
    bytes = (await readDatasetFile(resolve(file))).bytes;
  } catch (error) {
    const message = (error as Error).message.replace(/^Cannot read the dataset file /, 'cannot read ');
    throw new CliError(`dataset ${sub}: ${message}`, { cause: error });
  }
  try {
    return importDataset(bytes, { file: basename(file), format: parsedFormat?.data });
  } catch (error) {
    if (error instanceof DatasetFormatError) {
      throw new CliError(`dataset ${sub}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

export function inspect(result: AnyDatasetImportResult): DatasetInspection {
  const { records, skipped, entities, labels, ...rest } = result.counts;
  return {
    file: result.file,
    format: result.format,
    task: result.task,
    examples: records,
    skipped,
    labels: sortedCounts((result.task === 'ner' ? entities : labels) ?? {}),
    counts: rest,
    warnings: result.warnings.map(({ code, severity, message, count, lines }) => ({
      code,
      severity,
      message,
      count,
      lines,
    })),
  };
}

function describeInspection(i: DatasetInspection): string {
  const lines = [
    `${i.file}: ${i.format} (${i.task}), ${i.examples} examples${i.skipped ? `, ${i.skipped} skipped` : ''}`,
  ];
  const labelEntries = Object.entries(i.labels);
  if (labelEntries.length > 0) {
    lines.push(
      `${i.task === 'ner' ? 'Entities' : 'Labels'}: ${labelEntries.map(([k, v]) => `${k} ${v}`).join(', ')}`,
    );
  }
  for (const w of i.warnings) lines.push(`warning (${w.code}): ${w.message}`);
  if (i.warnings.length === 0) lines.push('No warnings.');
  return lines.join('\n');
}

/** Largest count first, then by name (a stable order for the label set). */
function sortedCounts(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counts).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** Same mapping as the store's export: the source layout is kept when writing the format it came in. */
function converterFor(
  requested: DatasetExportFormat,
  result: AnyDatasetImportResult,
): { format: NerExportFormat; options: NerExportOptions } {
  if (requested === 'char-per-line-bio' || requested === 'char-per-line-bioes') {
    const scheme = requested === 'char-per-line-bio' ? 'BIO' : 'BIOES';
    const options: NerExportOptions =
      result.format === 'char-per-line' ? { ...(result.layout as CharPerLineLayout), scheme } : { scheme };
    return { format: 'char-per-line', options };
  }
  return { format: requested, options: result.format === requested ? { ...result.layout } : {} };
}

async function writeAtomically(path: string, content: string): Promise<void> {
  try {
    await writeFileAtomically(path, content);
  } catch (error) {
    throw new CliError(
      `dataset convert: cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. ` +
        'Check that the folder exists and is writable.',
      { cause: error },
    );
  }
}
