/**
 * The Annotate view's store: which dataset and example are open, the paged example list, the selection,
 * the save indicator and the model in the loop. Every edit goes to the main side as one transaction
 * (annotations.apply / undo / redo / acceptModel …) and the view shows what came back, so "Saved" is only
 * ever shown for writes the main side acknowledged.
 *
 * main.tsx creates it once with the app's dependencies (`createAnnotateStore(deps)`); components read it
 * through `AnnotateStore`. Its parts live in state/: the list and paging (list.ts), the edits (edits.ts)
 * and the write queue they share (writes.ts), the model suggestions (model.ts), the background
 * pre-annotation of a whole dataset (preannotate.ts), updating that model from the done examples with its
 * learning curve (update.ts), the remembered place and "Annotate a copy" (session.ts), and the label
 * mapping step (labelMapping.ts), and the team queue on a team server (teamQueue.ts).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { defineViewStore, type ViewStoreDeps } from '../../state/viewStore';
import { createEditSlice } from './state/edits';
import { createLabelMappingSlice } from './state/labelMapping';
import { createListSlice } from './state/list';
import { createModelSlice } from './state/model';
import { createPreannotateSlice } from './state/preannotate';
import { createSessionSlice } from './state/session';
import { createTeamQueueSlice } from './state/teamQueue';
import type { AnnotateState } from './state/types';
import { createUpdateSlice } from './state/update';
import { createAnnotateCore } from './state/writes';

export {
  filterFor,
  lowConfidenceThreshold,
  ownVersion,
  pageSize,
  type AnnotateState,
  type LabelMappingState,
  type ListOrder,
  type ListQuery,
  type ModelState,
  type QuickFilter,
  type SaveState,
} from './state/types';
export type { ModelUpdateState, UpdatePhase } from './state/updateTypes';

export function createAnnotateStore(deps: ViewStoreDeps): StoreApi<AnnotateState> {
  return createStore<AnnotateState>()((set, get) => {
    const core = createAnnotateCore(deps, get, set);
    return {
      ...createListSlice(core),
      ...createEditSlice(core),
      ...createModelSlice(core),
      ...createPreannotateSlice(core),
      ...createUpdateSlice(core),
      ...createSessionSlice(core),
      ...createLabelMappingSlice(core),
      ...createTeamQueueSlice(core),
    };
  });
}

export const AnnotateStore = defineViewStore<AnnotateState>('Annotate');
