import * as tf from '@tensorflow/tfjs-core';
import { readSafetensorsWithMetadata, writeSafetensors } from '../checkpoint/safetensors';
import type { StateDict } from '../checkpoint/types';
import type { NezhaTaskModel } from '../nezha/heads';
import { prepareTfjsTraining } from '../nezha/leanBackprop';
import { collate, disposeNezhaBatch } from './batching';
import type { DevMetrics } from './evaluation';
import type { TrainingTask } from '../nezha/tasks';
import type { Feature } from './features';
import { clipGradNorm, NamedOptimizer, type OptimizerName, type OptimizerState } from './optimizers';
import { detectComputePrecision, type ComputePrecision } from './precision';
import { TrainingRandom, withSeededMathRandom } from './random';
import { linearWarmupDecay, warmupStepsFor } from './schedule';

/*
 * The training loop HF's Trainer runs for the task guides: shuffled micro-batches (seeded per
 * epoch), gradient accumulation, clip_grad_norm_, AdamW or LAMB on a linear warmup/decay
 * schedule, dropout on, periodic dev evaluation with early stopping and the best parameters kept.
 * It yields to the event loop after every optimizer step, reports progress, stops at a
 * cancel/pause request, and can save and restore its whole state at any step boundary so that a
 * resumed run equals an uninterrupted one.
 */

export interface TrainingSettings {
  task: TrainingTask;
  epochs: number;
  /** Stop after this many optimizer steps (HF max_steps; overrides epochs when > 0). */
  maxSteps: number;
  /** Rows per forward pass. */
  batchSize: number;
  /** Micro-batches per optimizer step (effective batch = batchSize · this). */
  gradientAccumulationSteps: number;
  optimizer: OptimizerName;
  learningRate: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  warmupRatio: number;
  warmupSteps: number;
  /** clip_grad_norm_ bound; 0 = no clipping. */
  maxGradNorm: number;
  seed: number;
  /** Evaluate on dev every N optimizer steps; 0 = at the end of each epoch. */
  evalEverySteps: number;
  /** Stop after this many evaluations without improvement; 0 = never. */
  earlyStoppingPatience: number;
  /** Put the best dev-metric parameters back into the model at the end (HF load_best_model_at_end). */
  loadBestModelAtEnd: boolean;
  /** Ask for mixed precision; the status says honestly what was used. */
  mixedPrecision: boolean;
}

export const DEFAULT_TRAINING_SETTINGS: Omit<TrainingSettings, 'task'> = {
  epochs: 3,
  maxSteps: 0,
  batchSize: 16,
  gradientAccumulationSteps: 1,
  optimizer: 'adamw',
  learningRate: 5e-5,
  weightDecay: 0.01,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  warmupRatio: 0.1,
  warmupSteps: 0,
  maxGradNorm: 1.0,
  seed: 42,
  evalEverySteps: 0,
  earlyStoppingPatience: 0,
  loadBestModelAtEnd: true,
  mixedPrecision: false,
};

/** Everything needed to continue a run: JSON-able fields plus float arrays. */
export interface TrainingState {
  /** Optimizer steps done. */
  step: number;
  epoch: number;
  /** Index of the next micro-batch within the epoch. */
  microBatch: number;
  /** Dropout RNG (Math.random during forward passes). */
  dropoutRandomState: number;
  optimizer: OptimizerState;
  parameters: Map<string, Float32Array>;
  best: { metric: number; step: number; parameters: Map<string, Float32Array> | null } | null;
  evalsWithoutImprovement: number;
  lossHistory: { step: number; loss: number; learningRate: number }[];
  devHistory: { step: number; epoch: number; metrics: Record<string, number> }[];
  /** The settings the state was made with (resume checks they agree). */
  settings: TrainingSettings;
}

export interface TrainingProgress {
  kind: 'step' | 'eval' | 'done';
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  learningRate: number;
  gradNorm: number;
  examplesPerSecond: number;
  /** Seconds left at the current speed. */
  etaSeconds: number;
  dev?: DevMetrics;
  precision: ComputePrecision;
}

