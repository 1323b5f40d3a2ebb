/**
 * The model in the loop: load a token-classification checkpoint in the inference worker, run it on the
 * examples as they are opened and store its suggestions (annotations.saveModelPredictions, through the
 * write queue like any edit). Every prediction, from the open example or the background run of
 * preannotate.ts, reaches the store through `storePredictions`: the one place suggestions are shaped
 * before they are saved.
 */
import type { ExampleView } from '../../../../../shared/ipc';
import type { Entity } from '../../../../../shared/pipelines';
import { activeLabelMapping, mapPredictions } from './labelMappingRules';
import type { ModelSlice } from './types';
import type { AnnotateCore } from './writes';

/** The worker holder the Annotate view loads its checkpoint under (one model per holder; see modelRegistry). */
export const annotateHolder = 'annotate';

/** One example's prediction as the worker returned it. */
export interface ExamplePrediction {
  example: Pick<ExampleView, 'id'>;
  entities: readonly Entity[];
  /** 1 - the lowest token confidence (the queue's order); left out: the main side's span-score default. */
  uncertainty?: number;
}

/**
 * Store one checkpoint's predictions, one acknowledged write per example. Entities become code-point
 * spans with scores clamped to 0..1; empty spans are dropped; model types are mapped to the dataset's
 * labels (labelMappingRules.ts). Returns the ids not stored because the mapping step is open again.
 */
export async function storePredictions(
  core: AnnotateCore,
  checkpointId: string,
  predictions: readonly ExamplePrediction[],
  options: { rerun?: boolean } = {},
): Promise<number[]> {
  // A re-run (a person asked for the model again) brings back that annotator's rejected suggestions;
  // otherwise stored decisions stay (a rejected suggestion never returns).
  const rerun = options.rerun ? { rerun: true, author: core.author() } : {};
  const skipped: number[] = [];
  for (const { example, entities, uncertainty } of predictions) {
    const raw = entities
      .filter((entity) => entity.end > entity.start)
      .map((entity) => ({
        start: entity.start,
        end: entity.end,
        label: entity.type,
        score: Math.max(0, Math.min(1, entity.score)),
      }));
    // Model types become the dataset's labels (ignored ones dropped); a mapping reopened meanwhile waits.
    const spans = mapPredictions(core.get(), checkpointId, raw);
    if (spans === null) {
      skipped.push(example.id);
      continue;
    }
    await core.write(() =>
      core.deps.api.annotations.saveModelPredictions({
        exampleId: example.id,
        checkpointId,
        spans,
        ...(uncertainty !== undefined ? { uncertainty: Math.max(0, uncertainty) } : {}),
        ...rerun,
      }),
    );
  }
  return skipped;
}

/** Run token classification on `texts` in the worker; entities and token uncertainty per text. */
export async function predictTexts(
  core: AnnotateCore,
  checkpointId: string,
  texts: string[],
  options: { jobId?: string; maxBatchSize?: number } = {},
): Promise<{ entities: Entity[][]; uncertainty: (number | undefined)[] }> {
  const response = await core.deps.inference.call('runPipeline', {
    id: checkpointId,
    request: { task: 'token-classification', texts, aggregation: 'simple' },
    ...options,
  });
  if (response.result.task !== 'token-classification') throw new Error('The worker answered another task.');
  const { entities, uncertainty } = response.result;
  return { entities, uncertainty: texts.map((_, i) => uncertainty?.[i]) };
}

/** Pre-annotate the open and the next example, if the store is set to and a model is ready. */
export function preannotateOpen({ get }: AnnotateCore): void {
  const { autoPreannotate, examples, position, model, dataset } = get();
  if (!autoPreannotate || (model.state !== 'ready' && model.state !== 'running')) return;
  // No suggestions on a read-only gold set, nor before the label mapping step is done (labelMapping.ts).
  if (dataset?.readOnly || activeLabelMapping(get(), model.checkpointId) === undefined) return;
  const targets = [examples.get(position), examples.get(position + 1)].filter((e): e is ExampleView =>
    Boolean(e),
  );
  if (targets.length) void get().preannotate(targets);
}

