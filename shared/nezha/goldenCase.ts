import * as tf from '@tensorflow/tfjs-core';
import type { NezhaBatch, NezhaClassName, NezhaTaskOutput } from './heads';
import { HF_OUTPUT_NAMES, OUTPUT_ORDER } from './heads';

/*
 * The `nezha-golden/1` case format (fixtures/README.md): tensors as {dtype, shape, data} with
 * nested plain arrays, inputs and labels under HF's keyword names. Used by the golden tests and the
 * `infer` CLI command, which writes its outputs in the same format.
 */

export type NestedNumbers = number | NestedNumbers[];

export interface GoldenTensor {
  dtype: 'float32' | 'int64' | 'int32';
  shape: number[];
  data: NestedNumbers;
}

export interface GoldenCase {
  schema: string;
  name: string;
  model_class: string;
  checkpoint: string;
  inputs: Record<string, GoldenTensor>;
  labels?: Record<string, GoldenTensor> | null;
  outputs: Record<string, unknown>;
  output_order: string[];
  [key: string]: unknown;
}

const INPUT_FIELDS = {
  input_ids: 'inputIds',
  attention_mask: 'attentionMask',
  token_type_ids: 'tokenTypeIds',
} as const;

const LABEL_FIELDS = {
  labels: 'labels',
  next_sentence_label: 'nextSentenceLabel',
  start_positions: 'startPositions',
  end_positions: 'endPositions',
} as const;

export class GoldenCaseError extends Error {
  constructor(where: string, detail: string) {
    super(`${where}: ${detail}`);
    this.name = 'GoldenCaseError';
  }
}

/** Flattens a golden tensor's nested data, checking it against its shape. */
export function flattenGoldenData(tensor: GoldenTensor, where: string): number[] {
  const expected = tensor.shape.reduce((a, b) => a * b, 1);
  const flat: number[] = [];
  const visit = (value: NestedNumbers) => {
    if (Array.isArray(value)) for (const item of value) visit(item);
    else flat.push(value);
  };
  visit(tensor.data);
  if (flat.length !== expected) {
    throw new GoldenCaseError(
      where,
      `holds ${flat.length} values but its shape [${tensor.shape.join(', ')}] needs ${expected}`,
    );
  }
  return flat;
}

/** A golden tensor as a tfjs tensor: int64 → int32, float32 values rounded to float32 exactly. */
export function goldenToTensor(tensor: GoldenTensor, where: string): tf.Tensor {
  if (tensor === null || typeof tensor !== 'object' || !Array.isArray(tensor.shape)) {
    throw new GoldenCaseError(where, 'is not a {dtype, shape, data} tensor');
  }
  const flat = flattenGoldenData(tensor, where);
  if (tensor.dtype === 'float32') return tf.tensor(Float32Array.from(flat), tensor.shape, 'float32');
  if (tensor.dtype === 'int64' || tensor.dtype === 'int32') {
    for (const value of flat) {
      if (!Number.isInteger(value) || Math.abs(value) > 2 ** 31 - 1) {
        throw new GoldenCaseError(where, `holds ${value}, which is not an int32 value`);
      }
    }
    return tf.tensor(Int32Array.from(flat), tensor.shape, 'int32');
  }
  throw new GoldenCaseError(where, `has dtype ${String(tensor.dtype)}; expected float32 or int64`);
}

/** Parses and checks the top level of a case file. */
export function parseGoldenCase(text: string, file: string): GoldenCase {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new GoldenCaseError(file, `is not valid JSON (${(error as Error).message})`);
  }
  const data = parsed as GoldenCase;
  if (data === null || typeof data !== 'object' || data.schema !== 'nezha-golden/1') {
    throw new GoldenCaseError(
      file,
      `is not a nezha-golden/1 case file (schema is ${JSON.stringify(data?.schema)})`,
    );
  }
  if (typeof data.model_class !== 'string') throw new GoldenCaseError(file, 'has no "model_class"');
  if (data.inputs === null || typeof data.inputs !== 'object' || !('input_ids' in data.inputs)) {
    throw new GoldenCaseError(file, 'has no "inputs.input_ids"');
  }
  return data;
}

