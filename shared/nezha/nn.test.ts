import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import './gradients';
import { Linear, type ParameterSource } from './nn';

const source: ParameterSource = {
  create: (_name, shape) => tf.variable(tf.randomNormal(shape, 0, 0.5, 'float32', 7)),
};

/** x Wᵀ + b computed directly from the HF-layout weight. */
function reference(linear: Linear, x: tf.Tensor2D): tf.Tensor {
  return tf.add(tf.matMul(x, linear.weight, false, true), linear.bias!);
}

describe('Linear with its [in, out] weight made once', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('reuses one transposed weight across forwards and leaves no tensors behind', () => {
    const linear = new Linear(source, 'dense', 5, 3, 0.02);
    const x = tf.randomNormal([4, 5], 0, 1, 'float32', 3) as tf.Tensor2D;
    tf.tidy(() => {
      linear.apply(x); // the first call makes the cached layout
    });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i += 1)
      tf.tidy(() => {
        linear.apply(x);
      });
    expect(tf.memory().numTensors).toBe(before);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(linear.apply(x), reference(linear, x)))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-6);
    linear.dispose();
    x.dispose();
  });

  it('follows an assign() of the weight (optimizer step, reload)', () => {
    const linear = new Linear(source, 'dense', 5, 3, 0.02);
    const x = tf.randomNormal([2, 5], 0, 1, 'float32', 4) as tf.Tensor2D;
    const first = tf.tidy(() => linear.apply(x));
    linear.weight.assign(tf.mul(linear.weight, -2));
    const second = tf.tidy(() => linear.apply(x));
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(second, reference(linear, x)))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-6);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(first, second))).dataSync()[0])).toBeGreaterThan(1e-3);
    tf.dispose([first, second, x]);
    linear.dispose();
  });

  it('keeps the weight gradient under a tape', () => {
    const linear = new Linear(source, 'dense', 5, 3, 0.02);
    const x = tf.randomNormal([2, 5], 0, 1, 'float32', 5) as tf.Tensor2D;
    tf.tidy(() => linear.apply(x)); // a cached layout exists; the tape must not use it
    const { grads } = tf.variableGrads(() => tf.sum(linear.apply(x)) as tf.Scalar, [linear.weight]);
    // d sum(x Wᵀ) / dW[o, i] = Σ_rows x[row, i]
    const expected = tf.tidy(() => tf.tile(tf.sum(x, 0, true), [3, 1]));
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(grads[linear.weight.name], expected))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-5);
    tf.dispose([expected, x, ...Object.values(grads)]);
    linear.dispose();
  });
});
