/**
 * The label mapping step (issue 12): when the checkpoint in the loop tags entity types that are not the open
 * dataset's labels (the demo model's PER/LOC/ORG on CLUENER's name/address/organization/…), no suggestion is
 * stored or shown until the person maps each model type to a dataset label or to "ignore". Exact names
 * (then case-insensitive ones) start pre-filled; the confirmed mapping is kept per (checkpoint, dataset) on
 * the main side (`labelMappings.*`), so it is asked once. Every prediction path maps its spans through
 * `mapPredictions` (shared/datasets `mapSuggestions` with the active mapping) before saving them.
 */
import {
  defaultLabelMapping,
  entityTypesOfModelLabels,
  labelMappingProblems,
  needsLabelMapping,
} from '../../../../../shared/datasets';
import type { CheckpointRecord } from '../../../../../shared/ipc';
import { preannotateOpen } from './model';
import type { LabelMappingSlice, LabelMappingState } from './types';
import type { AnnotateCore } from './writes';

export { activeLabelMapping, mapPredictions } from './labelMappingRules';

export type { LabelMappingSlice, LabelMappingState };

export function createLabelMappingSlice(core: AnnotateCore): LabelMappingSlice {
  const { deps, get, set } = core;
  let token = 0;
  /** The checkpoint the last resolve was for: opening another dataset resolves it again. */
  let lastCheckpoint: Pick<CheckpointRecord, 'id' | 'labels'> | null = null;

  return {
    labelMapping: { state: 'none' },

    async resolveLabelMapping(picked) {
      if (picked !== undefined) lastCheckpoint = picked;
      const checkpoint = lastCheckpoint;
      const request = ++token;
      const { datasetId, dataset, labels } = get();
      if (!checkpoint || !datasetId || !dataset || dataset.id !== datasetId) {
        set({ labelMapping: { state: 'none' } });
        return;
      }
      const base = { checkpointId: checkpoint.id, datasetId };
      const modelTypes = entityTypesOfModelLabels(checkpoint.labels ?? []);
      const datasetLabels = labels.map((l) => l.name);
      if (!needsLabelMapping(modelTypes, datasetLabels)) {
        set({ labelMapping: { state: 'ready', ...base, modelTypes, mapping: null } });
        preannotateOpen(core);
        return;
      }
      set({ labelMapping: { state: 'checking', ...base } });
      try {
        const stored = await deps.api.labelMappings.get(base);
        if (request !== token) return;
        const problems = stored
          ? labelMappingProblems(stored.mapping, modelTypes, datasetLabels)
          : ['none stored'];
        if (stored && problems.length === 0) {
          set({ labelMapping: { state: 'ready', ...base, modelTypes, mapping: stored.mapping } });
          preannotateOpen(core);
          return;
        }
        // A stored mapping that no longer fits (labels renamed, a new model type) is offered as the draft.
        const draft = { ...defaultLabelMapping(modelTypes, datasetLabels) };
        if (stored)
          for (const type of modelTypes)
            if (
              type in stored.mapping &&
              (stored.mapping[type] === null || datasetLabels.includes(stored.mapping[type]!))
            )
              draft[type] = stored.mapping[type];
        set({ labelMapping: { state: 'needed', ...base, modelTypes, draft, problems: [] } });
      } catch (error) {
        if (request === token)
          set({ labelMapping: { state: 'error', ...base, message: (error as Error).message } });
      }
    },

    setMappingTarget(modelType, target) {
      const m = get().labelMapping;
      if (m.state !== 'needed') return;
      set({ labelMapping: { ...m, draft: { ...m.draft, [modelType]: target }, problems: [] } });
    },

    async confirmLabelMapping() {
      const m = get().labelMapping;
      if (m.state !== 'needed') return;
      const problems = labelMappingProblems(
        m.draft,
        m.modelTypes,
        get().labels.map((l) => l.name),
      );
      if (problems.length) {
        set({ labelMapping: { ...m, problems } });
        return;
      }
      const request = ++token;
      try {
        const stored = await deps.api.labelMappings.save({
          checkpointId: m.checkpointId,
          datasetId: m.datasetId,
          mapping: m.draft,
        });
        if (request !== token) return;
        set({
          labelMapping: {
            state: 'ready',
            checkpointId: m.checkpointId,
            datasetId: m.datasetId,
            modelTypes: m.modelTypes,
            mapping: stored.mapping,
          },
        });
        preannotateOpen(core);
      } catch (error) {
        if (request === token) set({ labelMapping: { ...m, problems: [(error as Error).message] } });
      }
    },

    editLabelMapping() {
      const m = get().labelMapping;
      if (m.state !== 'ready') return;
      ++token;
      const datasetLabels = get().labels.map((l) => l.name);
      const draft = m.mapping ?? defaultLabelMapping(m.modelTypes, datasetLabels);
      set({
        labelMapping: {
          state: 'needed',
          checkpointId: m.checkpointId,
          datasetId: m.datasetId,
          modelTypes: m.modelTypes,
          draft: { ...draft },
          problems: [],
        },
      });
    },
  };
}
