/**
 * NEZHA as an ONNX graph (opset 17, fp32): the same computation as shared/nezha (FACTS.md §1-§4), written
 * with standard ONNX ops so any runtime runs it. Inputs input_ids / attention_mask / token_type_ids (int64,
 * [batch, sequence], multiple choice [batch, choices, sequence]); outputs with HF's names. The relative
 * positions are the (2K+1) × d sinusoid table as one initializer, and the bucket indices
 * clamp(j − i, −K, K) + K are computed in the graph from the sequence length, so any length runs (no
 * [L, L, d] buffer, no cap at max_position_embeddings). Weights are initializers named by checkpoint key.
 */
import type { NezhaConfig } from '../nezha/config';
import type { NezhaClassName } from '../nezha/modelClasses';
import { FLOAT32_MIN } from '../nezha/modeling';
import { relativePositionTable } from '../nezha/relativePositions';
import { GraphBuilder, type Dim } from './graphBuilder';

/** The ONNX opset the graph uses (LayerNormalization is opset 17). */
export const NEZHA_ONNX_OPSET = 17;

export interface ParameterValues {
  shape: readonly number[];
  data: Float32Array;
}

/** HF parameter name → values; tied parameters (the MLM decoder) under their first name. */
export type ParameterLookup = (name: string) => ParameterValues | undefined;

export class OnnxExportError extends Error {
  override name = 'OnnxExportError';
}

/** The graph outputs of each class, HF's names, in HF's ModelOutput order (no loss, hidden states, attentions). */
export const ONNX_OUTPUTS: Readonly<Record<NezhaClassName, readonly string[]>> = {
  NezhaModel: ['last_hidden_state', 'pooler_output'],
  NezhaForPreTraining: ['prediction_logits', 'seq_relationship_logits'],
  NezhaForMaskedLM: ['logits'],
  NezhaForNextSentencePrediction: ['logits'],
  NezhaForSequenceClassification: ['logits'],
  NezhaForMultipleChoice: ['logits'],
  NezhaForTokenClassification: ['logits'],
  NezhaForQuestionAnswering: ['start_logits', 'end_logits'],
};

/** The graph input names, in order. */
export const ONNX_INPUTS = ['input_ids', 'attention_mask', 'token_type_ids'] as const;

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** ACT2FN[name] (shared/nezha/activations.ts) in ONNX ops, op for op, so the numbers follow tfjs's. */
function activation(g: GraphBuilder, name: string, x: string): string {
  const mul = (a: string, b: string) => g.op('Mul', [a, b]);
  const add = (a: string, b: string) => g.op('Add', [a, b]);
  const f = (v: number) => g.floats([v]);
  const geluErf = (v: string) => mul(mul(v, f(0.5)), add(f(1), g.op('Erf', [mul(v, f(Math.SQRT1_2))])));
  const tanhForm = (v: string, inner: string) => mul(mul(f(0.5), v), add(f(1), g.op('Tanh', [inner])));
  switch (name) {
    case 'gelu':
    case 'gelu_python':
      return geluErf(x);
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
    case 'gelu_accurate':
      return tanhForm(x, mul(f(SQRT_2_OVER_PI), add(x, mul(f(0.044715), mul(x, mul(x, x))))));
    case 'gelu_fast':
      return tanhForm(x, mul(mul(x, f(0.7978845608)), add(f(1), mul(f(0.044715), mul(x, x)))));
    case 'gelu_10':
      return g.op('Clip', [geluErf(x), f(-10), f(10)]);
    case 'quick_gelu':
      return mul(x, g.op('Sigmoid', [mul(f(1.702), x)]));
    case 'laplace':
      return mul(
        f(0.5),
        add(f(1), g.op('Erf', [g.op('Div', [g.op('Sub', [x, f(0.707107)]), f(0.282095 * Math.SQRT2)])])),
      );
    case 'leaky_relu':
      return g.op('LeakyRelu', [x], { alpha: { float: 0.01 } });
    case 'linear':
      return g.op('Identity', [x]);
    case 'mish':
      return mul(x, g.op('Tanh', [g.op('Softplus', [x])]));
    case 'relu':
      return g.op('Relu', [x]);
    case 'relu2': {
      const r = g.op('Relu', [x]);
      return mul(r, r);
    }
    case 'relu6':
      return g.op('Clip', [x, f(0), f(6)]);
    case 'sigmoid':
      return g.op('Sigmoid', [x]);
    case 'silu':
    case 'swish':
      return mul(x, g.op('Sigmoid', [x]));
    case 'tanh':
      return g.op('Tanh', [x]);
    default:
      throw new OnnxExportError(`hidden_act "${name}" has no ONNX form here`);
  }
}

