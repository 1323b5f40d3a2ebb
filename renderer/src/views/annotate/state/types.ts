/**
 * The Annotate store's state, one interface per concern (the list, the edits, the model in the loop), and
 * the pure rules the store applies (which query filter a quick filter means, which spans the annotator sees).
 */
import type {
  CheckpointRecord,
  DatasetDetail,
  DatasetStats,
  ExampleFilter,
  ExampleView,
  LabelDefinition,
} from '../../../../../shared/ipc';
import type { PageCache } from '../pageCache';
import type { CaretMove, TextSelection } from '../selection';

export type QuickFilter = 'all' | 'unannotated' | 'disagreement' | 'low-confidence';
export type ListOrder = 'index' | 'uncertainty';

export interface ListQuery {
  quick: QuickFilter;
  /** Search words; empty for none. */
  search: string;
  searchIn: 'text' | 'entity';
  order: ListOrder;
}

export type SaveState =
  | { state: 'idle' }
  | { state: 'saving'; pending: number }
  | { state: 'saved'; at: number }
  | { state: 'error'; message: string };

export type ModelState =
  | { state: 'none' }
  | { state: 'loading'; checkpointId: string; message: string }
  | { state: 'ready'; checkpointId: string }
  | { state: 'running'; checkpointId: string }
  | { state: 'error'; checkpointId: string; message: string };

/** Below this model score a suggestion counts as low confidence (filter and highlight). */
export const lowConfidenceThreshold = 0.6;
export const pageSize = 100;
/** Pages of the list kept in memory (least recently used dropped). */
export const maxCachedPages = 12;

/** The open dataset, its paged example list and the open example. */
export interface ListSlice {
  datasetId: string | null;
  dataset: DatasetDetail | null;
  labels: LabelDefinition[];
  stats: DatasetStats | null;
  openError: string | null;
  query: ListQuery;
  /** Examples matching the query (all pages). */
  total: number;
  /**
   * The list's pages. One cache per store for its whole life (mutated in place, never replaced), so only
   * `listVersion` tells components it changed.
   */
  examples: PageCache<ExampleView>;
  /** Bumped whenever the page cache changes, so the list re-renders. */
  listVersion: number;
  /** List position of the open example. */
  position: number;
  current: ExampleView | null;

  open(datasetId: string): Promise<void>;
  setQuery(query: Partial<ListQuery>): Promise<void>;
  ensureRange(from: number, to: number): void;
  goTo(position: number): Promise<void>;
  step(delta: number): Promise<void>;
}

/** The selection, the picked span, and every edit (each one acknowledged write). */
export interface EditSlice {
  selection: TextSelection | null;
  /** The working span whose menu is open (click, or Delete target). */
  pickedSpanId: number | null;
  save: SaveState;

  setSelection(selection: TextSelection | null): void;
  /** `wordStops`: where Ctrl+←/→ stops in the open text (lib/words); without them a word is one character. */
  moveCaret(move: CaretMove, wordStops?: readonly number[] | null): void;
  pickSpan(spanId: number | null): void;
  labelSelection(label: string): Promise<void>;
  relabelSpan(spanId: number, label: string): Promise<void>;
  removeSpan(spanId?: number): Promise<void>;
  undo(): Promise<void>;
  redo(): Promise<void>;
  acceptModel(spanIds?: number[]): Promise<void>;
  rejectModel(spanIds?: number[]): Promise<void>;
  acceptAllAndNext(): Promise<void>;
  markDone(): Promise<void>;
}

/** The checkpoint in the loop: loaded in the inference worker, its suggestions stored per example. */
export interface ModelSlice {
  model: ModelState;
  /** Pre-annotate the open and the next example whenever one is opened. */
  autoPreannotate: boolean;

  pickCheckpoint(checkpoint: CheckpointRecord | null): Promise<void>;
  /** Run the picked checkpoint on these examples and store its suggestions (`force`: again, even if done before). */
  preannotate(examples: ExampleView[], force?: boolean): Promise<void>;
  setAutoPreannotate(on: boolean): void;
}

export type AnnotateState = ListSlice & EditSlice & ModelSlice;

/**
 * The version the given annotator edits: gold spans and their own annotator spans. Another author's
 * spans are hidden (double annotation stays independent; the Review mode shows both) and never block a
 * new span, matching the main side's per-author overlap check.
 */
export function ownVersion(view: ExampleView, author: string): ExampleView {
  const spans = view.spans.filter((s) => s.source !== 'annotator' || s.author === author);
  // Undo and redo step through this annotator's own edits (the main side's history is per author).
  const canUndo = view.undoAuthors ? view.undoAuthors.includes(author) : view.canUndo;
  const canRedo = view.redoAuthors ? view.redoAuthors.includes(author) : view.canRedo;
  if (spans.length === view.spans.length && canUndo === view.canUndo && canRedo === view.canRedo) return view;
  return { ...view, spans, canUndo, canRedo };
}

export function filterFor(query: ListQuery): ExampleFilter | undefined {
  const filter: ExampleFilter = {};
  if (query.quick === 'unannotated') filter.status = 'unannotated';
  if (query.quick === 'disagreement') filter.disagreement = true;
  if (query.quick === 'low-confidence') filter.lowConfidenceBelow = lowConfidenceThreshold;
  const search = query.search.trim();
  if (search) {
    if (query.searchIn === 'entity') filter.entityText = search.slice(0, 500);
    else filter.text = search.slice(0, 500);
  }
  return Object.keys(filter).length ? filter : undefined;
}