/** AbortSignal-like: set `aborted` (and `reason` 'pause' or 'cancel') to stop after the current step. */
export interface StopToken {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

export interface TrainerOptions {
  model: NezhaTaskModel;
  settings: TrainingSettings;
  /** Training rows; a function gives fresh rows per epoch (dynamic MLM masking), seeded by epoch. */
  train: readonly Feature[] | ((epoch: number, random: TrainingRandom) => Feature[]);
  /** Dev evaluation (null: no dev set, so no early stopping or best checkpoint). */
  evaluate: ((model: NezhaTaskModel) => DevMetrics) | null;
  onProgress?: (progress: TrainingProgress) => void;
  /** Called after each step whose number is a multiple of saveEverySteps, with a state to persist. */
  onSaveState?: (state: TrainingState) => void | Promise<void>;
  saveEverySteps?: number;
  stop?: StopToken;
  resumeFrom?: TrainingState;
  padId?: number;
  /** Clock in ms (tests may pass a fake). */
  now?: () => number;
}

export type TrainingStatus = 'completed' | 'early-stopped' | 'paused' | 'cancelled';

export interface TrainingResult {
  status: TrainingStatus;
  state: TrainingState;
  totalSteps: number;
  bestMetric: number | null;
  bestStep: number | null;
  finalDev: DevMetrics | null;
  precision: ComputePrecision;
  seconds: number;
}

function epochRandom(seed: number, epoch: number): TrainingRandom {
  return new TrainingRandom((seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0);
}

function snapshot(parameters: Map<string, tf.Variable>): Map<string, Float32Array> {
  return new Map([...parameters].map(([name, v]) => [name, new Float32Array(v.dataSync() as Float32Array)]));
}

function restore(
  parameters: Map<string, tf.Variable>,
  values: Map<string, Float32Array>,
  what: string,
): void {
  for (const [name, variable] of parameters) {
    const saved = values.get(name);
    if (saved === undefined || saved.length !== variable.size) {
      throw new Error(
        `${what}: parameter ${name} [${variable.shape.join(', ')}] is ${saved ? `${saved.length} values` : 'missing'} in the saved state; the state belongs to another model`,
      );
    }
    variable.assign(tf.tensor(saved, variable.shape, 'float32'));
  }
}

/** Micro-batches per epoch and optimizer steps in total (HF: ceil per epoch, × epochs, or max_steps). */
export function plannedSteps(
  rows: number,
  settings: TrainingSettings,
): { microBatches: number; total: number } {
  const microBatches = Math.ceil(rows / settings.batchSize);
  const perEpoch = Math.ceil(microBatches / settings.gradientAccumulationSteps);
  return { microBatches, total: settings.maxSteps > 0 ? settings.maxSteps : perEpoch * settings.epochs };
}

export async function train(options: TrainerOptions): Promise<TrainingResult> {
  const { model, settings } = options;
  prepareTfjsTraining();
  const now = options.now ?? (() => performance.now());
  const started = now();
  const parameters = model.namedParameters();
  const precision = detectComputePrecision(tf.getBackend(), settings.mixedPrecision);
  const optimizer = new NamedOptimizer({
    name: settings.optimizer,
    learningRate: settings.learningRate,
    beta1: settings.beta1,
    beta2: settings.beta2,
    epsilon: settings.epsilon,
    weightDecay: settings.weightDecay,
    noDecay: ['bias', 'LayerNorm.weight'],
  });
  const featuresFor = (epoch: number): readonly Feature[] =>
    typeof options.train === 'function'
      ? options.train(epoch, epochRandom(settings.seed + 1, epoch))
      : options.train;
  let epochFeatures = featuresFor(0);
  const { microBatches, total: totalSteps } = plannedSteps(epochFeatures.length, settings);
  const warmup = warmupStepsFor(totalSteps, settings.warmupSteps, settings.warmupRatio);

  let state: TrainingState;
  if (options.resumeFrom) {
    state = options.resumeFrom;
    restore(parameters, state.parameters, 'resume');
    optimizer.importState(state.optimizer, parameters);
  } else {
    state = {
      step: 0,
      epoch: 0,
      microBatch: 0,
      dropoutRandomState: new TrainingRandom(settings.seed).getState(),
      optimizer: optimizer.exportState(),
      parameters: new Map(),
      best: null,
      evalsWithoutImprovement: 0,
      lossHistory: [],
      devHistory: [],
      settings,
    };
  }
  const dropoutRandom = TrainingRandom.fromState(state.dropoutRandomState);
  const captureState = (): TrainingState => ({
    ...state,
    dropoutRandomState: dropoutRandom.getState(),
    optimizer: optimizer.exportState(),
    parameters: snapshot(parameters),
    lossHistory: [...state.lossHistory],
    devHistory: [...state.devHistory],
  });

  let status: TrainingStatus = 'completed';
  let finalDev: DevMetrics | null = null;
  let examplesSinceClock = 0;
  const clock = now();
  let speed = 0;

  const runEval = (): boolean => {
    if (!options.evaluate) return false;
    const dev = options.evaluate(model);
    finalDev = dev;
    state.devHistory.push({ step: state.step, epoch: state.epoch, metrics: dev.metrics });
    const better =
      state.best === null ||
      (dev.greaterIsBetter ? dev.metric > state.best.metric : dev.metric < state.best.metric);
    if (better) {
      state.best = {
        metric: dev.metric,
        step: state.step,
        parameters: settings.loadBestModelAtEnd ? snapshot(parameters) : null,
      };
      state.evalsWithoutImprovement = 0;
    } else state.evalsWithoutImprovement += 1;
    options.onProgress?.({
      kind: 'eval',
      step: state.step,
      totalSteps,
      epoch: state.epoch,
      loss: state.lossHistory.at(-1)?.loss ?? NaN,
      learningRate: state.lossHistory.at(-1)?.learningRate ?? 0,
      gradNorm: 0,
      examplesPerSecond: speed,
      etaSeconds:
        speed > 0
          ? ((totalSteps - state.step) * settings.batchSize * settings.gradientAccumulationSteps) / speed
          : NaN,
      dev,
      precision,
    });
    return (
      settings.earlyStoppingPatience > 0 && state.evalsWithoutImprovement >= settings.earlyStoppingPatience
    );
  };

  try {
    training: while (state.step < totalSteps) {
      if (state.epoch > 0 || typeof options.train === 'function') epochFeatures = featuresFor(state.epoch);
      const order = epochRandom(settings.seed, state.epoch).permutation(epochFeatures.length);
      while (state.microBatch < microBatches && state.step < totalSteps) {
        // One optimizer step: up to gradientAccumulationSteps micro-batches (fewer at epoch end).
        const groupEnd = Math.min(microBatches, state.microBatch + settings.gradientAccumulationSteps);
        const groupSize = groupEnd - state.microBatch;
        let summed = new Map<string, tf.Tensor>();
        let lossSum = 0;
        let rows = 0;
        for (let m = state.microBatch; m < groupEnd; m++) {
          const indices = order.slice(m * settings.batchSize, (m + 1) * settings.batchSize);
          const batch = collate(
            indices.map((i) => epochFeatures[i]),
            settings.task,
            options.padId ?? 0,
          );
          const ids = new Map([...parameters].map(([name, v]) => [v.name, name]));
          const { value, grads } = withSeededMathRandom(dropoutRandom, () =>
            tf.variableGrads(
              () => tf.div(model.forward(batch, { training: true }).loss!, groupSize) as tf.Scalar,
              [...parameters.values()],
            ),
          );
          lossSum += value.dataSync()[0];
          rows += indices.length;
          value.dispose();
          disposeNezhaBatch(batch);
          for (const [id, grad] of Object.entries(grads)) {
            const name = ids.get(id)!;
            const previous = summed.get(name);
            if (previous) {
              summed.set(name, tf.add(previous, grad));
              previous.dispose();
              grad.dispose();
            } else summed.set(name, grad);
          }
        }
        let gradNorm = NaN;
        if (settings.maxGradNorm > 0) {
          const clipped = clipGradNorm(summed, settings.maxGradNorm);
          summed = clipped.grads;
          gradNorm = clipped.totalNorm;
        }
        const learningRate = settings.learningRate * linearWarmupDecay(state.step, warmup, totalSteps);
        optimizer.apply(parameters, summed, learningRate);
        tf.dispose([...summed.values()]);
        state.step += 1;
        state.microBatch = groupEnd;
        if (state.microBatch >= microBatches) {
          state.microBatch = 0;
          state.epoch += 1;
        }
        state.lossHistory.push({ step: state.step, loss: lossSum, learningRate });

        examplesSinceClock += rows;
        const elapsed = (now() - clock) / 1000;
        if (elapsed > 0) speed = examplesSinceClock / elapsed;
        options.onProgress?.({
          kind: 'step',
          step: state.step,
          totalSteps,
          epoch: state.epoch,
          loss: lossSum,
          learningRate,
          gradNorm,
          examplesPerSecond: speed,
          etaSeconds:
            speed > 0
              ? ((totalSteps - state.step) * settings.batchSize * settings.gradientAccumulationSteps) / speed
              : NaN,
          precision,
        });

        const epochEnded = state.microBatch === 0;
        const evalDue = settings.evalEverySteps > 0 ? state.step % settings.evalEverySteps === 0 : epochEnded;
        if (evalDue && runEval()) {
          status = 'early-stopped';
          break training;
        }
        if (options.onSaveState && options.saveEverySteps && state.step % options.saveEverySteps === 0) {
          await options.onSaveState(captureState());
        }
        // Let a worker receive pause/cancel messages between steps.
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (options.stop?.aborted && state.step < totalSteps) {
          status = options.stop.reason === 'pause' ? 'paused' : 'cancelled';
          break training;
        }
        if (epochEnded) continue training;
      }
    }
    if (status === 'completed' && options.evaluate) {
      const last = state.devHistory.at(-1);
      if (!last || last.step !== state.step) runEval();
    }
    const finalState = captureState();
    if (
      (status === 'completed' || status === 'early-stopped') &&
      settings.loadBestModelAtEnd &&
      state.best?.parameters
    ) {
      restore(parameters, state.best.parameters, 'best checkpoint');
    }
    return {
      status,
      state: finalState,
      totalSteps,
      bestMetric: state.best?.metric ?? null,
      bestStep: state.best?.step ?? null,
      finalDev,
      precision,
      seconds: (now() - started) / 1000,
    };
  } finally {
    optimizer.dispose();
  }
}

/** A TrainingState as one safetensors file: tensors by role, the rest as JSON metadata. */
export function encodeTrainingState(state: TrainingState): Uint8Array {
  const tensors: StateDict = new Map();
  const put = (prefix: string, values: Map<string, Float32Array>) => {
    for (const [name, data] of values)
      tensors.set(`${prefix}/${name}`, { storedDtype: 'F32', shape: [data.length], data });
  };
  put('param', state.parameters);
  put('adam_m', state.optimizer.firstMoments);
  put('adam_v', state.optimizer.secondMoments);
  if (state.best?.parameters) put('best', state.best.parameters);
  const meta = {
    schema: 'nezha-training-state/1',
    step: state.step,
    epoch: state.epoch,
    microBatch: state.microBatch,
    dropoutRandomState: state.dropoutRandomState,
    optimizer: { name: state.optimizer.name, step: state.optimizer.step },
    best: state.best
      ? { metric: state.best.metric, step: state.best.step, hasParameters: state.best.parameters !== null }
      : null,
    evalsWithoutImprovement: state.evalsWithoutImprovement,
    lossHistory: state.lossHistory,
    devHistory: state.devHistory,
    settings: state.settings,
  };
  return writeSafetensors(tensors, { training_state: JSON.stringify(meta) });
}

export function decodeTrainingState(bytes: Uint8Array, file = 'training_state.safetensors'): TrainingState {
  const { stateDict: tensors, metadata } = readSafetensorsWithMetadata(bytes, file);
  const text = metadata?.training_state;
  if (text === undefined) {
    throw new Error(`${file}: no training_state metadata; this is not a Nezha Studio training state file`);
  }
  const meta = JSON.parse(text);
  if (meta.schema !== 'nezha-training-state/1') {
    throw new Error(`${file}: training state schema ${meta.schema} is not nezha-training-state/1`);
  }
  const group = (prefix: string) =>
    new Map(
      [...tensors]
        .filter(([key]) => key.startsWith(`${prefix}/`))
        .map(([key, record]) => [key.slice(prefix.length + 1), record.data as Float32Array]),
    );
  return {
    step: meta.step,
    epoch: meta.epoch,
    microBatch: meta.microBatch,
    dropoutRandomState: meta.dropoutRandomState,
    optimizer: {
      name: meta.optimizer.name,
      step: meta.optimizer.step,
      firstMoments: group('adam_m'),
      secondMoments: group('adam_v'),
    },
    parameters: group('param'),
    best: meta.best
      ? {
          metric: meta.best.metric,
          step: meta.best.step,
          parameters: meta.best.hasParameters ? group('best') : null,
        }
      : null,
    evalsWithoutImprovement: meta.evalsWithoutImprovement,
    lossHistory: meta.lossHistory,
    devHistory: meta.devHistory,
    settings: meta.settings,
  };
}

/**
 * An emscripten abort inside a WASM kernel during training is, in practice, the wasm32 heap's
 * 4 GiB limit (parameters, gradients, both AdamW moments and the activations of one batch). Its
 * own message says only "Aborted()"; this returns an error that says what happened and what to
 * change (plus `afterward`, what the caller's user does next), or the error itself when it is
 * something else.
 */
export function explainTrainingFailure(
  error: unknown,
  backend: string,
  run: {
    settings: Pick<TrainingSettings, 'batchSize' | 'gradientAccumulationSteps'>;
    maxLength: number;
    afterward?: string;
  },
): unknown {
  const message = error instanceof Error ? error.message : String(error);
  const outOfMemory = /Aborted\(|out of memory|Cannot enlarge memory|Array buffer allocation failed/i;
  if (backend !== 'wasm' || !outOfMemory.test(message)) return error;
  const { batchSize, gradientAccumulationSteps } = run.settings;
  return new Error(
    `Training ran out of the WASM backend's 4 GiB memory (batch ${batchSize} × up to ${run.maxLength} tokens; ${message}). ` +
      `Lower the batch size and raise gradient accumulation (now ${gradientAccumulationSteps}) to keep the same effective batch, or shorten the max sequence length.` +
      (run.afterward ? ` ${run.afterward}` : ''),
    { cause: error },
  );
}
