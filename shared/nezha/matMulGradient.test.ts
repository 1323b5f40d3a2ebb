import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import './gradients';

/*
 * The BatchMatMul gradient registered by ./gradients (matMulGradient.ts) runs flag-free products on
 * WASM. For every transpose combination, batched and not, its gradients on WASM equal the CPU
 * backend's (which keeps tfjs's flagged products) at 1e-5.
 */

const cases: { a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }[] = [
  { a: [5, 3], b: [3, 4], transposeA: false, transposeB: false },
  { a: [5, 3], b: [4, 3], transposeA: false, transposeB: true },
  { a: [3, 5], b: [3, 4], transposeA: true, transposeB: false },
  { a: [3, 5], b: [4, 3], transposeA: true, transposeB: true },
  { a: [2, 6, 5, 3], b: [2, 6, 3, 4], transposeA: false, transposeB: false },
  { a: [2, 6, 3, 5], b: [2, 6, 4, 3], transposeA: true, transposeB: true },
];

function gradients(backendName: string, c: (typeof cases)[number]): Float32Array[] {
  return tf.tidy(() => {
    const a = tf.randomNormal(c.a, 0, 1, 'float32', 11);
    const b = tf.randomNormal(c.b, 0, 1, 'float32', 12);
    const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.square(tf.matMul(x, y, c.transposeA, c.transposeB))),
    )([a, b]);
    expect(tf.getBackend()).toBe(backendName);
    return [ga.dataSync() as Float32Array, gb.dataSync() as Float32Array];
  });
}

describe('BatchMatMul gradient without transpose flags on WASM', () => {
  beforeAll(() => {
    setWasmPaths(
      fileURLToPath(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)),
    );
  });

  for (const c of cases) {
    it(`a ${c.a} (transposeA ${c.transposeA}), b ${c.b} (transposeB ${c.transposeB})`, async () => {
      await tf.setBackend('cpu');
      const expected = gradients('cpu', c);
      await tf.setBackend('wasm');
      const actual = gradients('wasm', c);
      actual.forEach((values, k) =>
        values.forEach((v, i) =>
          expect(Math.abs(v - expected[k][i])).toBeLessThan(1e-5 * (1 + Math.abs(expected[k][i]))),
        ),
      );
      // The backward products on WASM run without flags: every BatchMatMul after the forward one
      // multiplies operands whose inner dimensions already match.
      const { kernels } = await tf.profile(() => {
        gradients('wasm', c);
      });
      const products = kernels.filter((k) => k.name === 'BatchMatMul').slice(1);
      expect(products).toHaveLength(2);
      for (const { inputShapes } of products) {
        const [a, b] = inputShapes;
        expect(a[a.length - 1], `inputs ${JSON.stringify(inputShapes)}`).toBe(b[b.length - 2]);
      }
    });
  }
});