export function createModelSlice(core: AnnotateCore): ModelSlice {
  const { deps, get, set } = core;
  /** Checkpoints whose predictions were already asked for, per example (so re-opening does not re-run). */
  const predicted = new Set<string>();
  /** Bumped by every pick: only the latest pick may mark its checkpoint ready or failed. */
  let pickToken = 0;

  return {
    model: { state: 'none' },
    autoPreannotate: true,

    async pickCheckpoint(checkpoint) {
      const token = ++pickToken;
      get().rememberCheckpoint(checkpoint?.id ?? null);
      void get().resolveLabelMapping(checkpoint);
      if (!checkpoint) {
        set({ model: { state: 'none' } });
        // The worker may unload it now (least recently used first, under its memory budget).
        await deps.inference.call('release', { holder: annotateHolder }).catch(() => undefined);
        return;
      }
      const loading = (message: string) => {
        if (token === pickToken) set({ model: { state: 'loading', checkpointId: checkpoint.id, message } });
      };
      loading('Loading weights…');
      try {
        await deps.inference.call(
          'load',
          {
            id: checkpoint.id,
            name: checkpoint.name,
            files: checkpoint.files.map((file) => ({
              file,
              url: deps.api.checkpointFileUrl(checkpoint.id, file),
            })),
            holder: annotateHolder,
          },
          {
            onProgress: (p) =>
              loading(
                p.total ? `Loading weights… ${Math.round((100 * p.done) / p.total)}%` : 'Loading weights…',
              ),
          },
        );
        // Another checkpoint (or none) was picked while this one loaded: that pick wins.
        if (token !== pickToken) return;
        set({ model: { state: 'ready', checkpointId: checkpoint.id } });
        preannotateOpen(core);
      } catch (error) {
        if (token !== pickToken) return; // a superseded pick's failure is not the model shown
        set({ model: { state: 'error', checkpointId: checkpoint.id, message: (error as Error).message } });
      }
    },

    async preannotate(examples, force = false) {
      const model = get().model;
      if (model.state !== 'ready' && model.state !== 'running') return;
      const checkpointId = model.checkpointId;
      // Stored predictions of this checkpoint (predictedBy) count as done, across reloads; `force` re-runs.
      if (get().dataset?.readOnly || activeLabelMapping(get(), checkpointId) === undefined) return;
      const todo = examples.filter(
        (e) =>
          (force || (e.predictedBy !== checkpointId && !predicted.has(`${checkpointId}:${e.id}`))) &&
          e.text.length > 0,
      );
      if (!todo.length) return;
      for (const e of todo) predicted.add(`${checkpointId}:${e.id}`);
      set({ model: { state: 'running', checkpointId } });
      try {
        const { entities, uncertainty } = await predictTexts(
          core,
          checkpointId,
          todo.map((e) => e.text),
        );
        // `force` is a person asking for the model again ("Run now"): their rejections come back.
        const skipped = await storePredictions(
          core,
          checkpointId,
          todo.map((example, i) => ({ example, entities: entities[i] ?? [], uncertainty: uncertainty[i] })),
          { rerun: force },
        );
        for (const id of skipped) predicted.delete(`${checkpointId}:${id}`);
        const now = get().model;
        if (now.state === 'running' && now.checkpointId === checkpointId)
          set({ model: { state: 'ready', checkpointId } });
      } catch (error) {
        for (const e of todo) predicted.delete(`${checkpointId}:${e.id}`);
        const now = get().model;
        // Only the checkpoint still picked shows the failure.
        if (now.state !== 'none' && now.checkpointId === checkpointId)
          set({ model: { state: 'error', checkpointId, message: (error as Error).message } });
      }
    },

    setAutoPreannotate(on) {
      set({ autoPreannotate: on });
      if (on) preannotateOpen(core);
    },
  };
}
