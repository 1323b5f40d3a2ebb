/** One entry point for importing any supported file: detect (or take) the format, then read it. */
import { parseC3 } from './c3';
import { parseCharPerLine, type CharPerLineOptions } from './charPerLine';
import { parseCluener } from './cluener';
import { detectFormat } from './detect';
import { parseErnieTsv } from './ernieTsv';
import { parseJsonRecords } from './jsonRecords';
import { parseJsonlSpans, type JsonlSpansOptions } from './jsonlSpans';
import { parseLabelStudio, type LabelStudioOptions } from './labelStudio';
import type { DatasetReader } from './reader';
import type { DatasetInput } from './source';
import { parseSquad } from './squad';
import { parseTsv, type TsvOptions } from './tsvRecords';
import type { AnyDatasetImportResult, DatasetFormat, DatasetTask } from './types';

export type ImportOptions = CharPerLineOptions &
  JsonlSpansOptions &
  LabelStudioOptions &
  TsvOptions & {
    /** Skip detection and read the file in this format. */
    format?: DatasetFormat;
  };

/** A streaming reader for any format (detected from content and file name unless `format` is given). */
export function openDataset(input: DatasetInput, options: ImportOptions = {}): DatasetReader<DatasetTask> {
  const format = options.format ?? detectFormat(input, options.file, options.encoding).format;
  switch (format) {
    case 'char-per-line':
      return parseCharPerLine(input, options);
    case 'ernie-tsv':
      return parseErnieTsv(input, options);
    case 'cluener':
      return parseCluener(input, options);
    case 'jsonl-spans':
      return parseJsonlSpans(input, options);
    case 'label-studio':
      return parseLabelStudio(input, options);
    case 'tsv-classification':
    case 'tsv-pair':
      return parseTsv(input, options);
    case 'json-classification':
    case 'json-pair':
      return parseJsonRecords(input, options);
    case 'squad':
      return parseSquad(input, options);
    case 'c3':
      return parseC3(input, options);
  }
}

/** Reads a whole file: every record, counts and warnings, or a DatasetFormatError and nothing. */
export function importDataset(input: DatasetInput, options: ImportOptions = {}): AnyDatasetImportResult {
  return openDataset(input, options).readAll() as AnyDatasetImportResult;
}
