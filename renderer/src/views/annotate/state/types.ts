/**
 * The Annotate store's state, one interface per concern (the list, the edits, the model in the loop), and
 * the pure rules the store applies (which query filter a quick filter means, which spans the annotator sees).
 */
import type {
  AnnotateSession,
  CheckpointRecord,
  DatasetDetail,
  DatasetStats,
  ExampleFilter,
  ExampleView,
  LabelDefinition,
} from '../../../../../shared/ipc';
import type { LabelMapping } from '../../../../../shared/datasets';
import type { PageCache } from '../pageCache';
import type { PreannotateSlice } from './preannotate';
import type { TeamQueueSlice } from './teamQueue';
import type { CaretMove, TextSelection } from '../selection';
import type { UpdateSlice } from './updateTypes';

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
  /**
   * Fetch the list again with the same query (the order changed under it, e.g. new uncertainties), keeping
   * the open example open; its position follows it when it is on the first page.
   */
  refreshList(): Promise<void>;
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

export type LabelMappingState =
  /** No checkpoint, or no dataset open. */
  | { state: 'none' }
  | { state: 'checking'; checkpointId: string; datasetId: string }
  /** The step is shown: `draft` is what the selects say. */
  | {
      state: 'needed';
      checkpointId: string;
      datasetId: string;
      modelTypes: string[];
      draft: LabelMapping;
      problems: string[];
    }
  /** Suggestions may run: `mapping` null means the model's types are the dataset's labels. */
  | {
      state: 'ready';
      checkpointId: string;
      datasetId: string;
      modelTypes: string[];
      mapping: LabelMapping | null;
    }
  | { state: 'error'; checkpointId: string; datasetId: string; message: string };

export interface LabelMappingSlice {
  labelMapping: LabelMappingState;
  /**
   * Decides whether the checkpoint (left out: the last one given) needs a mapping on the open dataset;
   * model.ts calls it on a pick, list.ts when another dataset opens.
   */
  resolveLabelMapping(checkpoint?: Pick<CheckpointRecord, 'id' | 'labels'> | null): Promise<void>;
  setMappingTarget(modelType: string, target: string | null): void;
  /** Stores the draft on the main side and lets suggestions run. */
  confirmLabelMapping(): Promise<void>;
  /** Shows the step again with the active mapping as the draft. */
  editLabelMapping(): void;
}

export interface SessionSlice {
  /** The remembered place; null until `loadSession` answered (or when it failed: nothing is restored). */
  session: AnnotateSession | null;
  sessionLoaded: boolean;
  /** Copying a read-only dataset is under way. */
  copying: boolean;

  /** Fetches the remembered place once per store (later calls get the same answer). */
  loadSession(): Promise<AnnotateSession | null>;
  /** Picks the remembered checkpoint again, once per store, if nothing was picked yet and it is in the list. */
  restoreCheckpoint(taggers: readonly CheckpointRecord[]): Promise<void>;
  /** Records the checkpoint in the loop (null: "No model"). */
  rememberCheckpoint(checkpointId: string | null): void;
  /** Records the open dataset and the open example's index (list.ts calls it on every open and move). */
  rememberPlace(datasetId: string, exampleIndex: number | null): void;
  /** Copies the open (read-only) dataset into a new editable one; resolves with the copy's id. */
  annotateCopy(): Promise<string | null>;
}

export type AnnotateState = ListSlice &
  EditSlice &
  ModelSlice &
  PreannotateSlice &
  UpdateSlice &
  SessionSlice &
  LabelMappingSlice &
  TeamQueueSlice;

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
