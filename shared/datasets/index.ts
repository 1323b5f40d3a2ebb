/**
 * Dataset importers and exporters, over strings and bytes (platform-neutral).
 *
 * - `importDataset(input, { file })`: detect the format, read everything → records, counts, warnings,
 *   layout; a malformed file throws `DatasetFormatError` (file:line:column) and returns nothing.
 * - `openDataset(...)` / `parseCharPerLine(...)` etc.: the same as a lazy iterable with `progress`, for
 *   inserting large corpora in one transaction with progress and cancel.
 * - `exportNer(records, format, layout?)`: char-per-line BIO/BIOES, ERNIE TSV, CLUENER, JSONL spans,
 *   Label Studio. Passing an import's `layout` reproduces the source file.
 * - `tagsToSpans` / `spansToTags` for BIO, IOB1, BIOES, BMES, IO.
 */
export * from './types';
export { DatasetExportError, DatasetFormatError } from './errors';
export {
  OffsetMap,
  codePointLength,
  codePointToUtf16,
  isBmpOnly,
  spanText,
  spansFromUtf16,
  spansToUtf16,
  utf16ToCodePoint,
} from './offsets';
export {
  detectTagScheme,
  parseTag,
  sortSpans,
  spansToTags,
  tagsToSpans,
  type InvalidTag,
  type ParsedTag,
} from './tags';
export { DatasetReader, DEFAULT_MAX_LENGTH, type ReaderOptions } from './reader';
export type { DatasetInput } from './source';
export { detectFormat, type DetectedFormat } from './detect';
export { importDataset, openDataset, type ImportOptions } from './importDataset';
export {
  parseCharPerLine,
  exportCharPerLine,
  type CharPerLineOptions,
  type CharPerLineExportOptions,
} from './charPerLine';
export {
  parseErnieTsv,
  exportErnieTsv,
  type ErnieTsvLayout,
  type ErnieTsvOptions,
  type ErnieTsvExportOptions,
} from './ernieTsv';
export { parseCluener, exportCluener } from './cluener';
export { parseJsonlSpans, exportJsonlSpans, type JsonlSpansOptions } from './jsonlSpans';
export {
  parseLabelStudio,
  exportLabelStudio,
  type LabelStudioOptions,
  type LabelStudioExportOptions,
} from './labelStudio';
export { parseTsv, type TsvOptions } from './tsvRecords';
export { parseJsonRecords } from './jsonRecords';
export { parseSquad } from './squad';
export { parseC3 } from './c3';
export { findSharedRecords, recordKey, type SharedRecord } from './overlap';
export {
  exportNer,
  isKnownExample,
  NER_EXPORT_EXTENSIONS,
  NER_EXPORT_FORMATS,
  NER_STATUS_FORMATS,
  planNerExport,
  type NerExportFormat,
  type NerExportOptions,
  type NerExportPlan,
  type NerExportSelection,
} from './exportNer';
export {
  defaultLabelMapping,
  entityTypesOfModelLabels,
  labelMappingProblems,
  labelsMatchExactly,
  needsLabelMapping,
  mapSuggestions,
  type LabelMapping,
} from './labelMapping';
