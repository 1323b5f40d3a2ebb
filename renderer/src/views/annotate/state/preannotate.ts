/**
 * "Pre-annotate dataset": the picked checkpoint runs over every example of the open dataset that is not
 * done and has no stored prediction from it, in the background. The inference worker does the model work
 * (chunks of `chunkSize` texts, batched inside the worker, the next chunk predicted while the last one is
 * stored); this store only pages through the examples still to do and stores each chunk's predictions with their scores and token uncertainty through
 * model.ts's `storePredictions`, so the UI thread stays free.
 *
 * Resumable with no bookkeeping of its own: the stored predictions are the state. Each page is asked for
 * with `examples.list({ filter: { undone: true, notPredictedBy: checkpoint } })` at offset 0, since what
 * was just stored drops out of that filter; a second run, or one after a reload, starts where the last
 * one stopped. Cancel stops between chunks (the chunk in the worker is dropped, its examples stay to do).
 */
import type { ExampleView } from '../../../../../shared/ipc';
import { activeLabelMapping } from './labelMappingRules';
import { predictTexts, storePredictions, type ExamplePrediction } from './model';
import type { AnnotateCore } from './writes';

/** Texts per worker call: small enough that cancel answers fast, large enough to fill the worker's batches. */
export const chunkSize = 32;
/** Examples fetched per examples.list page (a few chunks). */
export const fetchSize = 128;

export type PreannotationPhase = 'idle' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'error';

export interface PreannotationState {
  phase: PreannotationPhase;
  /** The checkpoint and dataset of the last run (null before any). */
  checkpointId: string | null;
  datasetId: string | null;
  /** Examples predicted and stored by this run. */
  done: number;
  /** Examples this run had to do when it started (not done, no prediction from this checkpoint). */
  total: number;
  /** Undone examples that already had this checkpoint's predictions when it started (resumed). */
  skipped: number;
  /** Examples per second so far. */
  rate: number;
  elapsedMs: number;
  message: string | null;
}

export interface PreannotateSlice {
  preannotation: PreannotationState;
  /** Run the picked checkpoint over the open dataset's remaining examples (see the file comment). */
  preannotateDataset(): Promise<void>;
  /** Stop the running pre-annotation after the chunk in flight; resolves once it stopped. */
  cancelPreannotation(): Promise<void>;
}

export const idlePreannotation: PreannotationState = {
  phase: 'idle',
  checkpointId: null,
  datasetId: null,
  done: 0,
  total: 0,
  skipped: 0,
  rate: 0,
  elapsedMs: 0,
  message: null,
};

/** The run in progress: the worker job of its chunk in flight, whether cancel was asked, its end. */
interface Run {
  /** Worker jobs in flight (at most two: the chunk being predicted and the one after). */
  jobs: Set<string>;
  cancelled: boolean;
  finished: Promise<void>;
}

