import * as tf from '@tensorflow/tfjs-core';
import type { StateDict, TensorRecord } from '../checkpoint/types';
import type { NezhaConfig } from './config';
import type { NezhaClassName, NezhaTaskModel } from './heads';
import { NEZHA_CLASSES, NEZHA_CLASS_NAMES } from './heads';
import type { InitRule, ParameterSource } from './nn';

/*
 * Checkpoint ⇄ model, as HF's from_pretrained / state_dict do it (FACTS §7): base-model keys with
 * or without the `nezha.` prefix, the MLM decoder re-tied to the word embeddings, unused keys
 * reported (unexpected_keys), absent ones initialised as _init_weights does and reported
 * (missing_keys), and any shape mismatch refused with the key and both shapes.
 */

const BASE_PREFIX = 'nezha.';
/** HF state_dict aliases of tied parameters, absent from safetensors files. */
export const TIED_ALIASES: Readonly<Record<string, string>> = {
  'cls.predictions.decoder.weight': 'nezha.embeddings.word_embeddings.weight',
  'cls.predictions.decoder.bias': 'cls.predictions.bias',
};

export class NezhaWeightsError extends Error {
  readonly key: string;
  constructor(key: string, detail: string) {
    super(`checkpoint key "${key}": ${detail}`);
    this.name = 'NezhaWeightsError';
    this.key = key;
  }
}

export interface LoadedNezha<M extends NezhaTaskModel = NezhaTaskModel> {
  model: M;
  /** Model parameters the checkpoint lacks; initialised as HF's _init_weights (seeded). */
  missingKeys: string[];
  /** Checkpoint keys this class does not use (e.g. the pooler for MaskedLM); ignored. */
  unexpectedKeys: string[];
}

export interface LoadOptions {
  /** Seed for initialising missing parameters (N(0, initializer_range)); default 0. */
  seed?: number;
}

