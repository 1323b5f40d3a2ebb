/**
 * A small builder for an ONNX GraphProto as plain objects (field names as in onnx.proto): nodes with unique
 * output names, float32 / int64 initializers, graph inputs and outputs with symbolic dimensions.
 */
import { attributeType, DataType, type AttributeKind } from './proto';

export type Dim = number | string;

export interface OnnxInitializer {
  name: string;
  dims: number[];
  data_type: number;
  /** Little-endian values (raw_data); moved to external data by the serializer when the model is large. */
  raw_data: Uint8Array;
}

type AttributeValue =
  | { kind: 'INT'; value: number }
  | { kind: 'INTS'; value: number[] }
  | { kind: 'FLOAT'; value: number }
  | { kind: 'STRING'; value: string };

function littleEndianBytes(values: Float32Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(values.byteLength);
  const view = new DataView(bytes.buffer);
  if (values instanceof Float32Array) values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else values.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return bytes;
}

const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A typed array's bytes in little-endian order (a view, no copy, on little-endian hosts). */
export function rawBytes(values: Float32Array | BigInt64Array): Uint8Array {
  if (hostIsLittleEndian) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return littleEndianBytes(values);
}

function attributeProto(name: string, attribute: AttributeValue): Record<string, unknown> {
  const type = attributeType(attribute.kind as AttributeKind);
  switch (attribute.kind) {
    case 'INT':
      return { name, type, i: attribute.value };
    case 'INTS':
      return { name, type, ints: attribute.value };
    case 'FLOAT':
      return { name, type, f: attribute.value };
    case 'STRING':
      return { name, type, s: new TextEncoder().encode(attribute.value) };
  }
}

function valueInfo(name: string, elemType: number, dims: readonly Dim[]): Record<string, unknown> {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

export type Attributes = Record<string, number | number[] | string | { float: number }>;

function toAttribute(value: Attributes[string]): AttributeValue {
  if (typeof value === 'number') return { kind: 'INT', value };
  if (typeof value === 'string') return { kind: 'STRING', value };
  if (Array.isArray(value)) return { kind: 'INTS', value };
  return { kind: 'FLOAT', value: value.float };
}

export class GraphBuilder {
  readonly nodes: Record<string, unknown>[] = [];
  readonly initializers: OnnxInitializer[] = [];
  readonly inputs: Record<string, unknown>[] = [];
  readonly outputs: Record<string, unknown>[] = [];
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();
  private counter = 0;

  /** A fresh value name from a readable stem. */
  name(stem: string): string {
    let candidate = stem;
    while (this.used.has(candidate)) candidate = `${stem}_${++this.counter}`;
    this.used.add(candidate);
    return candidate;
  }

  input(name: string, elemType: 'int64' | 'float32', dims: readonly Dim[]): string {
    this.used.add(name);
    this.inputs.push(valueInfo(name, elemType === 'int64' ? DataType.INT64 : DataType.FLOAT, dims));
    return name;
  }

  /** Marks `value` as the graph output `name` (an Identity keeps HF's name on the output). */
  output(name: string, value: string, dims: readonly Dim[]): void {
    this.used.add(name);
    this.nodes.push({ op_type: 'Identity', input: [value], output: [name], name: `${name}_output` });
    this.outputs.push(valueInfo(name, DataType.FLOAT, dims));
  }

  /** One node; returns its first output's name (`outputs` > 1 returns them all via op()). */
  op(type: string, inputs: readonly string[], attributes: Attributes = {}, stem = type): string {
    return this.opMulti(type, inputs, 1, attributes, stem)[0];
  }

  opMulti(
    type: string,
    inputs: readonly string[],
    outputCount: number,
    attributes: Attributes = {},
    stem = type,
  ): string[] {
    const outputs = Array.from({ length: outputCount }, (_, i) =>
      this.name(outputCount > 1 ? `${stem}_${i}` : stem),
    );
    this.nodes.push({
      op_type: type,
      input: [...inputs],
      output: outputs,
      name: this.name(`${stem}_node`),
      attribute: Object.entries(attributes).map(([key, value]) => attributeProto(key, toAttribute(value))),
    });
    return outputs;
  }

  /** A float32 weight initializer named as its checkpoint key. */
  weight(name: string, dims: number[], values: Float32Array): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (values.length !== expected) {
      throw new Error(
        `weight "${name}": ${values.length} values for shape [${dims.join(', ')}] (${expected})`,
      );
    }
    this.used.add(name);
    this.initializers.push({ name, dims, data_type: DataType.FLOAT, raw_data: rawBytes(values) });
    return name;
  }

  /** A float32 constant (scalar when dims is []), shared by value. */
  floats(
    values: number[],
    dims: number[] = values.length === 1 ? [] : [values.length],
    stem = 'const_f',
  ): string {
    return this.constant('f', values, dims, stem, () => Float32Array.from(values), DataType.FLOAT);
  }

  /** An int64 constant (scalar when dims is []), shared by value. */
  ints(values: number[], dims: number[] = [values.length], stem = 'const_i'): string {
    return this.constant(
      'i',
      values,
      dims,
      stem,
      () => BigInt64Array.from(values.map((v) => BigInt(v))),
      DataType.INT64,
    );
  }

  private constant(
    kind: string,
    values: number[],
    dims: number[],
    stem: string,
    make: () => Float32Array | BigInt64Array,
    dataType: number,
  ): string {
    const key = `${kind}:${dims.join('x')}:${values.join(',')}`;
    const known = this.constants.get(key);
    if (known !== undefined) return known;
    const name = this.name(stem);
    this.initializers.push({ name, dims, data_type: dataType, raw_data: littleEndianBytes(make()) });
    this.constants.set(key, name);
    return name;
  }
}
