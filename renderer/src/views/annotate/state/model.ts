/**
 * The model in the loop: load a token-classification checkpoint in the inference worker, run it on the
 * examples as they are opened and store its suggestions (annotations.saveModelPredictions, through the
 * write queue like any edit).
 */
import type { ExampleView } from '../../../../../shared/ipc';
import type { ModelSlice } from './types';
import type { AnnotateCore } from './writes';

/** Pre-annotate the open and the next example, if the store is set to and a model is ready. */
export function preannotateOpen({ get }: AnnotateCore): void {
  const { autoPreannotate, examples, position, model } = get();
  if (!autoPreannotate || (model.state !== 'ready' && model.state !== 'running')) return;
  const targets = [examples.get(position), examples.get(position + 1)].filter((e): e is ExampleView =>
    Boolean(e),
  );
  if (targets.length) void get().preannotate(targets);
}

export function createModelSlice(core: AnnotateCore): ModelSlice {
  const { deps, get, set } = core;
  /** Checkpoints whose predictions were already asked for, per example (so re-opening does not re-run). */
  const predicted = new Set<string>();

  return {
    model: { state: 'none' },
    autoPreannotate: true,

    async pickCheckpoint(checkpoint) {
      if (!checkpoint) {
        set({ model: { state: 'none' } });
        return;
      }
      const loading = (message: string) =>
        set({ model: { state: 'loading', checkpointId: checkpoint.id, message } });
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
          },
          {
            onProgress: (p) =>
              loading(
                p.total ? `Loading weights… ${Math.round((100 * p.done) / p.total)}%` : 'Loading weights…',
              ),
          },
        );
        // Another checkpoint (or none) was picked while this one loaded: that pick wins.
        const now = get().model;
        if (now.state !== 'loading' || now.checkpointId !== checkpoint.id) return;
        set({ model: { state: 'ready', checkpointId: checkpoint.id } });
        preannotateOpen(core);
      } catch (error) {
        set({ model: { state: 'error', checkpointId: checkpoint.id, message: (error as Error).message } });
      }
    },

    async preannotate(examples, force = false) {
      const model = get().model;
      if (model.state !== 'ready' && model.state !== 'running') return;
      const checkpointId = model.checkpointId;
      const todo = examples.filter(
        (e) => (force || !predicted.has(`${checkpointId}:${e.id}`)) && e.text.length > 0,
      );
      if (!todo.length) return;
      for (const e of todo) predicted.add(`${checkpointId}:${e.id}`);
      set({ model: { state: 'running', checkpointId } });
      try {
        const response = await deps.inference.call('runPipeline', {
          id: checkpointId,
          request: { task: 'token-classification', texts: todo.map((e) => e.text), aggregation: 'simple' },
        });
        if (response.result.task !== 'token-classification')
          throw new Error('The worker answered another task.');
        const entities = response.result.entities;
        for (let i = 0; i < todo.length; i++) {
          const spans = (entities[i] ?? [])
            .filter((entity) => entity.end > entity.start)
            .map((entity) => ({
              start: entity.start,
              end: entity.end,
              label: entity.type,
              score: Math.max(0, Math.min(1, entity.score)),
            }));
          // `force` is a person asking for the model again ("Run now"): their rejections come back.
          const rerun = force ? { rerun: true, author: core.author() } : {};
          await core.write(() =>
            deps.api.annotations.saveModelPredictions({
              exampleId: todo[i].id,
              checkpointId,
              spans,
              ...rerun,
            }),
          );
        }
        if (get().model.state === 'running') set({ model: { state: 'ready', checkpointId } });
      } catch (error) {
        for (const e of todo) predicted.delete(`${checkpointId}:${e.id}`);
        set({ model: { state: 'error', checkpointId, message: (error as Error).message } });
      }
    },

    setAutoPreannotate(on) {
      set({ autoPreannotate: on });
      if (on) preannotateOpen(core);
    },
  };
}
