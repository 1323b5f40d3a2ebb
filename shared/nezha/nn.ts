import * as tf from '@tensorflow/tfjs-core';

/*
 * The few torch.nn pieces NEZHA needs (Linear, LayerNorm, Embedding, Dropout) and a Module base
 * that names parameters exactly as HF's state_dict does, so the weight map is the module tree.
 */

/** How HF's _init_weights sets a parameter that a checkpoint does not provide. */
export type InitRule =
  { kind: 'normal'; std: number; zeroRow?: number | null } | { kind: 'zeros' } | { kind: 'ones' };

/**
 * Where parameter values come from. The loader hands out checkpoint tensors (and initialises and
 * records what is missing); a fresh model initialises everything.
 */
export interface ParameterSource {
  /** `name` is the full HF state_dict key (e.g. "nezha.encoder.layer.0.attention.self.query.weight"). */
  create(name: string, shape: number[], init: InitRule): tf.Variable;
}

/** Per-call switches shared by every module of one forward pass. */
export interface ForwardContext {
  /** Dropout active (torch's model.train()). Off by default, like model.eval(). */
  training: boolean;
}

export function joinName(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

export abstract class Module {
  readonly prefix: string;
  private readonly ownParameters: [string, tf.Variable][] = [];
  private readonly children: Module[] = [];

  protected constructor(prefix: string) {
    this.prefix = prefix;
  }

  protected parameter(source: ParameterSource, name: string, shape: number[], init: InitRule): tf.Variable {
    const fullName = joinName(this.prefix, name);
    const variable = source.create(fullName, shape, init);
    this.ownParameters.push([fullName, variable]);
    return variable;
  }

  protected child<M extends Module>(module: M): M {
    this.children.push(module);
    return module;
  }

  /**
   * HF's named_parameters(): own parameters first, then children in registration order; a tied
   * parameter (the MLM decoder = word embeddings) appears once, under its first name.
   */
  namedParameters(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    const seen = new Set<tf.Variable>();
    const visit = (module: Module) => {
      for (const [name, variable] of module.ownParameters) {
        if (!seen.has(variable)) {
          seen.add(variable);
          out.set(name, variable);
        }
      }
      for (const child of module.children) visit(child);
    };
    visit(this);
    return out;
  }

  /** Non-parameter tensors a module owns (constant tables, caches). */
  protected disposeResources(): void {}

  /** Releases every parameter and owned tensor of this module tree. */
  dispose(): void {
    for (const variable of this.namedParameters().values()) {
      if (!variable.isDisposed) variable.dispose();
    }
    const release = (module: Module) => {
      module.disposeResources();
      for (const child of module.children) release(child);
    };
    release(this);
  }
}

/**
 * a · bᵀ for 2-D (or batched) operands. An explicit transpose then a plain product: the WASM
 * backend's BatchMatMul is about 10× slower with transposeB = true (tfjs 4.22), and the transpose of
 * b is cheap next to the product.
 */
export function matMulTransposedB(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const perm = b.shape.map((_, i) => i);
  [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
  return tf.matMul(a, tf.transpose(b, perm));
}

/** torch.nn.Linear: y = x Wᵀ + b, W stored [out, in] as in the checkpoint. */
export class Linear extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly inFeatures: number;
  readonly outFeatures: number;

  constructor(
    source: ParameterSource,
    prefix: string,
    inFeatures: number,
    outFeatures: number,
    initializerRange: number,
    withBias = true,
  ) {
    super(prefix);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = this.parameter(source, 'weight', [outFeatures, inFeatures], {
      kind: 'normal',
      std: initializerRange,
    });
    this.bias = withBias ? this.parameter(source, 'bias', [outFeatures], { kind: 'zeros' }) : null;
  }

  /** Wᵀ ([in, out]) for forwards without a gradient tape, and the weight buffer it was made from. */
  private inputMajorWeight: tf.Tensor2D | null = null;
  private inputMajorSource: object | null = null;

  /**
   * The weight as [in, out], made once per weight value: XNNPACK (tfjs-backend-wasm) caches its
   * packed right-hand operand per tensor, so handing it the same tensor each call skips both the
   * transpose and the repacking. An assign() (optimizer step, checkpoint load) gives the variable a
   * new data buffer, which is what the cache is keyed on. Under a gradient tape the transpose stays
   * on the tape so the weight's gradient is unchanged.
   */
  private transposedWeight(): tf.Tensor {
    if (tf.engine().isTapeOn()) return tf.transpose(this.weight);
    if (this.inputMajorWeight === null || this.inputMajorSource !== this.weight.dataId) {
      this.inputMajorWeight?.dispose();
      this.inputMajorWeight = tf.keep(tf.transpose(this.weight) as tf.Tensor2D);
      this.inputMajorSource = this.weight.dataId;
    }
    return this.inputMajorWeight;
  }

  protected override disposeResources(): void {
    this.inputMajorWeight?.dispose();
    this.inputMajorWeight = null;
    this.inputMajorSource = null;
  }

  apply(x: tf.Tensor): tf.Tensor {
    const leading = x.shape.slice(0, -1);
    const flat = tf.reshape(x, [-1, this.inFeatures]);
    let y = tf.matMul(flat, this.transposedWeight());
    if (this.bias !== null) y = tf.add(y, this.bias);
    return tf.reshape(y, [...leading, this.outFeatures]);
  }
}

/** torch.nn.LayerNorm over the last axis (biased variance, as torch). */
export class LayerNorm extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly eps: number;

  constructor(source: ParameterSource, prefix: string, size: number, eps: number) {
    super(prefix);
    this.eps = eps;
    this.weight = this.parameter(source, 'weight', [size], { kind: 'ones' });
    this.bias = this.parameter(source, 'bias', [size], { kind: 'zeros' });
  }

  apply(x: tf.Tensor): tf.Tensor {
    const mean = tf.mean(x, -1, true);
    const centered = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centered), -1, true);
    const normalised = tf.mul(centered, tf.rsqrt(tf.add(variance, this.eps)));
    return tf.add(tf.mul(normalised, this.weight), this.bias);
  }
}

