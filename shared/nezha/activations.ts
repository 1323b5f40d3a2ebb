import * as tf from '@tensorflow/tfjs-core';

/*
 * HF's ACT2FN (transformers/activations.py, v4.35.2), every entry, on tfjs-core ops so each one is
 * differentiable on every backend.
 */

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

function geluErf(x: tf.Tensor): tf.Tensor {
  // nn.functional.gelu (exact): x * 0.5 * (1 + erf(x / sqrt(2)))
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

function geluTanh(x: tf.Tensor): tf.Tensor {
  // NewGELUActivation / PytorchGELUTanh / GELUActivation approximations: 0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))
  const inner = tf.mul(SQRT_2_OVER_PI, tf.add(x, tf.mul(0.044715, tf.mul(x, tf.mul(x, x)))));
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
}

function geluFast(x: tf.Tensor): tf.Tensor {
  // FastGELUActivation: 0.5x(1 + tanh(x · 0.7978845608 · (1 + 0.044715x²)))
  const inner = tf.mul(tf.mul(x, 0.7978845608), tf.add(1, tf.mul(0.044715, tf.mul(x, x))));
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
}

function silu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(x));
}

const ACTIVATIONS = {
  gelu: geluErf,
  gelu_python: geluErf,
  gelu_new: geluTanh,
  gelu_pytorch_tanh: geluTanh,
  gelu_accurate: geluTanh,
  gelu_fast: geluFast,
  // ClippedGELUActivation(-10, 10)
  gelu_10: (x: tf.Tensor) => tf.clipByValue(geluErf(x), -10, 10),
  quick_gelu: (x: tf.Tensor) => tf.mul(x, tf.sigmoid(tf.mul(1.702, x))),
  // LaplaceActivation(mu=0.707107, sigma=0.282095): 0.5(1 + erf((x - mu) / (sigma·√2)))
  laplace: (x: tf.Tensor) =>
    tf.mul(0.5, tf.add(1, tf.erf(tf.div(tf.sub(x, 0.707107), 0.282095 * Math.SQRT2)))),
  leaky_relu: (x: tf.Tensor) => tf.leakyRelu(x, 0.01),
  linear: (x: tf.Tensor) => tf.clone(x),
  mish: (x: tf.Tensor) => tf.mul(x, tf.tanh(tf.softplus(x))),
  relu: (x: tf.Tensor) => tf.relu(x),
  relu2: (x: tf.Tensor) => tf.square(tf.relu(x)),
  relu6: (x: tf.Tensor) => tf.relu6(x),
  sigmoid: (x: tf.Tensor) => tf.sigmoid(x),
  silu,
  swish: silu,
  tanh: (x: tf.Tensor) => tf.tanh(x),
} satisfies Record<string, (x: tf.Tensor) => tf.Tensor>;

export type ActivationName = keyof typeof ACTIVATIONS;

export const ACTIVATION_NAMES = Object.keys(ACTIVATIONS).sort() as ActivationName[];

export function isActivationName(name: string): name is ActivationName {
  return Object.hasOwn(ACTIVATIONS, name);
}

/** ACT2FN[name]; throws for a name HF does not know. */
export function activation(name: string): (x: tf.Tensor) => tf.Tensor {
  if (!isActivationName(name)) {
    throw new Error(
      `hidden_act "${name}" is not an HF activation; use one of ${ACTIVATION_NAMES.join(', ')}`,
    );
  }
  return ACTIVATIONS[name];
}
