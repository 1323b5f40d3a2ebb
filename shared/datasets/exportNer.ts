/** One entry point for writing NER examples in any supported format. */
import { exportCharPerLine, type CharPerLineExportOptions } from './charPerLine';
import { exportCluener } from './cluener';
import { exportErnieTsv, type ErnieTsvExportOptions } from './ernieTsv';
import { exportJsonlSpans } from './jsonlSpans';
import { exportLabelStudio, type LabelStudioExportOptions } from './labelStudio';
import { isKnownExample } from './knownExamples';
import type { NerExportRecord } from './types';

export { isKnownExample };

export type NerExportFormat = 'char-per-line' | 'ernie-tsv' | 'cluener' | 'jsonl-spans' | 'label-studio';

export type NerExportOptions = CharPerLineExportOptions & ErnieTsvExportOptions & LabelStudioExportOptions;

export const NER_EXPORT_FORMATS: readonly NerExportFormat[] = [
  'char-per-line',
  'ernie-tsv',
  'cluener',
  'jsonl-spans',
  'label-studio',
];

/** Conventional file extension per export format. */
export const NER_EXPORT_EXTENSIONS: Readonly<Record<NerExportFormat, string>> = {
  'char-per-line': '.txt',
  'ernie-tsv': '.tsv',
  cluener: '.json',
  'jsonl-spans': '.jsonl',
  'label-studio': '.json',
};

/** Formats that carry a per-example status (and so can hold examples that are not done, marked). */
export const NER_STATUS_FORMATS: readonly NerExportFormat[] = ['jsonl-spans', 'label-studio'];

/** Which examples an export writes: the known ones (the default), or all of them with their status. */
export type NerExportSelection = 'done' | 'all';

export interface NerExportPlan {
  records: NerExportRecord[];
  /** Examples left out ("done only": not done and not annotated by the imported file). */
  skipped: number;
  /** Written examples nobody ever looked at (status "unannotated"). */
  unseen: number;
  /** Written examples edited but not finished (status "in-progress"). */
  unfinished: number;
  /** For formats without a status: what the file cannot tell apart; null when nothing is ambiguous. */
  warning: string | null;
}

/**
 * Picks the records an export writes and says what the file will not show: "done only" keeps the known
 * examples; "all" keeps every one, and for formats without a status (BIO, BIOES, ERNIE TSV, CLUENER)
 * warns how many sentences were never looked at (all-O there, like a checked sentence with no entities).
 */
export function planNerExport(
  records: readonly NerExportRecord[],
  format: NerExportFormat,
  selection: NerExportSelection,
): NerExportPlan {
  const kept = selection === 'done' ? records.filter(isKnownExample) : [...records];
  const unseen = kept.filter((r) => r.status === 'unannotated').length;
  const unfinished = kept.filter((r) => r.status === 'in-progress').length;
  let warning: string | null = null;
  if (!NER_STATUS_FORMATS.includes(format) && unseen + unfinished > 0) {
    const parts = [
      unseen > 0 &&
        `${unseen.toLocaleString('en-US')} of ${kept.length.toLocaleString('en-US')} sentences were never looked at ` +
          `(written with no entities, like sentences checked and found empty)`,
      unfinished > 0 && `${unfinished.toLocaleString('en-US')} are unfinished (in progress)`,
    ].filter(Boolean);
    warning = `${parts.join('; ')}. ${format} cannot say so: export "done only", or JSONL spans / Label Studio, which carry the status.`;
  }
  return { records: kept, skipped: records.length - kept.length, unseen, unfinished, warning };
}

/** Throws DatasetExportError (with the record number) for a record the format cannot hold. */
export function exportNer(
  records: readonly NerExportRecord[],
  format: NerExportFormat,
  options: NerExportOptions = {},
): string {
  switch (format) {
    case 'char-per-line':
      return exportCharPerLine(records, options);
    case 'ernie-tsv':
      return exportErnieTsv(records, options);
    case 'cluener':
      return exportCluener(records, options);
    case 'jsonl-spans':
      return exportJsonlSpans(records, options);
    case 'label-studio':
      return exportLabelStudio(records, options);
  }
}
