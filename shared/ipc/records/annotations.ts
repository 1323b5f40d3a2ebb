/**
 * Annotation records of the dataset store (issue 5): examples, their spans, labels and the edits and
 * filters the channels take. Offsets count Unicode CODE POINTS, end exclusive.
 */
import { z } from 'zod';

export const exampleStatusSchema = z.enum(['unannotated', 'in-progress', 'done']);
export type ExampleStatus = z.infer<typeof exampleStatusSchema>;

/** gold: came with the imported file; annotator: made or accepted by a person; model: a suggestion. */
export type AnnotationSource = 'gold' | 'model' | 'annotator';

/**
 * How an annotator span came to be: typed by a person, a model suggestion accepted as it was, or one
 * accepted with a change (relabelled). The last two keep the suggestion's `score` and `checkpointId`.
 */
export type SpanOrigin = 'manual' | 'prediction' | 'prediction-changed';

/** An annotator's decision on a model suggestion; a suggestion with no decision is pending for them. */
export type SuggestionDecision = 'accepted' | 'rejected';

export interface SuggestionDecisionRecord {
  author: string;
  decision: SuggestionDecision;
}

export interface AnnotationSpan {
  id: number;
  start: number;
  end: number;
  label: string;
  source: AnnotationSource;
  author: string | null;
  /** Model confidence (0..1) for model spans; null otherwise. */
  score: number | null;
  /** The checkpoint that predicted a model span (or the suggestion an annotator span was accepted from). */
  checkpointId: string | null;
  createdAt: string;
  /** Annotator spans: manual or accepted from a suggestion (see SpanOrigin); null/absent for gold and model. */
  origin?: SpanOrigin | null;
  /**
   * Model spans: each annotator's decision on this suggestion (matched by checkpoint, range and label, so
   * it survives the model running again). No entry for an annotator: still pending for them.
   */
  decisions?: SuggestionDecisionRecord[];
}

export interface LabelDefinition {
  name: string;
  /** CSS colour, "#rrggbb". */
  color: string;
  /**
   * The key the person chose for this label ("0".."9" or a letter, through labels.update); null when none,
   * and the Annotate view assigns a key that is stable per label name (views/annotate/labelHotkeys.ts).
   */
  hotkey: string | null;
  /** Order in the label bar. */
  position: number;
}

export interface ExampleView {
  id: number;
  datasetId: string;
  /** 0-based position in the dataset (file order). */
  index: number;
  text: string;
  split: string | null;
  status: ExampleStatus;
  /** Increases with every change to the example's spans or status. */
  revision: number;
  updatedAt: string | null;
  /** The working annotation: gold and annotator spans, sorted by start. Never overlapping. */
  spans: AnnotationSpan[];
  /**
   * Model suggestions of every checkpoint, sorted by start (may overlap `spans`), each with the annotators'
   * decisions on it: the renderer shows one annotator the pending ones of the picked checkpoint.
   */
  modelSpans: AnnotationSpan[];
  /** Model uncertainty stored with the last predictions (higher = less sure); null before any. */
  uncertainty: number | null;
  /** The checkpoint whose predictions set `uncertainty` (the resume state of background pre-annotation); null before any. */
  predictedBy: string | null;
  /** For classification / pair / QA / MC datasets: the imported record as it was read. */
  record: unknown;
  /** Anyone has an edit of this example to undo / redo; the Annotate view uses its annotator's own (below). */
  canUndo: boolean;
  canRedo: boolean;
  /** The annotators with an edit to undo / redo here (undo and redo act on one's own edits only). */
  undoAuthors?: string[];
  redoAuthors?: string[];
  /**
   * Who marked the example done (each annotator's own "done"; `status` is the example's one value). A team
   * server shows an annotator the status of their own work from it.
   */
  submittedBy?: string[];
}

export interface ExamplePage {
  /** Examples matching the filter (all pages). */
  total: number;
  offset: number;
  items: ExampleView[];
}

/** A span's position in its example's text (code points, end exclusive). */
export const spanRangeSchema = z.object({
  start: z.number().int().nonnegative(),
  end: z.number().int().positive(),
});
export const labelNameSchema = z.string().min(1).max(100);

/** One edit of `annotations.apply`; spans are addressed by id (from ExampleView.spans). */
export const annotationOpSchema = z.discriminatedUnion('op', [
  spanRangeSchema.extend({ op: z.literal('add'), label: labelNameSchema }).strict(),
  z.object({ op: z.literal('remove'), spanId: z.number().int().positive() }).strict(),
  z
    .object({ op: z.literal('relabel'), spanId: z.number().int().positive(), label: labelNameSchema })
    .strict(),
]);
export type AnnotationOp = z.infer<typeof annotationOpSchema>;

export const exampleFilterSchema = z
  .object({
    status: exampleStatusSchema.optional(),
    /** Substring of the example text. */
    text: z.string().min(1).max(500).optional(),
    /** Substring of an entity's text (working or model spans), optionally with `label`. */
    entityText: z.string().min(1).max(500).optional(),
    /** Examples with at least one span of this label (working or model). */
    label: labelNameSchema.optional(),
    /** Model suggestions differ from the working annotation (exact span + label match). */
    disagreement: z.boolean().optional(),
    /** Examples with a model span whose score is below this. */
    lowConfidenceBelow: z.number().min(0).max(1).optional(),
    /** Examples not marked done (unannotated or in progress). */
    undone: z.boolean().optional(),
    /** Examples whose stored predictions do not come from this checkpoint (none yet, or another one's). */
    notPredictedBy: z.string().min(1).max(200).optional(),
    /**
     * A team annotator's own examples: those their queue leased to them (lease still running) and those they
     * edited. A team server sets it to the account for every annotator's list.
     */
    assignedTo: z.string().min(1).max(200).optional(),
  })
  .strict();
export type ExampleFilter = z.infer<typeof exampleFilterSchema>;
