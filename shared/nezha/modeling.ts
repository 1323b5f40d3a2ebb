import * as tf from '@tensorflow/tfjs-core';
import { activation } from './activations';
import type { NezhaConfig } from './config';
import type { ForwardContext, ParameterSource } from './nn';
import { Embedding, LayerNorm, Linear, Module, dropout, joinName, matMulTransposedB, tidyOutput } from './nn';
import { NezhaRelativePositionsEncoding } from './relativePositions';

/*
 * The NEZHA encoder, one class per HF sub-module (modeling_nezha.py, v4.35.2) with HF's names, so
 * `prefix` + field name is the checkpoint key. FACTS.md §1-§4 is the specification.
 */

/** torch.finfo(torch.float32).min: HF's additive mask value for padded keys. */
export const FLOAT32_MIN = -3.4028234663852886e38;

export interface NezhaInputs {
  /** int32 [batch, seq] ([batch, choices, seq] for multiple choice). */
  inputIds: tf.Tensor;
  /** 1 for real tokens, 0 for padding; all ones when absent. */
  attentionMask?: tf.Tensor;
  /** Segment ids; zeros when absent. */
  tokenTypeIds?: tf.Tensor;
}

export interface ForwardOptions {
  /** Dropout on (model.train()); default false (model.eval()). */
  training?: boolean;
  /** Return the embeddings output and every layer's output. */
  outputHiddenStates?: boolean;
  /** Return every layer's attention probabilities [batch, heads, seq, seq]. */
  outputAttentions?: boolean;
}

export interface EncoderOutput {
  lastHiddenState: tf.Tensor3D;
  hiddenStates?: tf.Tensor3D[];
  attentions?: tf.Tensor4D[];
}

export interface NezhaModelOutput extends EncoderOutput {
  poolerOutput?: tf.Tensor2D;
}

export class NezhaEmbeddings extends Module {
  readonly word_embeddings: Embedding;
  readonly token_type_embeddings: Embedding;
  readonly LayerNorm: LayerNorm;
  private readonly config: NezhaConfig;

  constructor(config: NezhaConfig, source: ParameterSource, prefix: string) {
    super(prefix);
    this.config = config;
    this.word_embeddings = this.child(
      new Embedding(
        source,
        joinName(prefix, 'word_embeddings'),
        config.vocabSize,
        config.hiddenSize,
        config.initializerRange,
        config.padTokenId,
      ),
    );
    this.token_type_embeddings = this.child(
      new Embedding(
        source,
        joinName(prefix, 'token_type_embeddings'),
        config.typeVocabSize,
        config.hiddenSize,
        config.initializerRange,
      ),
    );
    this.LayerNorm = this.child(
      new LayerNorm(source, joinName(prefix, 'LayerNorm'), config.hiddenSize, config.layerNormEps),
    );
  }

  /** LayerNorm(word[ids] + token_type[types]) then dropout; no absolute positions (FACTS §3). */
  forward(inputIds: tf.Tensor2D, tokenTypeIds: tf.Tensor2D, context: ForwardContext): tf.Tensor3D {
    const summed = tf.add(
      this.word_embeddings.apply(inputIds),
      this.token_type_embeddings.apply(tokenTypeIds),
    );
    return dropout(this.LayerNorm.apply(summed), this.config.hiddenDropoutProb, context) as tf.Tensor3D;
  }
}

export class NezhaSelfAttention extends Module {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  readonly relative_positions_encoding: NezhaRelativePositionsEncoding;
  private readonly config: NezhaConfig;

  constructor(
    config: NezhaConfig,
    source: ParameterSource,
    prefix: string,
    relativePositions: NezhaRelativePositionsEncoding,
  ) {
    super(prefix);
    this.config = config;
    const h = config.hiddenSize;
    this.query = this.child(new Linear(source, joinName(prefix, 'query'), h, h, config.initializerRange));
    this.key = this.child(new Linear(source, joinName(prefix, 'key'), h, h, config.initializerRange));
    this.value = this.child(new Linear(source, joinName(prefix, 'value'), h, h, config.initializerRange));
    this.relative_positions_encoding = relativePositions;
  }

  private splitHeads(x: tf.Tensor, batch: number, length: number): tf.Tensor4D {
    const { numAttentionHeads: heads, attentionHeadSize: depth } = this.config;
    return tf.transpose(tf.reshape(x, [batch, length, heads, depth]), [0, 2, 1, 3]);
  }

