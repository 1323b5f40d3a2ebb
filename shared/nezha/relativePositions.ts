import * as tf from '@tensorflow/tfjs-core';
import { torchUnaryFloat32 } from './torchFloat32';

/*
 * NEZHA's functional relative positions (HF NezhaRelativePositionsEncoding, FACTS §1), without the
 * [L, L, head_dim] tensor HF materialises.
 *
 * bucket(i, j) = clamp(j - i, -K, K) + K picks one of the 2K+1 rows of a fixed sinusoid table.
 * Both uses of R[i][j] = table[bucket(i, j)] reduce to two linear maps between [.., L, L] and
 * [.., L, 2K+1] tensors that are each other's adjoint:
 *
 *   expandBuckets(X)[i][j] = X[i][bucket(i, j)]                 key side:   q·R[i][j] = expand(Q tableᵀ)[i][j]
 *   sumBuckets(P)[i][m]    = Σ_{j: bucket(i, j) = m} P[i][j]    value side: Σ_j p[i][j] R[i][j] = (sum(P) table)[i]
 *
 * Both are one gather over index maps built once per length. sumBuckets reads the inner buckets
 * (|j - i| < K, one j each) straight from P and the two edge buckets from running sums of P along j
 * (forward cumsum at j = i - K, reverse cumsum at j = i + K), so it stays O(L·(2K+1)) beyond P itself.
 * Gradients: each map's gradient is the other map, wired with tf.customGrad, so backprop needs only
 * GatherV2/Cumsum/Concat (available on the CPU, WASM and WebGPU backends) and no scatter kernel.
 */

/**
 * The (2K+1) × depth sinusoid table: table[m][2t] = sin(m·div[t]), table[m][2t+1] = cos(m·div[t]),
 * div[t] = exp(2t · (−ln 10000 / depth)), bit for bit as torch 1.13 computes it in float32 on CPU.
 */
export function relativePositionTable(maxRelativePosition: number, depth: number): Float32Array {
  if (depth % 2 !== 0) throw new Error(`relative-position depth must be even, got ${depth}`);
  const rows = 2 * maxRelativePosition + 1;
  const half = depth / 2;
  // torch: arange(0, depth, 2).float() * python_float → the scalar is rounded to float32 first.
  const scale = Math.fround(-Math.log(10000.0) / depth);
  const exponents = new Float32Array(half);
  for (let t = 0; t < half; t++) exponents[t] = 2 * t * scale;
  const divTerm = torchUnaryFloat32('exp', exponents);
  // position * div_term is a contiguous [rows, depth/2] tensor; sin and cos run over it flat.
  const angles = new Float32Array(rows * half);
  for (let m = 0; m < rows; m++) for (let t = 0; t < half; t++) angles[m * half + t] = m * divTerm[t];
  const sines = torchUnaryFloat32('sin', angles);
  const cosines = torchUnaryFloat32('cos', angles);
  const table = new Float32Array(rows * depth);
  for (let i = 0; i < rows * half; i++) {
    table[2 * i] = sines[i];
    table[2 * i + 1] = cosines[i];
  }
  return table;
}

/** bucket(i, j) = clamp(j − i, −K, K) + K for i, j < length, row-major [length, length]. */
export function relativePositionBuckets(length: number, maxRelativePosition: number): Int32Array {
  const buckets = new Int32Array(length * length);
  const k = maxRelativePosition;
  for (let i = 0; i < length; i++) {
    for (let j = 0; j < length; j++) buckets[i * length + j] = Math.min(Math.max(j - i, -k), k) + k;
  }
  return buckets;
}

/** Flat gather indices for expandBuckets over a [L, 2K+1] row block: i·(2K+1) + bucket(i, j). */
function expandIndices(length: number, k: number): Int32Array {
  const width = 2 * k + 1;
  const buckets = relativePositionBuckets(length, k);
  const out = new Int32Array(length * length);
  for (let i = 0; i < length; i++) {
    for (let j = 0; j < length; j++) out[i * length + j] = i * width + buckets[i * length + j];
  }
  return out;
}

/**
 * Flat gather indices for sumBuckets over the row block [P | cumsum(P) | reverse-cumsum(P) | 0]
 * of width 3L + 1.
 */
function sumIndices(length: number, k: number): Int32Array {
  const width = 2 * k + 1;
  const rowWidth = 3 * length + 1;
  const out = new Int32Array(length * width);
  for (let i = 0; i < length; i++) {
    const base = i * rowWidth;
    const zero = base + 3 * length;
    for (let m = 0; m < width; m++) {
      let index: number;
      if (k === 0) {
        index = base + length + (length - 1); // one bucket holds the whole row
      } else if (m === 0) {
        const j = i - k; // Σ_{j' ≤ i−K} P[i][j']
        index = j >= 0 ? base + length + j : zero;
      } else if (m === 2 * k) {
        const j = i + k; // Σ_{j' ≥ i+K} P[i][j']
        index = j < length ? base + 2 * length + j : zero;
      } else {
        const j = i + m - k;
        index = j >= 0 && j < length ? base + j : zero;
      }
      out[i * width + m] = index;
    }
  }
  return out;
}