export function createPreannotateSlice(core: AnnotateCore): PreannotateSlice {
  const { deps, get, set } = core;
  let run: Run | null = null;
  let runs = 0;

  const patch = (change: Partial<PreannotationState>) =>
    set({ preannotation: { ...get().preannotation, ...change } });

  return {
    preannotation: idlePreannotation,

    async preannotateDataset() {
      if (run) return run.finished;
      const { model, datasetId } = get();
      if (!datasetId) {
        core.notify('No dataset is open', 'Open a dataset to pre-annotate it.');
        return;
      }
      if (model.state !== 'ready' && model.state !== 'running') {
        core.notify(
          'No model is ready',
          'Pick a token-classification checkpoint and wait until it is loaded.',
        );
        return;
      }
      const checkpointId = model.checkpointId;
      if (get().dataset?.readOnly) {
        core.notify('This dataset is read-only gold', 'Annotate a copy to pre-annotate it.');
        return;
      }
      if (activeLabelMapping(get(), checkpointId) === undefined) {
        core.notify('Map the model’s labels first', 'Confirm the label mapping step, then pre-annotate.');
        return;
      }
      const filter = { undone: true, notPredictedBy: checkpointId };
      /** Stops the run when the person picks another checkpoint or opens another dataset. */
      const stillCurrent = () => {
        const now = get();
        return (
          now.datasetId === datasetId &&
          (now.model.state === 'ready' || now.model.state === 'running') &&
          now.model.checkpointId === checkpointId
        );
      };
      const current: Run = { jobs: new Set(), cancelled: false, finished: Promise.resolve() };
      run = current;
      const started = performance.now();
      const progress = (done: number) => {
        const elapsedMs = performance.now() - started;
        patch({ done, elapsedMs, rate: elapsedMs > 0 ? (1000 * done) / elapsedMs : 0 });
      };
      current.finished = (async () => {
        try {
          const [todo, undone] = await Promise.all([
            deps.api.examples.list({ datasetId, filter, limit: 1 }),
            deps.api.examples.list({ datasetId, filter: { undone: true }, limit: 1 }),
          ]);
          set({
            preannotation: {
              ...idlePreannotation,
              phase: 'running',
              checkpointId,
              datasetId,
              total: todo.total,
              skipped: undone.total - todo.total,
            },
          });
          let done = 0;
          let previousFirst: number | null = null;
          while (!current.cancelled && stillCurrent()) {
            const page = await deps.api.examples.list({ datasetId, filter, offset: 0, limit: fetchSize });
            if (page.items.length === 0) break;
            // What was stored leaves the filter; the same first example again means a save did not land.
            if (page.items[0].id === previousFirst)
              throw new Error(
                `Example #${page.items[0].index + 1} was predicted but its prediction was not stored; pre-annotation stopped.`,
              );
            previousFirst = page.items[0].id;
            const chunks: ExampleView[][] = [];
            for (let from = 0; from < page.items.length; from += chunkSize)
              chunks.push(page.items.slice(from, from + chunkSize));
            // The worker predicts chunk k + 1 while chunk k is being stored, so it never waits on the writes.
            let next: Promise<ExamplePrediction[]> | null = predictChunk(chunks[0]);
            for (let k = 0; next; k++) {
              const predictions: ExamplePrediction[] = await next;
              next =
                k + 1 < chunks.length && !current.cancelled && stillCurrent()
                  ? predictChunk(chunks[k + 1])
                  : null;
              try {
                const skipped = await storePredictions(core, checkpointId, predictions);
                if (skipped.length > 0 && stillCurrent())
                  throw new Error(
                    'The label mapping step was opened again: confirm it, then pre-annotate again.',
                  );
              } catch (error) {
                next?.catch(() => undefined);
                throw error;
              }
              done += predictions.length;
              progress(done);
              if (next && (current.cancelled || !stillCurrent())) {
                // Stopped while the next chunk was in the worker: drop it (its examples stay to do).
                for (const jobId of current.jobs)
                  void deps.inference.call('cancel', { jobId }).catch(() => undefined);
                await next.catch(() => undefined);
                next = null;
              }
            }
          }
          const phase = current.cancelled || !stillCurrent() ? 'cancelled' : 'done';
          patch({ phase, message: null });
          progress(done);
          // The queue's order changed with the new uncertainties: show it.
          if (phase === 'done' && get().query.order === 'uncertainty' && get().datasetId === datasetId)
            await get().refreshList();
        } catch (error) {
          const message = (error as Error).message;
          patch({ phase: /Cancelled/.test(message) ? 'cancelled' : 'error', message });
        } finally {
          if (run === current) run = null;
        }
      })();

      /** One chunk through the worker; empty texts get an empty prediction without asking it. */
      async function predictChunk(chunk: ExampleView[]): Promise<ExamplePrediction[]> {
        const texts = chunk.filter((e) => e.text.length > 0);
        const jobId = `preannotate-${++runs}-${Date.now()}`;
        current.jobs.add(jobId);
        try {
          const predicted = texts.length
            ? await predictTexts(
                core,
                checkpointId,
                texts.map((e) => e.text),
                { jobId },
              )
            : { entities: [], uncertainty: [] };
          const byId = new Map(texts.map((e, i) => [e.id, i]));
          return chunk.map((example) => {
            const i = byId.get(example.id);
            return i === undefined
              ? { example, entities: [], uncertainty: 0 }
              : { example, entities: predicted.entities[i] ?? [], uncertainty: predicted.uncertainty[i] };
          });
        } finally {
          current.jobs.delete(jobId);
        }
      }

      return current.finished;
    },

    async cancelPreannotation() {
      const current = run;
      if (!current) return;
      current.cancelled = true;
      patch({ phase: 'cancelling' });
      await Promise.all(
        [...current.jobs].map((jobId) => deps.inference.call('cancel', { jobId }).catch(() => undefined)),
      );
      await current.finished;
    },
  };
}
