import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import './gradients';
import { TinyFixtures } from './fixtureReader';
import type { GoldenTensor } from './goldenCase';
import { flattenGoldenData } from './goldenCase';
import {
  NezhaRelativePositionsEncoding,
  relativePositionBuckets,
  relativePositionTable,
} from './relativePositions';
import { fmaf, torchUnaryFloat32 } from './torchFloat32';

const fixtures = new TinyFixtures(
  fileURLToPath(new URL('../../fixtures/nezha-tiny', import.meta.url)),
  (path) => readFileSync(path),
);

interface RelativeGolden {
  positions_encoding: GoldenTensor;
  index_matrix: { values: GoldenTensor };
  embeddings_table: { values: GoldenTensor };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('relative-position table', () => {
  const golden = fixtures.json<RelativeGolden>('goldens', 'relative_positions.json');

  it('equals HF’s float32 sinusoid table bit for bit (K = 16, head size 8)', () => {
    const expected = Float32Array.from(flattenGoldenData(golden.embeddings_table.values, 'embeddings_table'));
    const table = relativePositionTable(16, 8);
    expect(table.length).toBe(expected.length);
    const differing = [...table.keys()].filter((i) => table[i] !== expected[i]);
    expect(differing).toEqual([]);
  });

  it('bucket indices equal HF’s index matrix, clamp(j − i, −K, K) + K', () => {
    const expected = flattenGoldenData(golden.index_matrix.values, 'index_matrix');
    expect(Array.from(relativePositionBuckets(40, 16))).toEqual(expected);
  });

  it('materialises HF’s [40, 40, 8] positions_encoding exactly', () => {
    const encoding = new NezhaRelativePositionsEncoding(16, 8);
    const full = encoding.materialise(40);
    expect(full.shape).toEqual([40, 40, 8]);
    expect(Array.from(full.dataSync())).toEqual(
      Array.from(Float32Array.from(flattenGoldenData(golden.positions_encoding, 'positions_encoding'))),
    );
    full.dispose();
    encoding.dispose();
  });

  it('reproduces torch’s SLEEF values where correctly rounded results differ', () => {
    // Values read from torch 1.13 (AVX2) for these inputs; correct rounding gives the other neighbour.
    expect(torchUnaryFloat32('cos', Float32Array.of(1))[0]).toBe(Math.fround(0.5403023362159729));
    expect(Math.fround(Math.cos(1))).toBe(Math.fround(0.5403022766113281));
    expect(torchUnaryFloat32('cos', Float32Array.of(32))[0]).toBe(Math.fround(0.8342233300209045));
  });

  it('fmaf rounds once', () => {
    // (2^-12 + 2^-35)(2^-12 − 2^-35) + (1 + 2^-23) = 1 + 2^-23 + 2^-24 − 2^-70: just below a float32
    // midpoint, so it rounds down; rounding to double first would land on the midpoint and round up.
    const a = 2 ** -12 + 2 ** -35;
    const b = 2 ** -12 - 2 ** -35;
    const c = 1 + 2 ** -23;
    expect(fmaf(a, b, c)).toBe(1 + 2 ** -23);
    expect(Math.fround(a * b + c)).toBe(1 + 2 ** -22);
    expect(fmaf(Math.fround(1 + 2 ** -12), Math.fround(1 - 2 ** -12), 0)).toBe(Math.fround(1 - 2 ** -24));
  });
});

describe('bucket maps', () => {
  it('expandBuckets and sumBuckets match the materialised HF computation and are adjoint', () => {
    const k = 3;
    const depth = 4;
    const length = 9;
    const encoding = new NezhaRelativePositionsEncoding(k, depth);
    tf.tidy(() => {
      const q = tf.randomNormal([2, length, depth], 0, 1, 'float32', 7) as tf.Tensor3D;
      const p = tf.softmax(tf.randomNormal([2, length, length], 0, 1, 'float32', 8)) as tf.Tensor3D;
      const r = encoding.materialise(length); // [L, L, d]
      // Key side: q_i · R[i][j]
      const keyDirect = tf.einsum('nid,ijd->nij', q, r);
      const keyBuckets = encoding.expandBuckets(tf.matMul(q, encoding.table, false, true) as tf.Tensor3D);
      expect(tf.max(tf.abs(tf.sub(keyDirect, keyBuckets))).dataSync()[0]).toBeLessThan(1e-6);
      // Value side: Σ_j p[i][j] R[i][j]
      const valueDirect = tf.einsum('nij,ijd->nid', p, r);
      const valueBuckets = tf.matMul(encoding.sumBuckets(p), encoding.table);
      expect(tf.max(tf.abs(tf.sub(valueDirect, valueBuckets))).dataSync()[0]).toBeLessThan(1e-6);
      // Gradients through the custom ops equal the adjoint map.
      const x = tf.randomNormal([2, length, 2 * k + 1], 0, 1, 'float32', 9) as tf.Tensor3D;
      const w = tf.randomNormal([2, length, length], 0, 1, 'float32', 10) as tf.Tensor3D;
      const gradExpand = tf.grad((input: tf.Tensor) =>
        tf.sum(tf.mul(encoding.expandBuckets(input as tf.Tensor3D), w)),
      )(x);
      expect(tf.max(tf.abs(tf.sub(gradExpand, encoding.sumBuckets(w)))).dataSync()[0]).toBeLessThan(1e-6);
      const gradSum = tf.grad((input: tf.Tensor) =>
        tf.sum(tf.mul(encoding.sumBuckets(input as tf.Tensor3D), x)),
      )(w);
      expect(tf.max(tf.abs(tf.sub(gradSum, encoding.expandBuckets(x)))).dataSync()[0]).toBeLessThan(1e-6);
    });
    encoding.dispose();
  });

  it('handles K = 0 (one bucket) and sequences shorter than K', () => {
    for (const [k, length] of [
      [0, 5],
      [6, 3],
    ]) {
      const encoding = new NezhaRelativePositionsEncoding(k, 2);
      tf.tidy(() => {
        const p = tf.softmax(tf.randomNormal([1, length, length], 0, 1, 'float32', 3)) as tf.Tensor3D;
        const direct = tf.einsum('nij,ijd->nid', p, encoding.materialise(length));
        const viaBuckets = tf.matMul(encoding.sumBuckets(p), encoding.table);
        expect(tf.max(tf.abs(tf.sub(direct, viaBuckets))).dataSync()[0]).toBeLessThan(1e-6);
      });
      encoding.dispose();
    }
  });
});
