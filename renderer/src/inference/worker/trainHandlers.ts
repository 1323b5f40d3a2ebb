/**
 * The worker's training methods (trainStart / trainStop), separate from worker.ts so tests serve them in
 * Node with the CPU backend. The checkpoint is read over HTTP like a model load, but into a plain state
 * dict: the trainer builds its own model (with the task's head and label list) as tf.Variables. The run's
 * bytes go the same way (runFiles.ts): state snapshots and the finished folder are PUT to the main side,
 * and a resumed run reads its saved state back, so progress messages carry only steps and sizes.
 */
import '../../../../shared/nezha/gradients';
import * as tf from '@tensorflow/tfjs-core';
import { loadCheckpointFolder } from '../../../../shared/checkpoint/folder';
import {
  buildTrainingJob,
  decodeTrainingState,
  encodeTrainingState,
  explainTrainingFailure,
  loadJiebaSegmenter,
  NezhaConfig,
  train,
  trainedFolderFiles,
  trainingRecord,
} from '../../../../shared/training';
import { httpCheckpointSource } from './httpCheckpointSource';
import { loadTokenizer } from './modelRegistry';
import { runFiles } from './runFiles';
import type { WorkerHandlers } from '../common/rpc';

export type TrainHandlers = Pick<WorkerHandlers, 'trainStart' | 'trainStop'>;

export interface TrainHandlerOptions {
  fetch?: typeof fetch;
  headers?: Record<string, string>;
}

interface StopFlag {
  aborted: boolean;
  reason?: 'pause' | 'cancel';
}

export function createTrainHandlers(options: TrainHandlerOptions = {}): TrainHandlers {
  const runs = new Map<string, StopFlag>();

  return {
    trainStart: async (request, context) => {
      if (runs.has(request.runId))
        throw new Error(
          `Training run "${request.runId}" is already running in this worker; pause or cancel it first.`,
        );
      const stop: StopFlag = { aborted: false };
      runs.set(request.runId, stop);
      const source = httpCheckpointSource({
        name: request.checkpoint.name,
        files: request.checkpoint.files,
        fetch: options.fetch,
        headers: options.headers,
      });
      const files = runFiles({
        runId: request.runId,
        url: request.runFilesUrl,
        fetch: options.fetch,
        headers: options.headers,
      });
      let job: ReturnType<typeof buildTrainingJob> | null = null;
      try {
        const resumeFrom = request.resume
          ? decodeTrainingState(await files.readState(), `saved state of run ${request.runId}`)
          : undefined;
        context.progress({ done: 0, total: null, message: `reading ${request.checkpoint.name}` });
        const loaded = await loadCheckpointFolder(source);
        const tokenizer = await loadTokenizer(source);
        const vocabText = new TextDecoder().decode(await source.read('vocab.txt'));
        const settings = request.settings;
        job = buildTrainingJob({
          data: request.data,
          devFraction: request.devFraction,
          config: new NezhaConfig(loaded.config as never),
          stateDict: loaded.stateDict,
          tokenizer,
          settings,
          maxLength: request.maxLength,
          segmenter: request.data.task === 'masked-lm' ? await loadJiebaSegmenter() : undefined,
          withNextSentence: request.withNextSentence,
        });
        const built = job;
        context.progress({
          done: 0,
          total: null,
          message: `${built.trainRecords} train / ${built.devRecords} dev records`,
          training: {
            job: {
              trainRecords: built.trainRecords,
              devRecords: built.devRecords,
              labels: built.labels,
              className: built.config.architectures?.[0] ?? '',
              missingKeys: built.missingKeys,
              backend: tf.getBackend(),
            },
          },
        });
        const result = await train({
          model: built.model,
          settings,
          train: built.train,
          evaluate: built.evaluate,
          padId: tokenizer.padId,
          stop,
          resumeFrom,
          saveEverySteps: request.saveEverySteps || undefined,
          // Awaited by the trainer: snapshots go out in step order and never pile up in memory.
          onSaveState: request.saveEverySteps
            ? async (state) => {
                const bytes = encodeTrainingState(state);
                try {
                  await files.putState(bytes, state.step);
                  context.progress({
                    done: state.step,
                    total: null,
                    message: `state saved at step ${state.step} (${bytes.byteLength} bytes)`,
                    training: { saved: { step: state.step, bytes: bytes.byteLength } },
                  });
                } catch (error) {
                  // The run goes on; the main side keeps the previous snapshot to resume from.
                  const saveError = (error as Error).message;
                  context.progress({
                    done: state.step,
                    total: null,
                    message: saveError,
                    training: { saveError },
                  });
                }
              }
            : undefined,
          onProgress: (progress) =>
            context.progress({
              done: progress.step,
              total: progress.totalSteps,
              message: progress.kind === 'eval' ? 'dev evaluation' : 'step',
              training: { progress },
            }),
        }).catch((error: unknown) => {
          throw explainTrainingFailure(error, tf.getBackend(), {
            ...request,
            afterward:
              'The model runtime has to restart after this: reload the window, then resume the run from its last saved state.',
          });
        });
        const finished = result.status === 'completed' || result.status === 'early-stopped';
        let savedStep: number | null = null;
        if (result.status === 'paused') {
          context.progress({
            done: result.state.step,
            total: null,
            message: 'saving the state to resume from',
          });
          await files.putState(encodeTrainingState(result.state), result.state.step);
          savedStep = result.state.step;
        }
        let outputFiles: { name: string; bytes: number }[] | null = null;
        if (finished) {
          const folder = await trainedFolderFiles(
            built.model,
            vocabText,
            trainingRecord(built, result, {
              ...request.recordExtra,
              checkpoint: request.checkpoint.name,
              runId: request.runId,
              ...(request.dataset ? { dataset: request.dataset } : {}),
            }),
            tokenizer.settings.modelMaxLength,
          );
          outputFiles = [];
          for (const [name, bytes] of folder) {
            context.progress({ done: outputFiles.length, total: folder.size, message: `writing ${name}` });
            await files.putOutput(name, bytes);
            outputFiles.push({ name, bytes: bytes.byteLength });
          }
        }
        return {
          status: result.status,
          steps: result.state.step,
          totalSteps: result.totalSteps,
          seconds: result.seconds,
          bestMetric: result.bestMetric,
          bestStep: result.bestStep,
          finalDev: result.finalDev,
          precision: result.precision.note,
          backend: result.precision.backend,
          lossHistory: result.state.lossHistory,
          devHistory: result.state.devHistory,
          savedStep,
          outputFiles,
        };
      } finally {
        job?.model.dispose();
        runs.delete(request.runId);
      }
    },
    trainStop: ({ runId, reason }) => {
      const flag = runs.get(runId);
      if (!flag) return { stopped: false };
      flag.reason = reason;
      flag.aborted = true;
      return { stopped: true };
    },
  };
}
