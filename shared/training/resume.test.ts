import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../datasets/importDataset';
import type { NerExample } from '../datasets/types';
import { NezhaConfig } from '../nezha/config';
import '../nezha/gradients';
import { BertTokenizer } from '../tokenizer';
import { buildTrainingJob } from './job';
import {
  decodeTrainingState,
  DEFAULT_TRAINING_SETTINGS,
  encodeTrainingState,
  train,
  type TrainingProgress,
  type TrainingSettings,
} from './trainer';

/*
 * A run killed mid-way and resumed from its last saved state ends exactly where an uninterrupted
 * run with the same seed ends: same parameters (bit for bit), same loss curve, same dev history,
 * same best checkpoint. Dropout is on, gradients are accumulated, the LR schedule warms up.
 */

const root = fileURLToPath(new URL('../../fixtures', import.meta.url));
setWasmPaths(
  fileURLToPath(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)),
);
const vocabText = readFileSync(`${root}/vocab/bert-base-chinese-vocab.txt`, 'utf8');
const tokenizer = BertTokenizer.fromFiles({ vocabText });
const corpus = `${root}/datasets/peoples_daily_ner/example.dev`;
const records = (
  importDataset(new Uint8Array(readFileSync(corpus)), { file: corpus }).records as NerExample[]
).slice(0, 60);

const settings: TrainingSettings = {
  ...DEFAULT_TRAINING_SETTINGS,
  task: 'token-classification',
  epochs: 2,
  batchSize: 6,
  gradientAccumulationSteps: 2,
  learningRate: 1e-3,
  optimizer: 'lamb',
  seed: 5,
  evalEverySteps: 3,
  earlyStoppingPatience: 0,
  loadBestModelAtEnd: true,
};

function makeJob() {
  return buildTrainingJob({
    data: { task: 'token-classification', records },
    devFraction: 0.2,
    config: new NezhaConfig({
      vocab_size: 21128,
      hidden_size: 16,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 32,
      max_relative_position: 8,
    }),
    stateDict: null,
    tokenizer,
    settings,
    maxLength: 40,
  });
}

function parameterValues(job: ReturnType<typeof makeJob>): Map<string, Float32Array> {
  return new Map([...job.model.namedParameters()].map(([n, v]) => [n, v.dataSync() as Float32Array]));
}

describe('resume', () => {
  it('killed after step 7 and resumed from the state saved at step 6, the run equals an uninterrupted one', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    // Uninterrupted.
    const full = makeJob();
    const fullResult = await train({
      model: full.model,
      settings,
      train: full.train,
      evaluate: full.evaluate,
    });
    expect(fullResult.status).toBe('completed');
    // 48 train rows / 6 = 8 micro-batches = 4 steps per epoch, 2 epochs.
    expect(fullResult.totalSteps).toBe(8);

    // Interrupted: the state is saved every 3 steps; the process "dies" after step 7.
    const first = makeJob();
    let saved: Uint8Array | null = null;
    const stop = { aborted: false, reason: 'cancel' as unknown };
    const partial = await train({
      model: first.model,
      settings,
      train: first.train,
      evaluate: first.evaluate,
      saveEverySteps: 3,
      onSaveState: (state) => {
        saved = encodeTrainingState(state);
      },
      onProgress: (p: TrainingProgress) => {
        if (p.kind === 'step' && p.step === 7) stop.aborted = true;
      },
      stop,
    });
    expect(partial.status).toBe('cancelled');
    expect(partial.state.step).toBe(7);
    first.model.dispose();

    // A new process: fresh model (different init seed on purpose), state from disk (step 6).
    const state = decodeTrainingState(saved!);
    expect(state.step).toBe(6);
    const second = makeJob();
    const resumed = await train({
      model: second.model,
      settings,
      train: second.train,
      evaluate: second.evaluate,
      resumeFrom: state,
    });
    expect(resumed.status).toBe('completed');
    expect(resumed.state.lossHistory).toEqual(fullResult.state.lossHistory);
    expect(resumed.state.devHistory).toEqual(fullResult.state.devHistory);
    expect(resumed.bestStep).toBe(fullResult.bestStep);
    const want = parameterValues(full);
    const got = parameterValues(second);
    for (const [name, values] of want) expect(got.get(name), name).toEqual(values);

    // Dropout was on: a run with another seed ends elsewhere (the equality above is not vacuous).
    const other = makeJob();
    const otherSettings = { ...settings, seed: 6 };
    const otherResult = await train({
      model: other.model,
      settings: otherSettings,
      train: other.train,
      evaluate: null,
    });
    expect(otherResult.state.lossHistory.map((h) => h.loss)).not.toEqual(
      fullResult.state.lossHistory.map((h) => h.loss),
    );
    for (const job of [full, second, other]) job.model.dispose();
  }, 120_000);

  it('pause stops after the current step with a state that continues the run', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const job = makeJob();
    const stop = { aborted: false, reason: 'pause' as unknown };
    const progress: TrainingProgress[] = [];
    const result = await train({
      model: job.model,
      settings: { ...settings, evalEverySteps: 0 },
      train: job.train,
      evaluate: job.evaluate,
      stop,
      onProgress: (p) => {
        progress.push(p);
        if (p.step === 2) stop.aborted = true;
      },
    });
    expect(result.status).toBe('paused');
    expect(result.state.step).toBe(2);
    const step = progress.find((p) => p.kind === 'step')!;
    expect(step).toMatchObject({ totalSteps: 8, precision: { used: 'fp32' } });
    expect(Number.isFinite(step.loss) && step.gradNorm > 0).toBe(true);
    // Warmup: the first step runs at lr 0 (HF's schedule), the second above it.
    expect(progress.filter((p) => p.kind === 'step').map((p) => p.learningRate)).toEqual([
      0,
      expect.any(Number),
    ]);
    expect(progress[1].learningRate).toBeGreaterThan(0);
    job.model.dispose();
  }, 60_000);
});
