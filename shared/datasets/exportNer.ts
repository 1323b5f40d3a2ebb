/** One entry point for writing NER examples in any supported format. */
import { exportCharPerLine, type CharPerLineExportOptions } from './charPerLine';
import { exportCluener } from './cluener';
import { exportErnieTsv, type ErnieTsvExportOptions } from './ernieTsv';
import { exportJsonlSpans } from './jsonlSpans';
import { exportLabelStudio, type LabelStudioExportOptions } from './labelStudio';
import type { NerExample } from './types';

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

/** Throws DatasetExportError (with the record number) for a record the format cannot hold. */
export function exportNer(
  records: readonly NerExample[],
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
