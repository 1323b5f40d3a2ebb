/**
 * "Update the model from my annotations" (issue 12): the Train machinery run from Annotate. The checkpoint
 * in the loop is fine-tuned in the inference worker (trainStart, as the Train view starts a run) on the done
 * examples minus a held-out slice (modelUpdate.ts), the finished folder is published into the library as
 * the chain's next version (trainingRuns.publish), suggestions switch to it through the model slice's own
 * `pickCheckpoint`, and both the parent and the new version are scored on the same held-out slice. The
 * run record on the main side (its `modelUpdate`) keeps the chain and the scores: trainingRuns.learningCurve
 * reads the curve back from there.
 */
import type {
  CheckpointRecord,
  ExampleView,
  HeldOutScore,
  TrainingRunStatus,
} from '../../../../../shared/ipc';
import type { TrainStartResponse } from '../../../inference/common/protocol/train';
import {
  DEFAULT_UPDATE_OPTIONS,
  nerRecord,
  scoreHeldOut,
  splitDoneExamples,
  updateRunId,
  updateTrainingSettings,
  versionName,
} from '../modelUpdate';
import { ownVersion } from './types';
import { idleUpdate, updateRunning, type ModelUpdateState, type UpdateSlice } from './updateTypes';
import type { AnnotateCore } from './writes';

/** Rows per page when reading the done examples (the store pages at most 500). */
const pageLimit = 500;

class UpdateCancelled extends Error {
  constructor() {
    super('Cancelled.');
  }
}