  /**
   * score = (q·k + q·R[i][j]) / √d + mask; p = softmax(score); ctx = Σ_j p·v + Σ_j p·R[i][j]
   * (FACTS §2), with R never materialised (see relativePositions.ts).
   */
  forward(
    hidden: tf.Tensor3D,
    extendedMask: tf.Tensor4D,
    context: ForwardContext,
  ): { context: tf.Tensor3D; probabilities: tf.Tensor4D } {
    const [batch, length] = hidden.shape;
    const { numAttentionHeads: heads, attentionHeadSize: depth, hiddenSize } = this.config;
    const rel = this.relative_positions_encoding;
    const buckets = 2 * rel.maxRelativePosition + 1;
    const q = this.splitHeads(this.query.apply(hidden), batch, length);
    const k = this.splitHeads(this.key.apply(hidden), batch, length);
    const v = this.splitHeads(this.value.apply(hidden), batch, length);

    // The [B, H, L, L] score intermediates are released as soon as the probabilities exist.
    const probabilities = tidyOutput(() => {
      const contentScores = matMulTransposedB(q, k);
      const queryByBucket = tf.reshape(
        tf.matMul(tf.reshape(q, [batch * heads * length, depth]), rel.tableTransposed),
        [batch * heads, length, buckets],
      ) as tf.Tensor3D;
      const positionScores = tf.reshape(rel.expandBuckets(queryByBucket), [batch, heads, length, length]);
      const scores = tf.add(tf.div(tf.add(contentScores, positionScores), Math.sqrt(depth)), extendedMask);
      return dropout(tf.softmax(scores), this.config.attentionProbsDropoutProb, context) as tf.Tensor4D;
    });

    const contentContext = tf.matMul(probabilities, v);
    const bucketWeights = rel.sumBuckets(
      tf.reshape(probabilities, [batch * heads, length, length]) as tf.Tensor3D,
    );
    const positionContext = tf.reshape(
      tf.matMul(tf.reshape(bucketWeights, [batch * heads * length, buckets]), rel.table),
      [batch, heads, length, depth],
    );
    const merged = tf.reshape(tf.transpose(tf.add(contentContext, positionContext), [0, 2, 1, 3]), [
      batch,
      length,
      hiddenSize,
    ]) as tf.Tensor3D;
    return { context: merged, probabilities };
  }
}

/**
 * dense → dropout → LayerNorm(· + residual): HF's NezhaSelfOutput and NezhaOutput, which differ only in
 * the projection's input size.
 */
abstract class NezhaResidualOutput extends Module {
  readonly dense: Linear;
  readonly LayerNorm: LayerNorm;
  private readonly config: NezhaConfig;

  protected constructor(config: NezhaConfig, source: ParameterSource, prefix: string, inputSize: number) {
    super(prefix);
    this.config = config;
    this.dense = this.child(
      new Linear(source, joinName(prefix, 'dense'), inputSize, config.hiddenSize, config.initializerRange),
    );
    this.LayerNorm = this.child(
      new LayerNorm(source, joinName(prefix, 'LayerNorm'), config.hiddenSize, config.layerNormEps),
    );
  }

  forward(hidden: tf.Tensor3D, residual: tf.Tensor3D, context: ForwardContext): tf.Tensor3D {
    const projected = dropout(this.dense.apply(hidden), this.config.hiddenDropoutProb, context);
    return this.LayerNorm.apply(tf.add(projected, residual)) as tf.Tensor3D;
  }
}

export class NezhaSelfOutput extends NezhaResidualOutput {
  constructor(config: NezhaConfig, source: ParameterSource, prefix: string) {
    super(config, source, prefix, config.hiddenSize);
  }
}

export class NezhaAttention extends Module {
  readonly self: NezhaSelfAttention;
  readonly output: NezhaSelfOutput;

  constructor(
    config: NezhaConfig,
    source: ParameterSource,
    prefix: string,
    relativePositions: NezhaRelativePositionsEncoding,
  ) {
    super(prefix);
    this.self = this.child(
      new NezhaSelfAttention(config, source, joinName(prefix, 'self'), relativePositions),
    );
    this.output = this.child(new NezhaSelfOutput(config, source, joinName(prefix, 'output')));
  }

