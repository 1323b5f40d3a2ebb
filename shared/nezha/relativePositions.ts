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
 * expandBuckets is one gather over an index map built once per length. sumBuckets reads the inner
 * buckets (|j − i| < K, one key each) with one gather from P and the two edge buckets as masked row
 * sums (keys j ≤ i − K and j ≥ i + K), so beyond P itself it needs about one more P-sized temporary.
 * Gradients: each map's gradient is the other map, wired with tf.customGrad, so backprop needs only
 * GatherV2/Mul/Sum/Pad/Concat (available on the CPU, WASM and WebGPU backends) and no scatter kernel.
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
 * Flat gather indices for the inner buckets m = 1 .. 2K−1 of sumBuckets (one key each,
 * j = i + m − K) over the row block [P | 0] of width L + 1; out-of-range keys read the 0.
 */
function innerIndices(length: number, k: number): Int32Array {
  const inner = Math.max(2 * k - 1, 0);
  const rowWidth = length + 1;
  const out = new Int32Array(length * inner);
  for (let i = 0; i < length; i++) {
    for (let m = 1; m < 2 * k; m++) {
      const j = i + m - k;
      out[i * inner + m - 1] = i * rowWidth + (j >= 0 && j < length ? j : length);
    }
  }
  return out;
}

/** 0/1 masks [L, L] of the keys that clip to the first (j ≤ i − K) and last (j ≥ i + K) bucket. */
function edgeMasks(length: number, k: number): [Float32Array, Float32Array] {
  const low = new Float32Array(length * length);
  const high = new Float32Array(length * length);
  for (let i = 0; i < length; i++) {
    for (let j = 0; j < length; j++) {
      if (j - i <= -k) low[i * length + j] = 1;
      if (j - i >= k) high[i * length + j] = 1;
    }
  }
  return [low, high];
}

interface BucketMaps {
  expand: tf.Tensor1D;
  inner: tf.Tensor1D;
  lowMask: tf.Tensor2D;
  highMask: tf.Tensor2D;
}

/**
 * The relative-position machinery of one model: the sinusoid table (a constant, as HF's buffer)
 * and the index maps per sequence length, cached. Shared by every layer (HF keeps identical copies).
 */
export class NezhaRelativePositionsEncoding {
  readonly maxRelativePosition: number;
  readonly depth: number;
  private tableTensor: tf.Tensor2D | null = null;
  private tableTransposedTensor: tf.Tensor2D | null = null;
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
        tf.dispose([evicted.expand, evicted.inner, evicted.lowMask, evicted.highMask]);
      }
      const [low, high] = edgeMasks(length, this.maxRelativePosition);
      maps = {
        expand: tf.keep(tf.tensor1d(expandIndices(length, this.maxRelativePosition), 'int32')),
        inner: tf.keep(tf.tensor1d(innerIndices(length, this.maxRelativePosition), 'int32')),
        lowMask: tf.keep(tf.tensor2d(low, [length, length])),
        highMask: tf.keep(tf.tensor2d(high, [length, length])),
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
    return tf.tidy(() => {
      const [n, length] = p.shape;
      const k = this.maxRelativePosition;
      if (k === 0) return tf.sum(p, 2, true) as tf.Tensor3D; // one bucket holds the whole row
      const maps = this.bucketMaps(length);
      // Edge buckets: masked row sums, each product released before the next (peak ≈ 2 × P).
      const low = tf.tidy(() => tf.sum(tf.mul(p, maps.lowMask), 2, true));
      const high = tf.tidy(() => tf.sum(tf.mul(p, maps.highMask), 2, true));
      const padded = tf.reshape(
        tf.pad(p, [
          [0, 0],
          [0, 0],
          [0, 1],
        ]),
        [n, length * (length + 1)],
      );
      const inner = tf.reshape(tf.gather(padded, maps.inner, 1), [n, length, 2 * k - 1]);
      return tf.concat([low, inner, high], 2) as tf.Tensor3D;
    });
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

  /** tableᵀ [depth, 2K+1], for the key-side product Q · tableᵀ without a transposed matmul. */
  get tableTransposed(): tf.Tensor2D {
    if (this.tableTransposedTensor === null) this.tableTransposedTensor = tf.keep(tf.transpose(this.table));
    return this.tableTransposedTensor;
  }

  dispose(): void {
    this.tableTensor?.dispose();
    this.tableTensor = null;
    this.tableTransposedTensor?.dispose();
    this.tableTransposedTensor = null;
    for (const maps of this.maps.values()) tf.dispose([maps.expand, maps.inner, maps.lowMask, maps.highMask]);
    this.maps.clear();
  }
}
