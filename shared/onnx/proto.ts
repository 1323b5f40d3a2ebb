/**
 * ONNX's wire format through protobufjs and ONNX's own onnx.proto (its JSON descriptor, onnxDescriptor.ts):
 * the message types, the enum values the exporter uses, and encode/decode of a ModelProto. Nothing here
 * hand-writes protobuf bytes.
 */
import protobuf from 'protobufjs';
import { ONNX_PROTO_DESCRIPTOR } from './onnxDescriptor';

let root: protobuf.Root | null = null;

function onnxRoot(): protobuf.Root {
  root ??= protobuf.Root.fromJSON(ONNX_PROTO_DESCRIPTOR);
  return root;
}

/** onnx.<name>, e.g. "ModelProto". */
export function onnxType(name: string): protobuf.Type {
  return onnxRoot().lookupType(`onnx.${name}`);
}

function enumValue(enumName: string, key: string): number {
  const values = onnxRoot().lookupEnum(`onnx.${enumName}`).values;
  const value = values[key];
  if (value === undefined) throw new Error(`onnx.proto has no ${enumName}.${key}`);
  return value;
}

/** TensorProto.DataType values. */
export const DataType = {
  get FLOAT() {
    return enumValue('TensorProto.DataType', 'FLOAT');
  },
  get INT64() {
    return enumValue('TensorProto.DataType', 'INT64');
  },
  get BOOL() {
    return enumValue('TensorProto.DataType', 'BOOL');
  },
};

export type AttributeKind = 'FLOAT' | 'INT' | 'STRING' | 'TENSOR' | 'FLOATS' | 'INTS';

export function attributeType(kind: AttributeKind): number {
  return enumValue('AttributeProto.AttributeType', kind);
}

/** TensorProto.DataLocation.EXTERNAL. */
export function externalDataLocation(): number {
  return enumValue('TensorProto.DataLocation', 'EXTERNAL');
}

/** Plain-object ModelProto (field names as in onnx.proto) → bytes; the message is verified first. */
export function encodeModel(model: Record<string, unknown>): Uint8Array {
  const type = onnxType('ModelProto');
  const problem = type.verify(model);
  if (problem !== null) throw new Error(`ONNX ModelProto is invalid: ${problem}`);
  return type.encode(type.fromObject(model)).finish();
}

/** bytes → plain-object ModelProto (int64 as numbers, bytes as Uint8Array). */
export function decodeModel(bytes: Uint8Array): Record<string, unknown> {
  const type = onnxType('ModelProto');
  return type.toObject(type.decode(bytes), { longs: Number, defaults: false, arrays: true }) as Record<
    string,
    unknown
  >;
}