interface BuildContext {
  g: GraphBuilder;
  config: NezhaConfig;
  param: (name: string, shape: readonly number[]) => string;
}

/** x [rows, in] · Wᵀ + b with W [out, in] as stored (Gemm transB = 1). */
function linear(c: BuildContext, prefix: string, x: string, inFeatures: number, outFeatures: number): string {
  const w = c.param(`${prefix}.weight`, [outFeatures, inFeatures]);
  const b = c.param(`${prefix}.bias`, [outFeatures]);
  return c.g.op('Gemm', [x, w, b], { transB: 1 }, prefix.replace(/\./g, '_'));
}

function layerNorm(c: BuildContext, prefix: string, x: string): string {
  const h = c.config.hiddenSize;
  return c.g.op(
    'LayerNormalization',
    [x, c.param(`${prefix}.weight`, [h]), c.param(`${prefix}.bias`, [h])],
    { axis: -1, epsilon: { float: c.config.layerNormEps } },
    prefix.replace(/\./g, '_'),
  );
}

/** Index maps of the relative positions for the graph's sequence length, computed once for all layers. */
interface RelativeMaps {
  /** [L, L] int64: i·(2K+1) + bucket(i, j), to gather Q·tableᵀ [.., L·(2K+1)] into [.., L, L]. */
  expand: string;
  /** [L, 2K−1] int64 indices into the row block [P | 0] (width L + 1) of the inner buckets; null when K = 0. */
  inner: string | null;
  /** [L, L] float 0/1 masks of the keys clipped to bucket 0 (j − i ≤ −K) and 2K (j − i ≥ K). */
  lowMask: string | null;
  highMask: string | null;
  /** tableᵀ [d, 2K+1] and table [2K+1, d]. */
  tableTransposed: string;
  table: string;
}

function relativeMaps(c: BuildContext, length: string): RelativeMaps {
  const { g } = c;
  const k = c.config.maxRelativePosition;
  const depth = c.config.attentionHeadSize;
  const width = 2 * k + 1;
  const table = relativePositionTable(k, depth);
  const transposed = new Float32Array(table.length);
  for (let m = 0; m < width; m++)
    for (let t = 0; t < depth; t++) transposed[t * width + m] = table[m * depth + t];
  const tableName = g.weight('relative_positions.table', [width, depth], table);
  const tableTransposed = g.weight('relative_positions.table_transposed', [depth, width], transposed);

  const positions = g.op('Range', [g.ints([0], []), length, g.ints([1], [])], {}, 'positions');
  const rows = g.op('Unsqueeze', [positions, g.ints([1])], {}, 'query_positions'); // [L, 1]
  const columns = g.op('Unsqueeze', [positions, g.ints([0])], {}, 'key_positions'); // [1, L]
  const distance = g.op('Sub', [columns, rows], {}, 'relative_distance'); // j − i
  const clipped = g.op('Max', [g.op('Min', [distance, g.ints([k], [])]), g.ints([-k], [])]);
  const bucket = g.op('Add', [clipped, g.ints([k], [])], {}, 'relative_bucket');
  const expand = g.op('Add', [g.op('Mul', [rows, g.ints([width], [])]), bucket], {}, 'relative_expand_index');
  if (k === 0)
    return { expand, inner: null, lowMask: null, highMask: null, table: tableName, tableTransposed };

  const toFloat = (v: string) => g.op('Cast', [v], { to: 1 });
  const lowMask = toFloat(g.op('LessOrEqual', [distance, g.ints([-k], [])]));
  const highMask = toFloat(g.op('GreaterOrEqual', [distance, g.ints([k], [])]));
  // Inner bucket m (1 .. 2K−1) holds exactly one key, j = i + m − K; out-of-range keys read the zero column L.
  const offsets = g.ints(
    Array.from({ length: 2 * k - 1 }, (_, m) => m + 1 - k),
    [1, 2 * k - 1],
  );
  const keys = g.op('Add', [rows, offsets]); // [L, 2K−1]
  const valid = g.op('And', [g.op('GreaterOrEqual', [keys, g.ints([0], [])]), g.op('Less', [keys, length])]);
  const safeKeys = g.op('Where', [valid, keys, length]);
  const rowWidth = g.op('Add', [length, g.ints([1], [])]);
  const inner = g.op('Add', [g.op('Mul', [rows, rowWidth]), safeKeys], {}, 'relative_inner_index');
  return { expand, inner, lowMask, highMask, table: tableName, tableTransposed };
}

