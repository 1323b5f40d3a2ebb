import { createHash } from 'node:crypto';
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

  it('equals torch 1.13’s tables for the public checkpoints’ shapes (SHA-256 of the float32 bytes)', () => {
    // Hashes of HF's formula run by Debian's python3-torch 1.13.1 (AVX2, one thread), the build that
    // made the goldens. K = 64 / head size 64 is nezha-cn-base and nezha-cn-large; its vectors with
    // arguments ≥ 125 take SLEEF's Payne–Hanek path.
    const torchHashes: [number, number, string][] = [
      [64, 64, '4d291c9a1c302a81947d41f0c14ea522a58d2ec1c12d0c2f2e7cb9132652a5fe'],
      [64, 128, 'b391e327f80e5aea90d70ae039611e5f59b9ed9f19e7c7e19d45182843a3e874'],
      [127, 64, 'a7c27bfb1b57c1f530e2f1caf2af07322726c52cc7a40555bf03dcd83781fe3f'],
    ];
    for (const [k, depth, hash] of torchHashes) {
      const table = relativePositionTable(k, depth);
      const digest = createHash('sha256').update(new Uint8Array(table.buffer)).digest('hex');
      expect(digest, `K = ${k}, head size ${depth}`).toBe(hash);
    }
  });

  it('sin/cos/exp of a tensor equal torch’s values, including the large-argument path', () => {
    const x = Float32Array.of(1, 32, 125, 126.5, 1000.25, -4000.5, 0.3, 2.5, 7.75, 123, 99, 3e6);
    const torchSin = [
      0.8414709568023682, 0.5514267086982727, -0.6160404682159424, 0.7421643137931824, 0.940308690071106,
      0.9497862458229065, 0.29552021622657776, 0.5984721183776855, 0.9945987462997437, -0.4599034786224365,
      -0.9992068409919739, -0.8784900307655334,
    ];
    const torchCos = [
      0.5403023362159729, 0.8342233300209045, 0.7877144813537598, 0.6702179908752441, 0.3403227925300598,
      -0.31289955973625183, 0.9553365111351013, -0.8011435866355896, 0.10379435867071152, -0.887968897819519,
      0.03982087969779968, 0.4777606427669525,
    ];
    expect(Array.from(torchUnaryFloat32('sin', x))).toEqual(torchSin);
    expect(Array.from(torchUnaryFloat32('cos', x))).toEqual(torchCos);
    const e = Float32Array.of(-8.05904769897461, -3, 0.5, -1.1512925624847412, -7.5, -0.001);
    const torchExp = [
      0.0003162277862429619, 0.049787066876888275, 1.6487212181091309, 0.3162277638912201,
      0.0005530843627639115, 0.9990004897117615,
    ];
    expect(Array.from(torchUnaryFloat32('exp', e))).toEqual(torchExp);
    // The first differs from the correctly rounded exp: SLEEF's 1-ulp error, reproduced.
    expect(Math.fround(Math.exp(e[0]))).not.toBe(torchExp[0]);
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

  it('handles K = 0 (one bucket), K = 1 and sequences shorter than K', () => {
    for (const [k, length] of [
      [0, 5],
      [1, 4],
      [2, 7],
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