/** torch.nn.Embedding; the padding_idx row starts at 0 and never receives a gradient. */
export class Embedding extends Module {
  readonly weight: tf.Variable;
  readonly numEmbeddings: number;
  readonly paddingIdx: number | null;

  constructor(
    source: ParameterSource,
    prefix: string,
    numEmbeddings: number,
    dim: number,
    initializerRange: number,
    paddingIdx: number | null = null,
  ) {
    super(prefix);
    this.numEmbeddings = numEmbeddings;
    this.paddingIdx = paddingIdx;
    this.weight = this.parameter(source, 'weight', [numEmbeddings, dim], {
      kind: 'normal',
      std: initializerRange,
      zeroRow: paddingIdx,
    });
  }

  apply(ids: tf.Tensor): tf.Tensor {
    return gatherRows(this.weight, ids, this.paddingIdx);
  }
}

/**
 * table[ids] (rows of a [rows, width] table) whose gradient is a scatter-add (ScatterNd) instead of
 * tf.gather's UnsortedSegmentSum, which the WASM backend lacks (tfjs 4.22): embeddings stay
 * trainable on every backend. As torch's nn.Embedding(padding_idx), the `paddingIdx` row gets no
 * gradient.
 */
export function gatherRows(table: tf.Tensor, ids: tf.Tensor, paddingIdx: number | null = null): tf.Tensor {
  const [rows, width] = table.shape as [number, number];
  const op = tf.customGrad((...args) => {
    const source = args[0] as tf.Tensor;
    // The ids may be a temporary of the caller's tidy (default token types): save a copy for backprop.
    (args[1] as (tensors: tf.Tensor[]) => void)([ids]);
    return {
      value: tf.gather(source, ids),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const flatIds = tf.reshape(saved[0], [-1, 1]);
        let updates = tf.reshape(dy, [-1, width]);
        if (paddingIdx !== null)
          updates = tf.mul(updates, tf.cast(tf.notEqual(flatIds, paddingIdx), 'float32'));
        return tf.scatterND(flatIds, updates, [rows, width]);
      },
    };
  });
  return op(table);
}

/** nn.Dropout: identity unless training. */
export function dropout(x: tf.Tensor, rate: number, context: ForwardContext): tf.Tensor {
  if (!context.training || rate === 0) return x;
  return tf.dropout(x, rate);
}

/** tf.tidy for functions that return a structured output (tfjs types only accept TensorContainer). */
export function tidyOutput<T>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;
}