/** [N, H, L, L] probabilities → [N, H, L, 2K+1] summed per bucket (shared/nezha sumBuckets). */
function sumBuckets(c: BuildContext, maps: RelativeMaps, p: string): string {
  const { g } = c;
  if (maps.inner === null) return g.op('ReduceSum', [p, g.ints([-1])], { keepdims: 1 });
  const low = g.op('ReduceSum', [g.op('Mul', [p, maps.lowMask!]), g.ints([-1])], { keepdims: 1 });
  const high = g.op('ReduceSum', [g.op('Mul', [p, maps.highMask!]), g.ints([-1])], { keepdims: 1 });
  const padded = g.op('Pad', [p, g.ints([0, 0, 0, 0, 0, 0, 0, 1])]);
  const flat = g.op('Reshape', [padded, g.ints([0, 0, -1])]);
  const inner = g.op('Gather', [flat, maps.inner], { axis: 2 });
  return g.op('Concat', [low, inner, high], { axis: -1 });
}

function selfAttention(
  c: BuildContext,
  prefix: string,
  hidden: string,
  extendedMask: string,
  headShape: string,
  maps: RelativeMaps,
): string {
  const { g, config } = c;
  const h = config.hiddenSize;
  const depth = config.attentionHeadSize;
  const heads = (name: string, perm: number[]) =>
    g.op('Transpose', [g.op('Reshape', [linear(c, `${prefix}.${name}`, hidden, h, h), headShape])], { perm });
  const q = heads('query', [0, 2, 1, 3]); // [N, H, L, d]
  const kT = heads('key', [0, 2, 3, 1]); // [N, H, d, L]
  const v = heads('value', [0, 2, 1, 3]);
  const content = g.op('MatMul', [q, kT]);
  const queryByBucket = g.op('Reshape', [g.op('MatMul', [q, maps.tableTransposed]), g.ints([0, 0, -1])]);
  const position = g.op('Gather', [queryByBucket, maps.expand], { axis: 2 }); // [N, H, L, L]
  const scores = g.op('Add', [
    g.op('Div', [g.op('Add', [content, position]), g.floats([Math.sqrt(depth)])]),
    extendedMask,
  ]);
  const probabilities = g.op(
    'Softmax',
    [scores],
    { axis: -1 },
    `${prefix.replace(/\./g, '_')}_probabilities`,
  );
  const context = g.op('Add', [
    g.op('MatMul', [probabilities, v]),
    g.op('MatMul', [sumBuckets(c, maps, probabilities), maps.table]),
  ]);
  return g.op('Reshape', [g.op('Transpose', [context], { perm: [0, 2, 1, 3] }), g.ints([-1, h])]);
}

function encoderLayer(
  c: BuildContext,
  prefix: string,
  hidden: string,
  extendedMask: string,
  headShape: string,
  maps: RelativeMaps,
): string {
  const { g, config } = c;
  const h = config.hiddenSize;
  const i = config.intermediateSize;
  const attended = selfAttention(c, `${prefix}.attention.self`, hidden, extendedMask, headShape, maps);
  const attentionOutput = layerNorm(
    c,
    `${prefix}.attention.output.LayerNorm`,
    g.op('Add', [linear(c, `${prefix}.attention.output.dense`, attended, h, h), hidden]),
  );
  const intermediate = activation(
    g,
    config.hiddenAct,
    linear(c, `${prefix}.intermediate.dense`, attentionOutput, h, i),
  );
  return layerNorm(
    c,
    `${prefix}.output.LayerNorm`,
    g.op('Add', [linear(c, `${prefix}.output.dense`, intermediate, i, h), attentionOutput]),
  );
}