/** The case's inputs and labels (HF keyword names) as a NezhaBatch. Caller disposes the tensors. */
export function goldenBatch(
  inputs: Record<string, GoldenTensor>,
  labels: Record<string, GoldenTensor> | null | undefined,
  file = 'case',
): NezhaBatch {
  const batch: NezhaBatch = { inputIds: undefined as unknown as tf.Tensor };
  const fields = batch as unknown as Record<string, tf.Tensor>;
  for (const [key, tensor] of Object.entries(inputs)) {
    const field = INPUT_FIELDS[key as keyof typeof INPUT_FIELDS];
    if (field === undefined) throw new GoldenCaseError(`${file} inputs.${key}`, 'is not a NEZHA input');
    fields[field] = goldenToTensor(tensor, `${file} inputs.${key}`);
  }
  for (const [key, tensor] of Object.entries(labels ?? {})) {
    const field = LABEL_FIELDS[key as keyof typeof LABEL_FIELDS];
    if (field === undefined)
      throw new GoldenCaseError(`${file} labels.${key}`, 'is not a NEZHA label argument');
    fields[field] = goldenToTensor(tensor, `${file} labels.${key}`);
  }
  return batch;
}

export function disposeBatch(batch: NezhaBatch): void {
  for (const value of Object.values(batch)) if (value instanceof tf.Tensor) value.dispose();
}

/** The shortest decimal that rounds back to the same float32 (numpy's str(np.float32)). */
export function formatFloat32(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  for (let digits = 1; digits <= 9; digits++) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(value);
}

function nestedJson(
  data: ArrayLike<number>,
  shape: readonly number[],
  format: (v: number) => string,
): string {
  if (shape.length === 0) return format(data[0]);
  const parts: string[] = [];
  const strides: number[] = new Array(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  const write = (depth: number, offset: number) => {
    parts.push('[');
    for (let i = 0; i < shape[depth]; i++) {
      if (i > 0) parts.push(',');
      if (depth === shape.length - 1) parts.push(format(data[offset + i]));
      else write(depth + 1, offset + i * strides[depth]);
    }
    parts.push(']');
  };
  write(0, 0);
  return parts.join('');
}

/** One tensor as golden JSON text, {dtype, shape, data} with nested data. */
export async function tensorToGoldenJson(tensor: tf.Tensor): Promise<string> {
  const values = await tensor.data();
  const isFloat = tensor.dtype === 'float32';
  const format = isFloat ? formatFloat32 : (v: number) => String(v);
  const data = nestedJson(values as ArrayLike<number>, tensor.shape, format);
  return `{"dtype":"${isFloat ? 'float32' : 'int64'}","shape":${JSON.stringify(tensor.shape)},"data":${data}}`;
}

/**
 * A model output as golden JSON text: every field of the class's HF ModelOutput that the output
 * holds, under HF's names and in HF's order; tensors in full, lists as JSON arrays.
 */
export async function outputToGoldenJson(
  className: NezhaClassName,
  output: NezhaTaskOutput,
): Promise<string> {
  const parts: string[] = [];
  for (const field of OUTPUT_ORDER[className]) {
    const value = output[field];
    if (value === undefined) continue;
    const name = HF_OUTPUT_NAMES[field];
    if (Array.isArray(value)) {
      const items: string[] = [];
      for (const item of value) items.push(await tensorToGoldenJson(item));
      parts.push(`${JSON.stringify(name)}:[${items.join(',')}]`);
    } else {
      parts.push(`${JSON.stringify(name)}:${await tensorToGoldenJson(value)}`);
    }
  }
  return `{${parts.join(',')}}`;
}

export interface ToleranceReport {
  /** max |a − b| over all elements. */
  maxAbsError: number;
  /** Elements with |a − b| > atol + rtol·|b| (NaN mismatches count). */
  violations: number;
  /** First violating flat index, or -1. */
  firstViolation: number;
}

/** Compares `actual` with `expected` elementwise: |a − b| ≤ atol + rtol·|b|. */
export function compareValues(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol = 1e-5,
  rtol = 1e-5,
): ToleranceReport {
  if (actual.length !== expected.length) {
    throw new Error(`compareValues: ${actual.length} values against ${expected.length} expected`);
  }
  let maxAbsError = 0;
  let violations = 0;
  let firstViolation = -1;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const b = expected[i];
    const error = Math.abs(a - b);
    const bad = Number.isNaN(a) !== Number.isNaN(b) || error > atol + rtol * Math.abs(b);
    if (error > maxAbsError) maxAbsError = error;
    if (bad) {
      violations++;
      if (firstViolation < 0) firstViolation = i;
    }
  }
  return { maxAbsError, violations, firstViolation };
}
