/**
 * Dataset records as they cross IPC and go into the dataset store. Plain JSON-serialisable data only.
 *
 * Offsets in NER spans and QA answers count Unicode CODE POINTS (what Python's `str` indexes, and what
 * CLUENER, Prodigy and SQuAD files use), end exclusive. JS strings index UTF-16 code units, so a UI that
 * slices `text` must convert with the helpers in `offsets.ts` (they differ only after a non-BMP char).
 */

/** A labelled entity: `[start, end)` in code points of the example's text. */
export interface EntitySpan {
  start: number;
  end: number;
  label: string;
}

/**
 * One NER example. `spans` keep the order the source file gave them (CLUENER groups them by type);
 * use `sortSpans` for a canonical order. Character-per-line sources give them sorted by start.
 */
export interface NerExample {
  text: string;
  spans: EntitySpan[];
  /** Source id where the format has one (Label Studio task id, JSONL `id`). */
  id?: string;
  /**
   * How far the example was annotated, where the file says (JSONL `status`, Label Studio `meta.status`, as
   * this app's "all with status" exports write them); absent for formats without one.
   */
  status?: NerExampleStatus;
}

/**
 * done: a person finished it; in-progress: edited, not finished; unannotated: never looked at; imported:
 * the annotation came with an annotated file (a gold corpus) and was not reviewed here.
 */
export type NerExampleStatus = 'done' | 'in-progress' | 'unannotated' | 'imported';

/** Where a span of an export came from (the JSONL `source`, Label Studio `origin`). */
export interface SpanProvenance {
  origin: 'manual' | 'prediction' | 'prediction-changed';
  /** The model (checkpoint name) that suggested it; absent for manual spans. */
  model?: string;
  score?: number;
}

/** A span as exporters take it: with its provenance where the store knows it. */
export interface ExportSpan extends EntitySpan {
  provenance?: SpanProvenance;
}

/** One model's suggestions on an example (Label Studio `predictions`). */
export interface ModelPrediction {
  /** Model version: the checkpoint's name. */
  model: string;
  spans: (EntitySpan & { score: number })[];
}

/** A NER example with what an export can say beyond the spans: status, provenance, model predictions. */
export interface NerExportRecord extends NerExample {
  spans: ExportSpan[];
  predictions?: ModelPrediction[];
  /** The example came with its annotation in an annotated file (a gold corpus): known whatever its status. */
  fromAnnotatedFile?: boolean;
}

/** Single-text classification (ChnSentiCorp, TNEWS ...). */
export interface ClassificationExample {
  text: string;
  label: string;
  id?: string;
}

/** Sentence pair classification / NLI (LCQMC, XNLI, OCNLI, AFQMC ...). */
export interface PairExample {
  textA: string;
  textB: string;
  label: string;
  id?: string;
}

/** One answer of an extractive QA question; `start` is in code points, -1 when the text is not in the context. */
export interface QaAnswer {
  text: string;
  start: number;
}

/** SQuAD-style extractive QA (CMRC 2018): one record per question. */
export interface QaExample {
  id: string;
  context: string;
  question: string;
  answers: QaAnswer[];
  title?: string;
}

/** Multiple-choice reading comprehension (C3): one record per question. */
export interface McExample {
  /** Document sentences joined with "\n" (C3's own baseline joins them the same way). */
  context: string;
  question: string;
  choices: string[];
  /** Index into `choices` of the correct answer. */
  answer: number;
  /** Document id (C3's third array element). */
  id?: string;
}

export type DatasetTask = 'ner' | 'classification' | 'pair' | 'qa' | 'mc';

export interface TaskRecordMap {
  ner: NerExample;
  classification: ClassificationExample;
  pair: PairExample;
  qa: QaExample;
  mc: McExample;
}

export type DatasetExample = TaskRecordMap[DatasetTask];

/**
 * Tagging schemes understood by `tagsToSpans` / `spansToTags`. BMES is BIOES with M for I; BIOS is BIO
 * with S- for single-character entities (CLUENER's PyTorch baseline).
 */
export type TagScheme = 'BIO' | 'IOB1' | 'BIOES' | 'BMES' | 'BIOS' | 'IO';