  forward(
    hidden: tf.Tensor3D,
    extendedMask: tf.Tensor4D,
    context: ForwardContext,
  ): { output: tf.Tensor3D; probabilities: tf.Tensor4D } {
    const attended = this.self.forward(hidden, extendedMask, context);
    return {
      output: this.output.forward(attended.context, hidden, context),
      probabilities: attended.probabilities,
    };
  }
}

export class NezhaIntermediate extends Module {
  readonly dense: Linear;
  private readonly act: (x: tf.Tensor) => tf.Tensor;

  constructor(config: NezhaConfig, source: ParameterSource, prefix: string) {
    super(prefix);
    this.dense = this.child(
      new Linear(
        source,
        joinName(prefix, 'dense'),
        config.hiddenSize,
        config.intermediateSize,
        config.initializerRange,
      ),
    );
    this.act = activation(config.hiddenAct);
  }

  forward(hidden: tf.Tensor3D): tf.Tensor3D {
    return this.act(this.dense.apply(hidden)) as tf.Tensor3D;
  }
}

/** HF's NezhaOutput sub-module (the feed-forward output projection), not a model output type. */
export class NezhaOutput extends NezhaResidualOutput {
  constructor(config: NezhaConfig, source: ParameterSource, prefix: string) {
    super(config, source, prefix, config.intermediateSize);
  }
}

export class NezhaLayer extends Module {
  readonly attention: NezhaAttention;
  readonly intermediate: NezhaIntermediate;
  readonly output: NezhaOutput;

  constructor(
    config: NezhaConfig,
    source: ParameterSource,
    prefix: string,
    relativePositions: NezhaRelativePositionsEncoding,
  ) {
    super(prefix);
    this.attention = this.child(
      new NezhaAttention(config, source, joinName(prefix, 'attention'), relativePositions),
    );
    this.intermediate = this.child(new NezhaIntermediate(config, source, joinName(prefix, 'intermediate')));
    this.output = this.child(new NezhaOutput(config, source, joinName(prefix, 'output')));
  }

  /**
   * One layer in its own tidy scope, so a forward pass holds one layer's intermediates at a time;
   * the attention probabilities are kept only when asked for.
   */
  forward(
    hidden: tf.Tensor3D,
    extendedMask: tf.Tensor4D,
    context: ForwardContext,
    keepAttention = false,
  ): { output: tf.Tensor3D; probabilities: tf.Tensor4D | null } {
    return tidyOutput(() => {
      const attention = this.attention.forward(hidden, extendedMask, context);
      const output = this.output.forward(
        this.intermediate.forward(attention.output),
        attention.output,
        context,
      );
      return { output, probabilities: keepAttention ? attention.probabilities : null };
    });
  }
}

export class NezhaEncoder extends Module {
  readonly layer: NezhaLayer[];
  /** One table for all layers: HF's per-layer buffers are identical (FACTS §1). */
  readonly relativePositions: NezhaRelativePositionsEncoding;

  constructor(config: NezhaConfig, source: ParameterSource, prefix: string) {
    super(prefix);
    this.relativePositions = new NezhaRelativePositionsEncoding(
      config.maxRelativePosition,
      config.attentionHeadSize,
    );
    this.layer = [];
    for (let l = 0; l < config.numHiddenLayers; l++) {
      this.layer.push(
        this.child(new NezhaLayer(config, source, joinName(prefix, `layer.${l}`), this.relativePositions)),
      );
    }
  }

  forward(
    embeddings: tf.Tensor3D,
    extendedMask: tf.Tensor4D,
    context: ForwardContext,
    options: ForwardOptions,
  ): EncoderOutput {
    const hiddenStates: tf.Tensor3D[] = [embeddings];
    const attentions: tf.Tensor4D[] = [];
    let hidden = embeddings;
    for (const layer of this.layer) {
      const result = layer.forward(hidden, extendedMask, context, options.outputAttentions ?? false);
      hidden = result.output;
      hiddenStates.push(hidden);
      if (result.probabilities !== null) attentions.push(result.probabilities);
    }
    const output: EncoderOutput = { lastHiddenState: hidden };
    if (options.outputHiddenStates) output.hiddenStates = hiddenStates;
    if (options.outputAttentions) output.attentions = attentions;
    return output;
  }

  protected override disposeResources(): void {
    this.relativePositions.dispose();
  }
}

