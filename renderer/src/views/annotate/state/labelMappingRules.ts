/**
 * The pure rules of the label mapping step (labelMapping.ts): which mapping a prediction of a checkpoint goes
 * through on the open dataset right now. Every prediction path (model.ts: the open example; background
 * pre-annotation) calls `mapPredictions` before it stores spans.
 */
import { mapSuggestions, type LabelMapping } from '../../../../../shared/datasets';
import type { AnnotateState } from './types';

export { mapSuggestions };

/**
 * The mapping a prediction must go through now: null when no mapping is needed, undefined when suggestions
 * must wait (no model, the step is open, or it belongs to another checkpoint or dataset).
 */
export function activeLabelMapping(
  state: Pick<AnnotateState, 'labelMapping' | 'datasetId'>,
  checkpointId: string,
): LabelMapping | null | undefined {
  const m = state.labelMapping;
  if (m.state !== 'ready' || m.checkpointId !== checkpointId || m.datasetId !== state.datasetId)
    return undefined;
  return m.mapping;
}

/** Spans of `checkpointId` as the open dataset stores them (ignored types dropped); null while
 * suggestions must wait (the step is open, or it is for another checkpoint or dataset). */
export function mapPredictions<S extends { label: string }>(
  state: Pick<AnnotateState, 'labelMapping' | 'datasetId'>,
  checkpointId: string,
  spans: readonly S[],
): S[] | null {
  const mapping = activeLabelMapping(state, checkpointId);
  if (mapping === undefined) return null;
  return mapping === null ? [...spans] : mapSuggestions(spans, mapping);
}
