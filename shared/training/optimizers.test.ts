import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../checkpoint/safetensors';
import { TinyFixtures } from '../nezha/fixtureReader';
import { disposeBatch, goldenBatch } from '../nezha/goldenCase';
import '../nezha/gradients';
import type { NezhaClassName } from '../nezha/heads';
import { clipGradNorm, isNoDecayParameter, NamedOptimizer, type OptimizerSettings } from './optimizers';

/*
 * AdamW reproduces torch.optim.AdamW with HF's no-decay groups and clip_grad_norm_(1.0) over three
 * steps (fixtures/training/*.adamw3.safetensors); LAMB matches a hand computation.
 */

const root = fileURLToPath(new URL('../../fixtures', import.meta.url));
const fixtures = new TinyFixtures(`${root}/nezha-tiny`, (path) => readFileSync(path));

interface AdamwGolden {
  case: string;
  model_class: NezhaClassName;
  checkpoint: string;
  steps: number;
  lr: number;
  weight_decay: number;
  betas: [number, number];
  eps: number;
  clip_grad_norm: number;
  no_decay_substrings: string[];
  losses_before_each_step: number[];
  params_file: string;
}
const index = JSON.parse(readFileSync(`${root}/training/index.json`, 'utf8')) as { adamw: AdamwGolden[] };

describe('AdamW against torch (fixtures/training)', () => {
  for (const entry of index.adamw) {
    it(`${entry.case}: ${entry.steps} clipped AdamW steps give HF's parameters at 1e-5`, async () => {
      await tf.setBackend('cpu');
      const golden = fixtures.goldenCase(entry.case);
      const { model } = fixtures.load(entry.model_class, entry.checkpoint);
      const batch = goldenBatch(golden.inputs, golden.labels, entry.case);
      const parameters = model.namedParameters();
      const optimizer = new NamedOptimizer({
        name: 'adamw',
        learningRate: entry.lr,
        beta1: entry.betas[0],
        beta2: entry.betas[1],
        epsilon: entry.eps,
        weightDecay: entry.weight_decay,
        noDecay: entry.no_decay_substrings,
      });
      const byId = new Map([...parameters].map(([name, variable]) => [variable.name, name]));
      for (let step = 0; step < entry.steps; step++) {
        const { value, grads } = tf.variableGrads(() => model.forward(batch).loss!, [...parameters.values()]);
        expect(value.dataSync()[0]).toBeCloseTo(entry.losses_before_each_step[step], 5);
        value.dispose();
        const named = new Map(Object.entries(grads).map(([id, g]) => [byId.get(id)!, g]));
        const clipped = clipGradNorm(named, entry.clip_grad_norm);
        optimizer.apply(parameters, clipped.grads, entry.lr);
        tf.dispose([...clipped.grads.values()]);
      }
      const expected = readSafetensors(
        readFileSync(`${root}/training/${entry.params_file}`),
        entry.params_file,
      );
      expect(new Set(parameters.keys())).toEqual(new Set(expected.keys()));
      // Adam's first step is lr·g/|g|: where HF's own gradient is rounding noise (|g| < 1e-7, e.g.
      // the attention key biases, whose exact gradient is 0 because softmax ignores a per-query
      // shift) the sign of the noise decides the step, so those elements may differ by up to 3·lr.
      const hfGrads = readSafetensors(
        readFileSync(`${root}/training/${entry.case}.grads.safetensors`),
        `${entry.case}.grads.safetensors`,
      );
      const failures: string[] = [];
      let noiseElements = 0;
      let checkedElements = 0;
      for (const [name, variable] of parameters) {
        const actual = variable.dataSync();
        const want = expected.get(name)!.data as Float32Array;
        const grad = hfGrads.get(name)!.data as Float32Array;
        checkedElements += actual.length;
        for (let i = 0; i < actual.length; i++) {
          const error = Math.abs(actual[i] - want[i]);
          if (error <= 1e-5 + 1e-5 * Math.abs(want[i])) continue;
          if (Math.abs(grad[i]) < 1e-7 && error <= 3 * entry.lr) noiseElements++;
          else failures.push(`${name}[${i}]: ${actual[i]} vs ${want[i]} (HF grad ${grad[i]})`);
        }
      }
      expect(failures).toEqual([]);
      expect(noiseElements).toBeLessThan(checkedElements * 1e-3);
      optimizer.dispose();
      disposeBatch(batch);
      model.dispose();
    });
  }
});