interface BucketMaps {
  expand: tf.Tensor1D;
  sum: tf.Tensor1D;
}

/**
 * The relative-position machinery of one model: the sinusoid table (a constant, as HF's buffer)
 * and the index maps per sequence length, cached. Shared by every layer (HF keeps identical copies).
 */
export class NezhaRelativePositionsEncoding {
  readonly maxRelativePosition: number;
  readonly depth: number;
  private tableTensor: tf.Tensor2D | null = null;
  private readonly maps = new Map<number, BucketMaps>();
  private static readonly MAX_CACHED_LENGTHS = 16;

  constructor(maxRelativePosition: number, depth: number) {
    this.maxRelativePosition = maxRelativePosition;
    this.depth = depth;
  }

  /** [2K+1, depth] float32 constant, made on first use (a model that fails to load allocates none). */
  get table(): tf.Tensor2D {
    if (this.tableTensor === null) {
      const rows = 2 * this.maxRelativePosition + 1;
      this.tableTensor = tf.keep(
        tf.tensor2d(relativePositionTable(this.maxRelativePosition, this.depth), [rows, this.depth]),
      );
    }
    return this.tableTensor;
  }

  private bucketMaps(length: number): BucketMaps {
    let maps = this.maps.get(length);
    if (maps === undefined) {
      if (this.maps.size >= NezhaRelativePositionsEncoding.MAX_CACHED_LENGTHS) {
        const [oldest, evicted] = this.maps.entries().next().value as [number, BucketMaps];
        this.maps.delete(oldest);
        evicted.expand.dispose();
        evicted.sum.dispose();
      }
      maps = {
        expand: tf.keep(tf.tensor1d(expandIndices(length, this.maxRelativePosition), 'int32')),
        sum: tf.keep(tf.tensor1d(sumIndices(length, this.maxRelativePosition), 'int32')),
      };
      this.maps.set(length, maps);
    }
    return maps;
  }

  private expandRaw(x: tf.Tensor3D): tf.Tensor3D {
    const [n, length, width] = x.shape;
    const flat = tf.reshape(x, [n, length * width]);
    return tf.reshape(tf.gather(flat, this.bucketMaps(length).expand, 1), [n, length, length]);
  }

  private sumRaw(p: tf.Tensor3D): tf.Tensor3D {
    const [n, length] = p.shape;
    const width = 2 * this.maxRelativePosition + 1;
    const forward = tf.cumsum(p, 2);
    const reverse = tf.cumsum(p, 2, false, true);
    const zero = tf.zeros([n, length, 1]);
    const block = tf.reshape(tf.concat([p, forward, reverse, zero], 2), [n, length * (3 * length + 1)]);
    return tf.reshape(tf.gather(block, this.bucketMaps(length).sum, 1), [n, length, width]);
  }

  /** [N, L, 2K+1] → [N, L, L]: out[n][i][j] = x[n][i][bucket(i, j)]. */
  expandBuckets(x: tf.Tensor3D): tf.Tensor3D {
    return this.expandOp(x);
  }

  /** [N, L, L] → [N, L, 2K+1]: out[n][i][m] = Σ_{j: bucket(i, j) = m} p[n][i][j]. */
  sumBuckets(p: tf.Tensor3D): tf.Tensor3D {
    return this.sumOp(p);
  }

  private readonly expandOp = tf.customGrad((...args) => ({
    value: this.expandRaw(args[0] as tf.Tensor3D),
    gradFunc: (dy: tf.Tensor3D) => this.sumRaw(dy),
  }));

  private readonly sumOp = tf.customGrad((...args) => ({
    value: this.sumRaw(args[0] as tf.Tensor3D),
    gradFunc: (dy: tf.Tensor3D) => this.expandRaw(dy),
  }));

  /** HF's forward(L) as a [L, L, depth] tensor: for tests and inspection only, never in the model. */
  materialise(length: number): tf.Tensor3D {
    return tf.tidy(() => {
      const buckets = tf.tensor1d(relativePositionBuckets(length, this.maxRelativePosition), 'int32');
      return tf.reshape(tf.gather(this.table, buckets), [length, length, this.depth]) as tf.Tensor3D;
    });
  }

  dispose(): void {
    this.tableTensor?.dispose();
    this.tableTensor = null;
    for (const maps of this.maps.values()) {
      maps.expand.dispose();
      maps.sum.dispose();
    }
    this.maps.clear();
  }
}
