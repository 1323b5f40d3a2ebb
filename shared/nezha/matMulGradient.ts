import * as tf from '@tensorflow/tfjs-core';

/*
 * tfjs-core's BatchMatMul gradient (gradients/BatchMatMul_grad.ts) computes a's and b's gradients
 * as products with transposeA or transposeB set. tfjs-backend-wasm 4.22 runs those flags far off
 * its fast path: on a NEZHA-base FFN (128 tokens, 768 ↔ 3072), measured here, the plain product
 * takes ~75–105 ms, transposeB ~410–490 ms and transposeA ~1,300–1,400 ms, so the backward pass
 * of a layer cost ~12× its forward pass. (The forward pass already avoids the flags:
 * nn.ts matMulTransposedB.)
 *
 * This registers the same gradient, with the same products, but on the WASM backend it transposes
 * an operand explicitly (a cheap copy of the smaller tensor side) and multiplies without flags.
 * The CPU and WebGPU backends keep tfjs's flagged products.
 */

/** Swaps the last two axes. */
function transposeLast(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
  return tf.transpose(x, perm);
}

/** matMul(a, b, transposeA, transposeB), without the flags on WASM. */
function product(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  if (tf.getBackend() !== 'wasm') return tf.matMul(a, b, transposeA, transposeB);
  return tf.matMul(transposeA ? transposeLast(a) : a, transposeB ? transposeLast(b) : b);
}

const batchMatMulGradient: tf.GradConfig = {
  kernelName: 'BatchMatMul',
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved, attrs) => {
    const [a, b] = saved;
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const g = dy as tf.Tensor;
    if (!transposeA && !transposeB)
      return { a: () => product(g, b, false, true), b: () => product(a, g, true, false) };
    if (!transposeA && transposeB)
      return { a: () => product(g, b, false, false), b: () => product(g, a, true, false) };
    if (transposeA && !transposeB)
      return { a: () => product(b, g, false, true), b: () => product(a, g, false, false) };
    return { a: () => product(b, g, true, true), b: () => product(g, a, true, true) };
  },
};

/**
 * Registers the WASM-friendly BatchMatMul gradient. Call after tfjs-core's gradients are
 * registered (the later registration wins); calling it again re-registers the same config.
 */
export function useTransposeFreeMatMulGradient(): void {
  tf.registerGradient(batchMatMulGradient);
}