describe('LAMB', () => {
  const settings: OptimizerSettings = {
    name: 'lamb',
    learningRate: 0.1,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-6,
    weightDecay: 0.01,
    noDecay: ['bias', 'LayerNorm.weight'],
  };

  it('one step on a 2-parameter toy equals the hand computation', async () => {
    await tf.setBackend('cpu');
    const w = tf.variable(tf.tensor1d([3, 4]));
    const bias = tf.variable(tf.tensor1d([0.5, -0.5]));
    const parameters = new Map([
      ['layer.weight', w],
      ['layer.bias', bias],
    ]);
    const grads = new Map([
      ['layer.weight', tf.tensor1d([0.2, -0.1])],
      ['layer.bias', tf.tensor1d([1, 2])],
    ]);
    const optimizer = new NamedOptimizer(settings);
    optimizer.apply(parameters, grads, settings.learningRate);

    // By hand: step 1, m = 0.1 g, v = 0.001 g², m̂ = g, v̂ = g², so m̂/(√v̂ + eps) = g/(|g| + 1e-6).
    const adam = (g: number) => g / (Math.abs(g) + 1e-6);
    // weight: u = adam(g) + 0.01·w; trust = ‖w‖ / ‖u‖ = 5 / ‖u‖.
    const u = [adam(0.2) + 0.01 * 3, adam(-0.1) + 0.01 * 4];
    const uNorm = Math.hypot(u[0], u[1]);
    const trust = 5 / uNorm;
    const expectedW = [3 - 0.1 * trust * u[0], 4 - 0.1 * trust * u[1]];
    // bias: excluded from decay and adaptation: p − lr · adam(g).
    const expectedBias = [0.5 - 0.1 * adam(1), -0.5 - 0.1 * adam(2)];
    expect(Array.from(w.dataSync())).toEqual(expectedW.map((x) => expect.closeTo(x, 6)));
    expect(Array.from(bias.dataSync())).toEqual(expectedBias.map((x) => expect.closeTo(x, 6)));
    // Numbers, for the record: trust ≈ 3.5355 (‖u‖ = √(1.03² + 0.96²) ≈ 1.408).
    expect(trust).toBeCloseTo(5 / Math.hypot(1.03, -0.96), 3);
    const reports = new Map(optimizer.lastTrustRatios.map((r) => [r.name, r]));
    expect(reports.get('layer.weight')!.trustRatio).toBeCloseTo(trust, 5);
    expect(reports.get('layer.bias')).toMatchObject({ excluded: true, trustRatio: 1 });
    tf.dispose([w, bias, ...grads.values()]);
    optimizer.dispose();
  });

  it('excludes bias and LayerNorm.weight from decay and trust ratio; ratio 1 for a zero weight', async () => {
    await tf.setBackend('cpu');
    expect(isNoDecayParameter('nezha.encoder.layer.0.attention.output.LayerNorm.weight')).toBe(true);
    expect(isNoDecayParameter('nezha.encoder.layer.0.attention.output.LayerNorm.bias')).toBe(true);
    expect(isNoDecayParameter('classifier.bias')).toBe(true);
    expect(isNoDecayParameter('classifier.weight')).toBe(false);
    expect(isNoDecayParameter('nezha.embeddings.word_embeddings.weight')).toBe(false);

    const lnWeight = tf.variable(tf.tensor1d([10, 10]));
    const zero = tf.variable(tf.tensor1d([0, 0]));
    const parameters = new Map([
      ['encoder.LayerNorm.weight', lnWeight],
      ['dense.weight', zero],
    ]);
    const grads = new Map([
      ['encoder.LayerNorm.weight', tf.tensor1d([1, -1])],
      ['dense.weight', tf.tensor1d([1, 1])],
    ]);
    const optimizer = new NamedOptimizer(settings);
    optimizer.apply(parameters, grads, 0.1);
    const step = 0.1 * (1 / (1 + 1e-6));
    // A LayerNorm weight of norm 14.1 would get trust 10 if adapted; excluded, it moves by lr only.
    expect(Array.from(lnWeight.dataSync())).toEqual([
      expect.closeTo(10 - step, 6),
      expect.closeTo(10 + step, 6),
    ]);
    // ‖w‖ = 0 → trust ratio 1 (the update is plain Adam).
    expect(Array.from(zero.dataSync())).toEqual([expect.closeTo(-step, 6), expect.closeTo(-step, 6)]);
    const reports = new Map(optimizer.lastTrustRatios.map((r) => [r.name, r]));
    expect(reports.get('dense.weight')).toMatchObject({ excluded: false, weightNorm: 0, trustRatio: 1 });
    tf.dispose([lnWeight, zero, ...grads.values()]);
    optimizer.dispose();
  });

  it('clipGradNorm follows torch: scale by max/(total+1e-6) only when above', async () => {
    await tf.setBackend('cpu');
    const grads = new Map([
      ['a', tf.tensor1d([3, 0])],
      ['b', tf.tensor1d([0, 4])],
    ]);
    const { grads: clipped, totalNorm } = clipGradNorm(grads, 1);
    expect(totalNorm).toBeCloseTo(5, 6);
    expect(Array.from(clipped.get('a')!.dataSync())[0]).toBeCloseTo(3 / (5 + 1e-6), 6);
    const small = clipGradNorm(clipped, 10);
    expect(Array.from(small.grads.get('b')!.dataSync())[1]).toBeCloseTo(4 / (5 + 1e-6), 6);
    tf.dispose([...small.grads.values()]);
  });
});