interface EncoderValues {
  /** [N·L, H] */
  flatHidden: string;
  /** [N, L, H] */
  lastHiddenState: string;
  /** [N, H] or null without a pooler */
  pooled: string | null;
  /** Shape(input_ids 2-D) = [N, L] */
  batchAndLength: string;
}

/** NezhaModel over 2-D int64 inputs [N, L]; `base` is "" or "nezha". */
function encoder(
  c: BuildContext,
  base: string,
  ids: string,
  mask: string,
  types: string,
  withPooler: boolean,
): EncoderValues {
  const { g, config } = c;
  const p = (name: string) => (base === '' ? name : `${base}.${name}`);
  const h = config.hiddenSize;
  const batchAndLength = g.op('Shape', [ids], {}, 'batch_and_length');
  const length = g.op('Gather', [batchAndLength, g.ints([1], [])], { axis: 0 }, 'sequence_length');
  const flatIds = g.op('Reshape', [ids, g.ints([-1])]);
  const flatTypes = g.op('Reshape', [types, g.ints([-1])]);
  const words = g.op('Gather', [
    c.param(p('embeddings.word_embeddings.weight'), [config.vocabSize, h]),
    flatIds,
  ]);
  const tokenTypes = g.op('Gather', [
    c.param(p('embeddings.token_type_embeddings.weight'), [config.typeVocabSize, h]),
    flatTypes,
  ]);
  let hidden = layerNorm(c, p('embeddings.LayerNorm'), g.op('Add', [words, tokenTypes]));
  // (1 − mask) · finfo(float32).min on the keys, [N, 1, 1, L] (FACTS §2).
  const maskFloat = g.op('Cast', [mask], { to: 1 });
  const extendedMask = g.op(
    'Unsqueeze',
    [g.op('Mul', [g.op('Sub', [g.floats([1]), maskFloat]), g.floats([FLOAT32_MIN])]), g.ints([1, 2])],
    {},
    'extended_attention_mask',
  );
  const headShape = g.op(
    'Concat',
    [batchAndLength, g.ints([config.numAttentionHeads, config.attentionHeadSize])],
    {
      axis: 0,
    },
  );
  const maps = relativeMaps(c, length);
  for (let l = 0; l < config.numHiddenLayers; l++) {
    hidden = encoderLayer(c, p(`encoder.layer.${l}`), hidden, extendedMask, headShape, maps);
  }
  const lastHiddenState = g.op('Reshape', [
    hidden,
    g.op('Concat', [batchAndLength, g.ints([h])], { axis: 0 }),
  ]);
  let pooled: string | null = null;
  if (withPooler) {
    const first = g.op('Gather', [lastHiddenState, g.ints([0], [])], { axis: 1 });
    pooled = g.op('Tanh', [linear(c, p('pooler.dense'), first, h, h)], {}, 'pooler_tanh');
  }
  return { flatHidden: hidden, lastHiddenState, pooled, batchAndLength };
}

/** [N·L, width] → [N, L, width] */
function perToken(c: BuildContext, enc: EncoderValues, flat: string, width: number): string {
  return c.g.op('Reshape', [flat, c.g.op('Concat', [enc.batchAndLength, c.g.ints([width])], { axis: 0 })]);
}

function lmLogits(c: BuildContext, enc: EncoderValues): string {
  const { g, config } = c;
  const h = config.hiddenSize;
  const transformed = layerNorm(
    c,
    'cls.predictions.transform.LayerNorm',
    activation(g, config.hiddenAct, linear(c, 'cls.predictions.transform.dense', enc.flatHidden, h, h)),
  );
  // The decoder is tied to the word embeddings: the same initializer, used with transB.
  const decoder = c.param('nezha.embeddings.word_embeddings.weight', [config.vocabSize, h]);
  const bias = c.param('cls.predictions.bias', [config.vocabSize]);
  return perToken(
    c,
    enc,
    g.op('Gemm', [transformed, decoder, bias], { transB: 1 }, 'lm_decoder'),
    config.vocabSize,
  );
}

export interface NezhaGraph {
  graph: Record<string, unknown>;
  initializers: GraphBuilder['initializers'];
}