/** A small seeded generator (mulberry32) with Box–Muller normals: reproducible head initialisation. */
export class SeededRandom {
  private state: number;
  private spare: number | null = null;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  normal(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function initialValues(shape: number[], rule: InitRule, random: SeededRandom): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  if (rule.kind === 'ones') values.fill(1);
  else if (rule.kind === 'normal') {
    for (let i = 0; i < size; i++) values[i] = random.normal() * rule.std;
    if (rule.zeroRow !== undefined && rule.zeroRow !== null && shape.length === 2) {
      values.fill(0, rule.zeroRow * shape[1], (rule.zeroRow + 1) * shape[1]);
    }
  }
  return values;
}

/** A trainable variable holding `tensor`'s values; the tensor itself is released. */
function variableFrom(tensor: tf.Tensor): tf.Variable {
  const variable = tf.variable(tensor);
  tensor.dispose();
  return variable;
}

/** A source that initialises every parameter as HF's _init_weights (a fresh, untrained model). */
export function initialisingSource(seed = 0): ParameterSource {
  const random = new SeededRandom(seed);
  return {
    create: (_name, shape, rule) =>
      variableFrom(tf.tensor(initialValues(shape, rule, random), shape, 'float32')),
  };
}

/**
 * A state dict whose float tensors may already live on the tfjs backend (the renderer worker
 * uploads each tensor as it streams in, so the CPU copy can go). loadNezha takes over every
 * tf.Tensor it uses (it becomes the parameter's variable); the caller disposes the unused ones.
 */
export type DeviceStateDict = ReadonlyMap<string, TensorRecord | tf.Tensor>;

function tensorFromRecord(key: string, record: TensorRecord | tf.Tensor, shape: number[]): tf.Tensor {
  const sameShape =
    record.shape.length === shape.length && record.shape.every((size, i) => size === shape[i]);
  if (!sameShape) {
    throw new NezhaWeightsError(
      key,
      `has shape ${shapeText(record.shape)} in the checkpoint but the model (from config.json) needs ${shapeText(shape)}; the checkpoint and its config.json do not match`,
    );
  }
  if (record instanceof tf.Tensor) {
    if (record.dtype !== 'float32')
      throw new NezhaWeightsError(key, `is a ${record.dtype} tensor but is a floating-point parameter`);
    return record;
  }
  if (!(record.data instanceof Float32Array)) {
    throw new NezhaWeightsError(
      key,
      `is stored as ${record.storedDtype} (integers) but is a floating-point parameter; the checkpoint is not a NEZHA weight file`,
    );
  }
  return tf.tensor(record.data, shape, 'float32');
}

/** HF's _fix_key: old TF-converted checkpoints name LayerNorm parameters gamma/beta. */
function fixKey(key: string): string {
  return key.replace(/\.gamma$/, '.weight').replace(/\.beta$/, '.bias');
}

function isNezhaClassName(name: string): name is NezhaClassName {
  return (NEZHA_CLASS_NAMES as readonly string[]).includes(name);
}

/**
 * Builds `className` from a checkpoint. Keys: a bare NezhaModel accepts `nezha.`-prefixed keys
 * (dropping the heads' keys as unexpected) and a head accepts unprefixed base keys, as
 * from_pretrained does. The MLM decoder is tied to the word embeddings whether or not the
 * checkpoint lists `cls.predictions.decoder.*`.
 */
export function loadNezha(
  className: NezhaClassName | string,
  config: NezhaConfig,
  stateDict: StateDict | DeviceStateDict,
  options: LoadOptions = {},
): LoadedNezha {
  if (!isNezhaClassName(className)) {
    throw new Error(`unknown NEZHA class "${className}"; expected one of ${NEZHA_CLASS_NAMES.join(', ')}`);
  }
  const checkpoint = new Map<string, { original: string; record: TensorRecord | tf.Tensor }>();
  for (const [key, record] of stateDict) checkpoint.set(fixKey(key), { original: key, record });
  const checkpointHasPrefix = [...checkpoint.keys()].some((key) => key.startsWith(BASE_PREFIX));
  const modelHasPrefix = className !== 'NezhaModel';

  // Model key → checkpoint key.
  const checkpointKey = (name: string): string => {
    if (modelHasPrefix && !checkpointHasPrefix && name.startsWith(BASE_PREFIX))
      return name.slice(BASE_PREFIX.length);
    if (!modelHasPrefix && checkpointHasPrefix) return BASE_PREFIX + name;
    return name;
  };

  const used = new Set<string>();
  const missingKeys: string[] = [];
  const random = new SeededRandom(options.seed ?? 0);
  const created: tf.Variable[] = [];
  const source: ParameterSource = {
    create(name, shape, rule) {
      let key = checkpointKey(name);
      let entry = checkpoint.get(key);
      if (entry === undefined) {
        // A checkpoint that kept only the alias (decoder) of a tied pair still provides it.
        const alias = Object.entries(TIED_ALIASES).find(([, target]) => checkpointKey(target) === key);
        if (alias !== undefined && checkpoint.has(alias[0])) {
          key = alias[0];
          entry = checkpoint.get(key);
        }
      }
      let variable: tf.Variable;
      if (entry !== undefined) {
        used.add(key);
        variable = variableFrom(tensorFromRecord(entry.original, entry.record, shape));
      } else {
        missingKeys.push(name);
        variable = variableFrom(tf.tensor(initialValues(shape, rule, random), shape, 'float32'));
      }
      created.push(variable);
      return variable;
    },
  };

  let model: NezhaTaskModel;
  try {
    model = new NEZHA_CLASSES[className](config, source);
  } catch (error) {
    for (const variable of created) variable.dispose();
    throw error;
  }

  const hasLmHead = className === 'NezhaForPreTraining' || className === 'NezhaForMaskedLM';
  const unexpectedKeys: string[] = [];
  for (const [key, entry] of checkpoint) {
    if (used.has(key)) continue;
    if (hasLmHead && key in TIED_ALIASES) {
      // The tied alias is re-tied, not loaded; its shape must still agree with its target.
      const target = model.namedParameters().get(TIED_ALIASES[key]);
      if (target !== undefined) {
        const expected = target.shape;
        if (
          entry.record.shape.length !== expected.length ||
          entry.record.shape.some((s, i) => s !== expected[i])
        ) {
          model.dispose();
          throw new NezhaWeightsError(
            entry.original,
            `has shape ${shapeText(entry.record.shape)} but is tied to ${TIED_ALIASES[key]} of shape ${shapeText(expected)}`,
          );
        }
      }
      continue;
    }
    unexpectedKeys.push(entry.original);
  }
  return { model, missingKeys, unexpectedKeys };
}

/** A fresh model with every parameter initialised as HF's _init_weights (seeded). */
export function createNezha(className: NezhaClassName, config: NezhaConfig, seed = 0): NezhaTaskModel {
  return new NEZHA_CLASSES[className](config, initialisingSource(seed));
}

export interface ExportOptions {
  /**
   * Also write HF's state_dict aliases cls.predictions.decoder.{weight,bias} (as pytorch_model.bin
   * has them); off by default, as save_pretrained's safetensors files omit them.
   */
  includeTiedAliases?: boolean;
}

/** The model's parameters as a StateDict with HF key names, in HF's state_dict order. */
export async function exportStateDict(
  model: NezhaTaskModel,
  options: ExportOptions = {},
): Promise<StateDict> {
  const out: StateDict = new Map();
  const parameters = model.namedParameters();
  const record = async (variable: tf.Variable): Promise<TensorRecord> => ({
    storedDtype: 'F32',
    shape: [...variable.shape],
    data: new Float32Array((await variable.data()) as Float32Array),
  });
  for (const [name, variable] of parameters) {
    out.set(name, await record(variable));
    if (options.includeTiedAliases && name === 'cls.predictions.transform.LayerNorm.bias') {
      for (const [alias, target] of Object.entries(TIED_ALIASES)) {
        const tied = parameters.get(target);
        if (tied !== undefined) out.set(alias, await record(tied));
      }
    }
  }
  return out;
}
