import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import './gradients';
import { useLeanBackprop } from './leanBackprop';

/*
 * leanBackprop replaces tfjs's engine.gradients with the same walk that frees as it goes. These
 * tests pin what must not change (values, what is returned, what the caller owns) and what must
 * (the peak number of live tensors). The NEZHA gradient goldens (training.test.ts) run through it
 * too, since ./gradients installs it.
 */

type Engine = { gradients: unknown };
const engine = () => tf.engine() as unknown as Engine;

/** A small MLP-like graph with fan-out (x used twice), pass-through gradients (identity, add). */
function loss(w1: tf.Tensor, w2: tf.Tensor, x: tf.Tensor): tf.Scalar {
  const h = tf.relu(tf.matMul(x, w1));
  const skip = tf.add(h, tf.clone(h));
  const out = tf.matMul(tf.tanh(skip), w2);
  return tf.mean(tf.add(tf.square(out), tf.mul(out, tf.sum(x)))) as tf.Scalar;
}

function tfjsOriginalGradients(): unknown {
  return Object.getPrototypeOf(tf.engine()).gradients;
}

describe('lean backprop', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterEach(() => useLeanBackprop());

  it('is installed by ./gradients and idempotent', () => {
    const installed = engine().gradients;
    expect(installed).not.toBe(tfjsOriginalGradients());
    useLeanBackprop();
    expect(engine().gradients).toBe(installed);
  });

  it('gives bit-identical gradients to tfjs and leaves no tensor behind', () => {
    const x = tf.randomNormal([6, 5], 0, 1, 'float32', 1);
    const w1 = tf.variable(tf.randomNormal([5, 7], 0, 1, 'float32', 2));
    const w2 = tf.variable(tf.randomNormal([7, 3], 0, 1, 'float32', 3));
    const run = () => {
      const before = tf.memory().numTensors;
      const { value, grads } = tf.variableGrads(() => loss(w1, w2, x), [w1, w2]);
      const out = [value.dataSync()[0], ...Object.values(grads).map((g) => Array.from(g.dataSync()))];
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
      return out;
    };
    const lean = run();
    engine().gradients = tfjsOriginalGradients();
    const reference = run();
    expect(lean).toEqual(reference);
    tf.dispose([x, w1, w2]);
  });

  it('keeps fewer tensors alive at its peak than tfjs on a deep chain', async () => {
    const w = tf.variable(tf.randomNormal([64, 64], 0, 0.1, 'float32', 4));
    const x = tf.randomNormal([32, 64], 0, 1, 'float32', 5);
    const deep = () => {
      let h: tf.Tensor = x;
      for (let i = 0; i < 20; i++) h = tf.tanh(tf.matMul(h, w));
      return tf.sum(h) as tf.Scalar;
    };
    const peak = async () => {
      const profile = await tf.profile(() => {
        const { value, grads } = tf.variableGrads(deep, [w]);
        tf.dispose([value, ...Object.values(grads)]);
      });
      return profile.peakBytes;
    };
    const lean = await peak();
    engine().gradients = tfjsOriginalGradients();
    const reference = await peak();
    expect(lean).toBeLessThan(reference * 0.8);
    tf.dispose([w, x]);
  });

  it('does not dispose the dy the caller passes, and tf.grad of tf.grad still works', () => {
    const x = tf.tensor1d([0.5, -1, 2]);
    const dy = tf.tensor1d([1, 2, 3]);
    const g = tf.grad((t: tf.Tensor) => tf.mul(tf.sin(t), 2))(x, dy);
    expect(dy.isDisposed).toBe(false);
    expect(Array.from(g.dataSync())).toEqual(Array.from(tf.mul(tf.mul(tf.cos(x), 2), dy).dataSync()));
    // d²/dx² sin(x) = −sin(x): the inner backward pass is recorded by the outer tape.
    const second = tf.grad(tf.grad((t: tf.Tensor) => tf.sum(tf.sin(t))))(x);
    const expected = tf.neg(tf.sin(x)).dataSync();
    Array.from(second.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    tf.dispose([x, dy, g, second]);
  });
});