/** The graph of `className` with its weights from `lookup`; a missing or mis-shaped weight names its key. */
export function buildNezhaGraph(
  className: NezhaClassName,
  config: NezhaConfig,
  lookup: ParameterLookup,
): NezhaGraph {
  const g = new GraphBuilder();
  const param = (name: string, shape: readonly number[]): string => {
    const known = g.initializers.find((init) => init.name === name);
    if (known !== undefined) return name;
    const values = lookup(name);
    if (values === undefined)
      throw new OnnxExportError(`the model has no parameter "${name}" (${className})`);
    const same = values.shape.length === shape.length && values.shape.every((d, i) => d === shape[i]);
    if (!same) {
      throw new OnnxExportError(
        `parameter "${name}" has shape [${values.shape.join(', ')}] but ${className} needs [${shape.join(', ')}] (from config.json)`,
      );
    }
    return g.weight(name, [...shape], values.data);
  };
  const c: BuildContext = { g, config, param };
  const multipleChoice = className === 'NezhaForMultipleChoice';
  const dims: Dim[] = multipleChoice ? ['batch', 'choices', 'sequence'] : ['batch', 'sequence'];
  const [ids, mask, types] = ONNX_INPUTS.map((name) => g.input(name, 'int64', dims));
  const flat2d = (x: string) => {
    if (!multipleChoice) return x;
    const length = g.op('Slice', [g.op('Shape', [x]), g.ints([2]), g.ints([3])]);
    return g.op('Reshape', [x, g.op('Concat', [g.ints([-1]), length], { axis: 0 })]);
  };
  const base = className === 'NezhaModel' ? '' : 'nezha';
  const withPooler = ![
    'NezhaForMaskedLM',
    'NezhaForTokenClassification',
    'NezhaForQuestionAnswering',
  ].includes(className);
  const enc = encoder(c, base, flat2d(ids), flat2d(mask), flat2d(types), withPooler);
  const h = config.hiddenSize;
  const labels = config.numLabels;
  switch (className) {
    case 'NezhaModel':
      g.output('last_hidden_state', enc.lastHiddenState, ['batch', 'sequence', h]);
      g.output('pooler_output', enc.pooled!, ['batch', h]);
      break;
    case 'NezhaForPreTraining':
      g.output('prediction_logits', lmLogits(c, enc), ['batch', 'sequence', config.vocabSize]);
      g.output('seq_relationship_logits', linear(c, 'cls.seq_relationship', enc.pooled!, h, 2), ['batch', 2]);
      break;
    case 'NezhaForMaskedLM':
      g.output('logits', lmLogits(c, enc), ['batch', 'sequence', config.vocabSize]);
      break;
    case 'NezhaForNextSentencePrediction':
      g.output('logits', linear(c, 'cls.seq_relationship', enc.pooled!, h, 2), ['batch', 2]);
      break;
    case 'NezhaForSequenceClassification':
      g.output('logits', linear(c, 'classifier', enc.pooled!, h, labels), ['batch', labels]);
      break;
    case 'NezhaForMultipleChoice': {
      const batchAndChoices = g.op('Slice', [g.op('Shape', [ids]), g.ints([0]), g.ints([2])]);
      g.output('logits', g.op('Reshape', [linear(c, 'classifier', enc.pooled!, h, 1), batchAndChoices]), [
        'batch',
        'choices',
      ]);
      break;
    }
    case 'NezhaForTokenClassification':
      g.output('logits', perToken(c, enc, linear(c, 'classifier', enc.flatHidden, h, labels), labels), [
        'batch',
        'sequence',
        labels,
      ]);
      break;
    case 'NezhaForQuestionAnswering': {
      const both = perToken(c, enc, linear(c, 'qa_outputs', enc.flatHidden, h, 2), 2);
      g.output('start_logits', g.op('Gather', [both, g.ints([0], [])], { axis: 2 }), ['batch', 'sequence']);
      g.output('end_logits', g.op('Gather', [both, g.ints([1], [])], { axis: 2 }), ['batch', 'sequence']);
      break;
    }
  }
  return {
    graph: {
      name: className,
      node: g.nodes,
      input: g.inputs,
      output: g.outputs,
      doc_string: `${className} exported by Nezha Studio; relative positions computed in the graph (any length)`,
    },
    initializers: g.initializers,
  };
}
