/**
 * The Train view's run, in a store so it keeps going while the person looks at other views (one view store,
 * state/viewStore.ts: created once by main.tsx with its dependencies). It drives the worker's trainStart /
 * trainStop and keeps the main side's record of the run current. The worker itself puts the bytes on the
 * main side (a state snapshot every `saveEverySteps` steps and at a pause, so the run resumes after a
 * restart; the finished HF folder's files at the end); this store hears "saved at step N", saves the record
 * (settings, status, curves) and publishes the finished folder into the checkpoint library.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  CheckpointRecord,
  DatasetRecord,
  TrainingRunRecord,
  TrainingRunStatus,
} from '../../../../shared/ipc';
import {
  DEFAULT_TRAINING_SETTINGS,
  type TrainingProgress,
  type TrainingSettings,
  type TrainingTask,
} from '../../../../shared/training';
import type { TrainProgressPayload, TrainStartResponse } from '../../inference/common/protocol/train';
import { defineViewStore, type ViewStoreDeps } from '../../state/viewStore';
import { fetchAllExamples, recordsFromExamples } from './trainingData';
import { trainingDatasetIdentity } from './trainingDataset';

/** What the form sets besides shared/training's settings. */
export interface RunOptions {
  maxLength: number;
  devFraction: number;
  withNextSentence: boolean;
  saveEverySteps: number;
}

export const DEFAULT_RUN_OPTIONS: RunOptions = {
  maxLength: 128,
  devFraction: 0.1,
  withNextSentence: false,
  saveEverySteps: 20,
};

export function defaultSettings(task: TrainingTask): TrainingSettings {
  return { ...DEFAULT_TRAINING_SETTINGS, task };
}

export type TrainPhase =
  | 'idle'
  | 'preparing'
  | 'training'
  | 'pausing'
  | 'cancelling'
  | 'saving'
  | 'paused'
  | 'cancelled'
  | 'finished'
  | 'failed';

export interface RunDescriptor {
  id: string;
  name: string;
  checkpoint: Pick<CheckpointRecord, 'id' | 'name' | 'files'>;
  dataset: Pick<DatasetRecord, 'id' | 'name'>;
  settings: TrainingSettings;
  options: RunOptions;
}

export interface TrainState {
  run: RunDescriptor | null;
  phase: TrainPhase;
  message: string | null;
  error: string | null;
  job: TrainProgressPayload['job'] | null;
  latest: TrainingProgress | null;
  lossHistory: { step: number; loss: number; learningRate: number }[];
  devHistory: { step: number; epoch: number; metrics: Record<string, number> }[];
  /** Step of the last state snapshot the main side holds. */
  savedStep: number | null;
  result: CheckpointRecord | null;
  start(run: RunDescriptor): Promise<void>;
  /** Continue a saved run from its last state snapshot (or from the start when it has none). */
  resume(saved: TrainingRunRecord, checkpoints: CheckpointRecord[], datasets: DatasetRecord[]): Promise<void>;
  stop(reason: 'pause' | 'cancel'): Promise<void>;
  reset(): void;
}

const initial = {
  run: null,
  phase: 'idle' as TrainPhase,
  message: null,
  error: null,
  job: null,
  latest: null,
  lossHistory: [],
  devHistory: [],
  savedStep: null,
  result: null,
};

function flatSettings(run: RunDescriptor): Record<string, number | string | boolean | null> {
  return { ...run.settings, ...run.options };
}

/** The run's settings back from its saved record (what the form set, over today's defaults). */
export function descriptorFromRecord(
  saved: TrainingRunRecord,
  checkpoint: CheckpointRecord,
  dataset: DatasetRecord,
): RunDescriptor {
  const s = saved.settings;
  const pick = <T extends object>(defaults: T): T =>
    Object.fromEntries(
      Object.entries(defaults).map(([k, v]) => [k, s[k] !== undefined && s[k] !== null ? s[k] : v]),
    ) as T;
  return {
    id: saved.id,
    name: saved.name,
    checkpoint,
    dataset,
    settings: pick(defaultSettings(saved.task as TrainingTask)),
    options: pick(DEFAULT_RUN_OPTIONS),
  };
}

export const TrainStore = defineViewStore<TrainState>('Train');