export class NezhaPooler extends Module {
  readonly dense: Linear;

  constructor(config: NezhaConfig, source: ParameterSource, prefix: string) {
    super(prefix);
    this.dense = this.child(
      new Linear(
        source,
        joinName(prefix, 'dense'),
        config.hiddenSize,
        config.hiddenSize,
        config.initializerRange,
      ),
    );
  }

  /** tanh(dense(hidden[:, 0])). */
  forward(hidden: tf.Tensor3D): tf.Tensor2D {
    const first = tf.squeeze(tf.slice(hidden, [0, 0, 0], [-1, 1, -1]), [1]);
    return tf.tanh(this.dense.apply(first)) as tf.Tensor2D;
  }
}

function asInt32(tensor: tf.Tensor, name: string): tf.Tensor {
  if (tensor.dtype === 'int32') return tensor;
  if (tensor.dtype === 'float32' || tensor.dtype === 'bool') return tf.cast(tensor, 'int32');
  throw new Error(`${name} must be an int32 tensor, got dtype ${tensor.dtype}`);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}

/** The bare encoder (HF NezhaModel): embeddings → layers → optional pooler. */
export class NezhaModel extends Module {
  readonly config: NezhaConfig;
  readonly embeddings: NezhaEmbeddings;
  readonly encoder: NezhaEncoder;
  readonly pooler: NezhaPooler | null;

  /** `prefix` is "" for a bare NezhaModel and "nezha" inside the heads. */
  constructor(config: NezhaConfig, source: ParameterSource, prefix = '', addPoolingLayer = true) {
    super(prefix);
    this.config = config;
    this.embeddings = this.child(new NezhaEmbeddings(config, source, joinName(prefix, 'embeddings')));
    this.encoder = this.child(new NezhaEncoder(config, source, joinName(prefix, 'encoder')));
    this.pooler = addPoolingLayer
      ? this.child(new NezhaPooler(config, source, joinName(prefix, 'pooler')))
      : null;
  }

  /** Checks the inputs of one [batch, seq] call and fills HF's defaults (mask of ones, token types 0). */
  private prepare(inputs: NezhaInputs): { ids: tf.Tensor2D; types: tf.Tensor2D; mask: tf.Tensor2D } {
    const ids = asInt32(inputs.inputIds, 'inputIds') as tf.Tensor2D;
    if (ids.rank !== 2) {
      throw new Error(`inputIds must be [batch, seq], got shape [${ids.shape.join(', ')}]`);
    }
    const check = (tensor: tf.Tensor | undefined, name: string) => {
      if (tensor !== undefined && !sameShape(tensor.shape, ids.shape)) {
        throw new Error(
          `${name} has shape [${tensor.shape.join(', ')}] but inputIds has [${ids.shape.join(', ')}]`,
        );
      }
    };
    check(inputs.attentionMask, 'attentionMask');
    check(inputs.tokenTypeIds, 'tokenTypeIds');
    const types =
      inputs.tokenTypeIds === undefined
        ? (tf.zeros(ids.shape, 'int32') as tf.Tensor2D)
        : (asInt32(inputs.tokenTypeIds, 'tokenTypeIds') as tf.Tensor2D);
    const mask =
      inputs.attentionMask === undefined
        ? (tf.ones(ids.shape, 'float32') as tf.Tensor2D)
        : (tf.cast(inputs.attentionMask, 'float32') as tf.Tensor2D);
    return { ids, types, mask };
  }

  forward(inputs: NezhaInputs, options: ForwardOptions = {}): NezhaModelOutput {
    const context: ForwardContext = { training: options.training ?? false };
    const { ids, types, mask } = this.prepare(inputs);
    const [batch, length] = ids.shape;
    // (1 − mask) · finfo(float32).min, broadcast over heads and queries (FACTS §2).
    const extendedMask = tf.reshape(tf.mul(tf.sub(1, mask), FLOAT32_MIN), [
      batch,
      1,
      1,
      length,
    ]) as tf.Tensor4D;
    const embedded = this.embeddings.forward(ids, types, context);
    const encoded = this.encoder.forward(embedded, extendedMask, context, options);
    const output: NezhaModelOutput = { ...encoded };
    if (this.pooler !== null) output.poolerOutput = this.pooler.forward(encoded.lastHiddenState);
    return output;
  }
}