export function createUpdateSlice(core: AnnotateCore): UpdateSlice {
  const { deps, get, set } = core;
  const { api, inference } = deps;
  /** Set by cancelUpdate; checked between the update's steps (training itself stops through trainStop). */
  let cancelled = false;
  let scoringJob: string | null = null;

  const patch = (change: Partial<ModelUpdateState>) => set({ update: { ...get().update, ...change } });
  const checkCancelled = () => {
    if (cancelled) throw new UpdateCancelled();
  };

  const doneExamples = async (datasetId: string): Promise<ExampleView[]> => {
    const author = core.author();
    const examples: ExampleView[] = [];
    for (let offset = 0; ;) {
      const page = await api.examples.list({
        datasetId,
        offset,
        limit: pageLimit,
        filter: { status: 'done' },
      });
      examples.push(...page.items.map((e) => ownVersion(e, author)));
      offset += page.items.length;
      patch({ message: `Reading the done examples: ${offset} of ${page.total}` });
      if (page.items.length === 0 || offset >= page.total) break;
    }
    return examples.filter((e) => e.text.length > 0);
  };

  /** Load `checkpoint` in the worker (no-op when it is loaded) and score it on the held-out examples. */
  const score = async (checkpoint: CheckpointRecord, heldOut: ExampleView[]): Promise<HeldOutScore> => {
    await inference.call('load', {
      id: checkpoint.id,
      name: checkpoint.name,
      files: checkpoint.files.map((file) => ({ file, url: api.checkpointFileUrl(checkpoint.id, file) })),
    });
    checkCancelled();
    scoringJob = `${get().update.runId ?? 'update'}-score-${checkpoint.id}`.slice(0, 200);
    try {
      const response = await inference.call(
        'runPipeline',
        {
          id: checkpoint.id,
          jobId: scoringJob,
          request: {
            task: 'token-classification',
            texts: heldOut.map((e) => e.text),
            aggregation: 'simple',
          },
        },
        { onProgress: (p) => patch({ done: p.done, total: p.total }) },
      );
      checkCancelled();
      if (response.result.task !== 'token-classification')
        throw new Error('The worker answered another task while scoring the held-out slice.');
      const entities = response.result.entities;
      return scoreHeldOut(
        heldOut.map((e) => nerRecord(e).spans),
        heldOut.map((_, i) =>
          (entities[i] ?? [])
            .filter((entity) => entity.end > entity.start)
            .map((entity) => ({ start: entity.start, end: entity.end, label: entity.type })),
        ),
      );
    } finally {
      scoringJob = null;
    }
  };

  const percent = (s: HeldOutScore | null) => (s ? `${(100 * s.f1).toFixed(1)}` : '–');

  return {
    update: idleUpdate,
    updateOptions: DEFAULT_UPDATE_OPTIONS,
    curve: null,

    setUpdateOptions(options) {
      set({ updateOptions: { ...get().updateOptions, ...options } });
    },

    async loadCurve() {
      const model = get().model;
      if (model.state === 'none') {
        set({ curve: null });
        return;
      }
      const checkpointId = model.checkpointId;
      try {
        const curve = await api.trainingRuns.learningCurve({ checkpointId });
        const now = get().model;
        if (now.state !== 'none' && now.checkpointId === checkpointId) set({ curve });
      } catch {
        // toasted by the client; the panel keeps the curve it had
      }
    },

    async cancelUpdate() {
      const { phase, runId } = get().update;
      if (!updateRunning(phase) || phase === 'cancelling') return;
      cancelled = true;
      patch({ phase: 'cancelling', message: 'Cancelling…' });
      if (scoringJob) await inference.call('cancel', { jobId: scoringJob }).catch(() => undefined);
      if (runId) await inference.call('trainStop', { runId, reason: 'cancel' }).catch(() => undefined);
    },

    async updateModel() {
      if (updateRunning(get().update.phase)) {
        core.notify('An update is already running', 'Wait for it to finish, or cancel it first.', 'info');
        return;
      }
      const { model, datasetId, dataset } = get();
      if (model.state !== 'ready' && model.state !== 'running') {
        core.notify(
          'No model to update',
          model.state === 'loading'
            ? 'The checkpoint is still loading; update it once it is ready.'
            : 'Pick a token-classification checkpoint in the Model panel first.',
        );
        return;
      }
      if (!datasetId || !dataset) {
        core.notify('No dataset is open', 'Open the dataset whose done examples the model should learn.');
        return;
      }
      cancelled = false;
      const startedAt = Date.now();
      const options = get().updateOptions;
      set({
        update: { ...idleUpdate, phase: 'preparing', message: 'Reading the done examples…', startedAt },
      });
      let saveRun: ((status: TrainingRunStatus, error?: string | null) => Promise<unknown>) | null = null;
      try {
        const [parent, chain, examples] = await Promise.all([
          api.checkpoints.get({ id: model.checkpointId }),
          api.trainingRuns.learningCurve({ checkpointId: model.checkpointId }),
          doneExamples(datasetId),
        ]);
        checkCancelled();
        const { train, heldOut } = splitDoneExamples(examples);
        const own = chain.points.find((p) => p.checkpointId === parent.id && p.version === chain.version);
        const base =
          chain.version > 0 && chain.points[0]
            ? { id: chain.points[0].checkpointId, name: chain.points[0].checkpointName }
            : { id: parent.id, name: parent.name };
        const version = chain.version + 1;
        const runId = updateRunId();
        const name = versionName(base.name, version, dataset.name, train.length);
        patch({
          phase: 'scoring-parent',
          runId,
          version,
          trainExamples: train.length,
          heldOutExamples: heldOut.length,
          message: `Scoring ${own ? `v${chain.version}` : parent.name} on ${heldOut.length} held-out example${heldOut.length === 1 ? '' : 's'}…`,
        });
        const parentScore = await score(parent, heldOut);
        checkCancelled();

        const settings = updateTrainingSettings(options, parent.hiddenSize);
        const modelUpdate = {
          baseCheckpointId: base.id,
          baseCheckpointName: base.name,
          parentCheckpointId: parent.id,
          parentCheckpointName: parent.name,
          version,
          datasetName: dataset.name,
          trainExamples: train.length,
          heldOutExamples: heldOut.length,
          author: core.author(),
          parentScore,
          score: null as HeldOutScore | null,
        };
        let steps = 0;
        let totalSteps = 0;
        let lossHistory: TrainStartResponse['lossHistory'] = [];
        saveRun = (status, error = null) =>
          api.trainingRuns.save({
            run: {
              id: runId,
              name,
              checkpointId: parent.id,
              datasetId,
              task: 'token-classification',
              settings: { ...settings, maxLength: options.maxLength, devFraction: 0 },
              status,
              step: steps,
              totalSteps,
              lossHistory,
              devHistory: [],
              precision: null,
              error,
              modelUpdate,
            },
          });
        await saveRun('running');
        checkCancelled();
        patch({
          phase: 'training',
          parentScore,
          done: 0,
          total: null,
          message: `Fine-tuning ${parent.name} on ${train.length} done example${train.length === 1 ? '' : 's'}…`,
        });
        const trained = await inference.call(
          'trainStart',
          {
            runId,
            checkpoint: {
              name: parent.name,
              files: parent.files.map((file) => ({ file, url: api.checkpointFileUrl(parent.id, file) })),
            },
            data: { task: 'token-classification', records: train.map(nerRecord) },
            settings,
            maxLength: options.maxLength,
            devFraction: 0,
            runFilesUrl: api.trainingRunFilesUrl(runId),
            saveEverySteps: 0,
            recordExtra: {
              modelUpdate: {
                base: base.name,
                parent: parent.name,
                version,
                dataset: dataset.name,
                datasetId,
                trainExamples: train.length,
                heldOutExamples: heldOut.length,
                author: modelUpdate.author,
              },
            },
          },
          {
            onProgress: ({ training }) => {
              const progress = training?.progress;
              if (progress?.kind !== 'step') return;
              steps = progress.step;
              totalSteps = progress.totalSteps;
              if (get().update.phase === 'training')
                patch({
                  done: progress.step,
                  total: progress.totalSteps,
                  loss: progress.loss,
                  message: `Fine-tuning: step ${progress.step} of ${progress.totalSteps}, loss ${progress.loss.toFixed(3)}`,
                });
            },
          },
        );
        steps = trained.steps;
        totalSteps = trained.totalSteps;
        lossHistory = trained.lossHistory;
        if (trained.status === 'cancelled' || trained.status === 'paused' || cancelled)
          throw new UpdateCancelled();

        patch({ phase: 'publishing', message: `Adding “${name}” to the checkpoint library…` });
        const result = await api.trainingRuns.publish({ runId, name });
        await saveRun('completed');
        patch({ phase: 'switching', result, message: `Loading v${version} for suggestions…` });
        // The model slice's own pick: suggestions come from the new version from here on.
        await get().pickCheckpoint(result);
        const now = get().model;
        if (now.state === 'error' && now.checkpointId === result.id)
          throw new Error(`v${version} is in the library but did not load: ${now.message}`);

        patch({
          phase: 'scoring',
          done: 0,
          total: heldOut.length,
          message: `Scoring v${version} on the same ${heldOut.length} held-out example${heldOut.length === 1 ? '' : 's'}…`,
        });
        // Past publishing, a cancel only skips the score: the version is already in the library.
        modelUpdate.score = await score(result, heldOut);
        await saveRun('completed');
        const seconds = (Date.now() - startedAt) / 1000;
        patch({
          phase: 'finished',
          score: modelUpdate.score,
          seconds,
          message: `v${version} is in the library and makes the suggestions now: held-out entity F1 ${percent(parentScore)} → ${percent(modelUpdate.score)} on ${heldOut.length} example${heldOut.length === 1 ? '' : 's'} (${trained.steps} steps, ${seconds.toFixed(0)} s).`,
        });
        await get().loadCurve();
      } catch (error) {
        const result = get().update.result;
        if (error instanceof UpdateCancelled || cancelled) {
          await saveRun?.(result ? 'completed' : 'cancelled').catch(() => undefined);
          patch({
            phase: 'cancelled',
            seconds: (Date.now() - startedAt) / 1000,
            message: result
              ? `“${result.name}” is in the library; its held-out score was not measured.`
              : 'Cancelled: nothing was added to the library and the suggestions did not change.',
          });
          if (result) await get().loadCurve();
          return;
        }
        const message = (error as Error).message;
        if (!result) await saveRun?.('failed', message).catch(() => undefined);
        patch({ phase: 'failed', message, seconds: (Date.now() - startedAt) / 1000 });
        if (result) await get().loadCurve();
      } finally {
        cancelled = false;
      }
    },
  };
}