export type DatasetFormat =
  /** `char tag` / `char<TAB>tag` per line, blank line between sentences (also token-per-line CoNLL). */
  | 'char-per-line'
  /** ERNIE / PaddleNLP TSV: `text_a<TAB>label`, chars and tags joined by U+0002. */
  | 'ernie-tsv'
  /** CLUENER2020 JSON lines: `{"text", "label": {type: {entity: [[start, endInclusive]]}}}`. */
  | 'cluener'
  /** JSON lines `{"text", "spans": [{start, end, label}]}` (Prodigy's export and similar). */
  | 'jsonl-spans'
  /** Label Studio JSON export of a NER (Labels on Text) project. */
  | 'label-studio'
  /** TSV with one text and a label (ChnSentiCorp). */
  | 'tsv-classification'
  /** TSV with two texts and a label (LCQMC, XNLI). */
  | 'tsv-pair'
  /** JSON lines / JSON array of `{sentence|text, label}` (CLUE TNEWS/IFLYTEK style). */
  | 'json-classification'
  /** JSON lines / JSON array of `{sentence1, sentence2, label}` (OCNLI, AFQMC, CMNLI style). */
  | 'json-pair'
  /** SQuAD v1.1 JSON (CMRC 2018, DRCD). */
  | 'squad'
  /** C3 multiple choice JSON. */
  | 'c3';

export const DATASET_FORMAT_TASK: Readonly<Record<DatasetFormat, DatasetTask>> = {
  'char-per-line': 'ner',
  'ernie-tsv': 'ner',
  cluener: 'ner',
  'jsonl-spans': 'ner',
  'label-studio': 'ner',
  'tsv-classification': 'classification',
  'tsv-pair': 'pair',
  'json-classification': 'classification',
  'json-pair': 'pair',
  squad: 'qa',
  c3: 'mc',
};

export type WarningSeverity = 'info' | 'warning';

/** One kind of quirk found in a file, aggregated: how many times, and where the first few are. */
export interface ImportWarning {
  /** Stable machine-readable code, e.g. "invalid-bio", "bom", "crlf", "duplicate". */
  code: string;
  severity: WarningSeverity;
  /** What was found, how it was handled, where the first occurrences are. */
  message: string;
  count: number;
  file: string;
  /** 1-based line numbers of the first occurrences (at most 5). */
  lines: number[];
}

/** How the source text was laid out, so an export can reproduce the bytes. */
export interface TextLayout {
  /** The file started with a U+FEFF byte order mark (removed before parsing). */
  bom: boolean;
  /** Line ending of the file (CRLF is turned into LF before parsing). */
  lineEnding: 'lf' | 'crlf';
  /** The file's last line ends with a line ending. */
  finalNewline: boolean;
}

export interface CharPerLineLayout extends TextLayout {
  /** Separator between the char/token and its tag. */
  separator: ' ' | '\t';
  scheme: TagScheme;
  /**
   * 'char': one character per line, joined without spaces (Chinese corpora).
   * 'token': one token per line, joined with single spaces (CoNLL / WNUT English); spans cover the joined text.
   */
  unit: 'char' | 'token';
  /** The last sentence is followed by a blank line ("\n\n" at the end of the file). */
  trailingBlankLine: boolean;
}

/** Layout facts of TSV-like files. */
export interface TsvLayout extends TextLayout {
  /** The first line is a header (its column names). */
  header: string[] | null;
}

export type SourceLayout = TextLayout | CharPerLineLayout | TsvLayout;

/** Per-file counts. Fields that do not apply to a task are absent. */
export interface DatasetCounts {
  /** Records returned (sentences, rows, questions). */
  records: number;
  /** Source records not returned (e.g. OCNLI "-" labels, Prodigy rejects); each one is also in a warning. */
  skipped: number;
  /** NER: chars (or tokens for token-per-line files) over all records. */
  tokens?: number;
  /** NER character-per-line / ERNIE: count of each tag as written in the file. */
  tags?: Record<string, number>;
  /** NER: entity count per type (after repairing invalid tag sequences). */
  entities?: Record<string, number>;
  /** Classification / pair / MC: count per label. MC counts the number of choices ("4 choices"). */
  labels?: Record<string, number>;
  /** QA: number of answers; MC: number of documents; other tasks absent. */
  answers?: number;
  documents?: number;
}

export interface DatasetImportResult<T extends DatasetTask = DatasetTask> {
  file: string;
  format: DatasetFormat;
  task: T;
  records: TaskRecordMap[T][];
  counts: DatasetCounts;
  warnings: ImportWarning[];
  layout: SourceLayout;
}

/** An import result whose `task` narrows `records` (switch on `result.task`). */
export type AnyDatasetImportResult = { [T in DatasetTask]: DatasetImportResult<T> }[DatasetTask];

/** Progress of a streaming import, in UTF-16 code units of the decoded input. */
export interface ImportProgress {
  done: number;
  total: number;
  records: number;
}
