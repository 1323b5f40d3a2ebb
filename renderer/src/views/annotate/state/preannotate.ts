/**
 * "Pre-annotate dataset": the picked checkpoint runs over every example of the open dataset that is not
 * done and has no stored prediction from it, in the background. The inference worker does the model work
 * (chunks of `chunkSize` texts, batched inside the worker); this store only pages through the examples
 * still to do and stores each chunk's predictions with their scores and token uncertainty through
 * model.ts's `storePredictions`, so the UI thread stays free.
 *
 * Resumable with no bookkeeping of its own: the stored predictions are the state. Each page is asked for
 * with `examples.list({ filter: { undone: true, notPredictedBy: checkpoint } })` at offset 0, since what
 * was just stored drops out of that filter; a second run, or one after a reload, starts where the last
 * one stopped. Cancel stops between chunks (the chunk in the worker is dropped, its examples stay to do).
 */
import type { ExampleView } from '../../../../../shared/ipc';
import { predictTexts, storePredictions } from './model';
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
  jobId: string | null;
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
      const current: Run = { jobId: null, cancelled: false, finished: Promise.resolve() };
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
            for (
              let from = 0;
              from < page.items.length && !current.cancelled && stillCurrent();
              from += chunkSize
            ) {
              const chunk = page.items.slice(from, from + chunkSize);
              await predictChunk(chunk);
              done += chunk.length;
              progress(done);
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

      /** One chunk through the worker, then into the store; empty texts get an empty prediction. */
      async function predictChunk(chunk: ExampleView[]) {
        const texts = chunk.filter((e) => e.text.length > 0);
        const jobId = `preannotate-${++runs}-${Date.now()}`;
        current.jobId = jobId;
        const predicted = texts.length
          ? await predictTexts(
              core,
              checkpointId,
              texts.map((e) => e.text),
              { jobId },
            )
          : { entities: [], uncertainty: [] };
        current.jobId = null;
        const byId = new Map(texts.map((e, i) => [e.id, i]));
        await storePredictions(
          core,
          checkpointId,
          chunk.map((example) => {
            const i = byId.get(example.id);
            return i === undefined
              ? { example, entities: [], uncertainty: 0 }
              : { example, entities: predicted.entities[i] ?? [], uncertainty: predicted.uncertainty[i] };
          }),
        );
      }

      return current.finished;
    },

    async cancelPreannotation() {
      const current = run;
      if (!current) return;
      current.cancelled = true;
      patch({ phase: 'cancelling' });
      if (current.jobId) await deps.inference.call('cancel', { jobId: current.jobId }).catch(() => undefined);
      await current.finished;
    },
  };
}
