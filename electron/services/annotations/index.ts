/**
 * Annotation edits on stored examples (service.ts says how the layers and the history work): span edits,
 * adjudication and status (edits.ts), model suggestions (modelSuggestions.ts) and each annotator's
 * decisions on them (decisions.ts), per-annotator undo/redo history (history.ts), example views (views.ts)
 * over the rows and span rules (rows.ts).
 */
export { AnnotationService } from './service';
export type { PredictedSpan } from './modelSuggestions';
export { decisionRowsFor, type DecisionRow } from './decisions';
export { exampleColumns } from './rows';
export { readExampleView, readExampleViews, toExampleViews } from './views';