export function createTrainStore({ api, inference }: ViewStoreDeps): StoreApi<TrainState> {
  return createStore<TrainState>()((set, get) => {
    /** Record saves go out one after another, in step order. */
    let saving: Promise<unknown> = Promise.resolve();
    const enqueue = (work: () => Promise<unknown>) => {
      saving = saving
        .then(work)
        .catch((error: unknown) =>
          set({ message: `Could not save the run's progress: ${(error as Error).message}` }),
        );
      return saving;
    };

    const saveRecord = (status: TrainingRunStatus, error: string | null = null) => {
      const { run, latest, lossHistory, devHistory } = get();
      if (!run) return Promise.resolve();
      return api.trainingRuns.save({
        run: {
          id: run.id,
          name: run.name,
          checkpointId: run.checkpoint.id,
          datasetId: run.dataset.id,
          task: run.settings.task,
          settings: flatSettings(run),
          status,
          step: latest?.step ?? lossHistory.at(-1)?.step ?? 0,
          totalSteps: latest?.totalSteps ?? 0,
          lossHistory,
          devHistory,
          precision: latest?.precision.note ?? null,
          error,
        },
      });
    };

    const execute = async (run: RunDescriptor, resume: boolean) => {
      try {
        set({ phase: 'preparing', message: `Reading ${run.dataset.name}…` });
        const examples = await fetchAllExamples(api, run.dataset.id, (done, total) =>
          set({ message: `Reading ${run.dataset.name}: ${done} of ${total} examples` }),
        );
        const data = recordsFromExamples(run.settings.task, run.dataset.name, examples);
        const datasetIdentity = await trainingDatasetIdentity(api, run.dataset);
        await saveRecord('running');
        set({ message: `Loading ${run.checkpoint.name} in the worker…` });
        const response: TrainStartResponse = await inference.call(
          'trainStart',
          {
            runId: run.id,
            checkpoint: {
              name: run.checkpoint.name,
              files: run.checkpoint.files.map((file) => ({
                file,
                url: api.checkpointFileUrl(run.checkpoint.id, file),
              })),
            },
            data,
            settings: run.settings,
            maxLength: run.options.maxLength,
            devFraction: run.options.devFraction,
            withNextSentence: run.options.withNextSentence,
            saveEverySteps: run.options.saveEverySteps,
            runFilesUrl: api.trainingRunFilesUrl(run.id),
            resume,
            dataset: datasetIdentity,
          },
          {
            onProgress: ({ training, message }) => {
              if (!training) {
                if (message) set({ message });
                return;
              }
              if (training.job) set({ job: training.job, phase: 'training', message: null });
              const progress = training.progress;
              if (progress) {
                const state = get();
                if (progress.kind === 'step')
                  set({
                    latest: progress,
                    lossHistory: [
                      ...state.lossHistory,
                      { step: progress.step, loss: progress.loss, learningRate: progress.learningRate },
                    ],
                  });
                else if (progress.kind === 'eval' && progress.dev)
                  set({
                    latest: { ...progress, loss: state.latest?.loss ?? progress.loss },
                    devHistory: [
                      ...state.devHistory,
                      { step: progress.step, epoch: progress.epoch, metrics: progress.dev.metrics },
                    ],
                  });
              }
              const saved = training.saved;
              if (saved) {
                set({ savedStep: saved.step });
                void enqueue(() => saveRecord('running'));
              }
              if (training.saveError)
                set({ message: `Could not save the run's state: ${training.saveError}` });
            },
          },
        );
        await saving;
        set({ lossHistory: response.lossHistory, devHistory: response.devHistory });
        if (response.status === 'paused' || response.status === 'cancelled') {
          if (response.savedStep !== null) set({ savedStep: response.savedStep });
          await saveRecord(response.status);
          set({
            phase: response.status,
            message:
              response.status === 'paused'
                ? `Paused after step ${response.steps} of ${response.totalSteps}; resume continues from there, also after a restart.`
                : `Cancelled after step ${response.steps}.`,
          });
          return;
        }
        set({
          phase: 'saving',
          message: `Adding the trained checkpoint (${response.outputFiles?.length ?? 0} files) to the library…`,
        });
        const result = await api.trainingRuns.publish({ runId: run.id, name: run.name });
        await saveRecord(response.status === 'early-stopped' ? 'early-stopped' : 'completed');
        const best =
          response.bestMetric !== null && response.finalDev
            ? `; best dev ${response.finalDev.metricName} ${response.bestMetric.toFixed(4)} at step ${response.bestStep}`
            : '';
        set({
          phase: 'finished',
          result,
          message: `${response.status === 'early-stopped' ? 'Stopped early' : 'Finished'}: ${response.steps} steps in ${response.seconds.toFixed(1)} s${best}. “${result.name}” is in the checkpoint library.`,
        });
      } catch (error) {
        const message = (error as Error).message;
        await saving;
        await saveRecord('failed', message).catch(() => undefined);
        set({ phase: 'failed', error: message, message: null });
      }
    };

    return {
      ...initial,
      async start(run) {
        saving = Promise.resolve();
        set({ ...initial, run, phase: 'preparing' });
        await execute(run, false);
      },
      async resume(saved, checkpoints, datasets) {
        const checkpoint = checkpoints.find((c) => c.id === saved.checkpointId);
        const dataset = datasets.find((d) => d.id === saved.datasetId);
        if (!checkpoint || !dataset) {
          set({
            ...initial,
            phase: 'failed',
            error: `Run “${saved.name}” trained ${checkpoint ? '' : `checkpoint ${saved.checkpointId}`}${!checkpoint && !dataset ? ' and ' : ''}${dataset ? '' : `dataset ${saved.datasetId}`}, no longer in the library; import it again or start a new run.`,
          });
          return;
        }
        const run = descriptorFromRecord(saved, checkpoint, dataset);
        saving = Promise.resolve();
        set({
          ...initial,
          run,
          phase: 'preparing',
          message:
            saved.stateStep === null ? null : `Resuming from the state saved at step ${saved.stateStep}…`,
          lossHistory: saved.lossHistory.filter((p) => saved.stateStep === null || p.step <= saved.stateStep),
          devHistory: saved.devHistory.filter((p) => saved.stateStep === null || p.step <= saved.stateStep),
          savedStep: saved.stateStep,
        });
        if (saved.stateStep === null) set({ lossHistory: [], devHistory: [] });
        await execute(run, saved.stateStep !== null);
      },
      async stop(reason) {
        const { run, phase } = get();
        if (!run || (phase !== 'training' && phase !== 'preparing')) return;
        set({ phase: reason === 'pause' ? 'pausing' : 'cancelling' });
        await inference.call('trainStop', { runId: run.id, reason });
      },
      reset() {
        set({ ...initial });
      },
    };
  });
}
