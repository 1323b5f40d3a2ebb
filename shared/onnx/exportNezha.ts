/**
 * A loaded NEZHA model (any class) → an ONNX ModelProto's bytes. Under 2 GB the weights are initializers
 * inside the file; over it (protobuf's message limit) they go to one external data file next to the model
 * (ONNX's external data: location, offset, length per tensor, offsets 4 KiB aligned).
 */
import type { NezhaTaskModel } from '../nezha/heads';
import type { NezhaClassName } from '../nezha/modelClasses';
import type { NezhaConfig } from '../nezha/config';
import { buildNezhaGraph, NEZHA_ONNX_OPSET, type ParameterLookup } from './nezhaGraph';
import type { OnnxInitializer } from './graphBuilder';
import { encodeModel, externalDataLocation } from './proto';

/** ONNX IR version 8 (2021-07-30): what opset 17 models declare; every ORT since 1.10 reads it. */
export const ONNX_IR_VERSION = 8;
/** Bumped when the exported graph changes, so exports cached by an older version are not reused. */
export const NEZHA_ONNX_EXPORTER_VERSION = 1;
/** Above this many weight bytes, weights go to external data (protobuf messages are limited to 2 GiB). */
export const EXTERNAL_DATA_THRESHOLD = 2 ** 31 - 64 * 2 ** 20;
const EXTERNAL_ALIGNMENT = 4096;
/** Tensors smaller than this stay inside the model (as onnx's convert_model_to_external_data: shape constants). */
const EXTERNAL_MIN_BYTES = 1024;

export interface OnnxExportOptions {
  /** File name of the external data, relative to the model file (e.g. "model.onnx.data"). */
  externalDataName: string;
  /** Weight bytes above which external data is used; default EXTERNAL_DATA_THRESHOLD. */
  externalDataThreshold?: number;
  producerVersion?: string;
}

export interface OnnxExport {
  /** The ModelProto. */
  model: Uint8Array;
  /** The external data file's name and its content in chunks (write them in order), or null. */
  externalData: { name: string; chunks: Uint8Array[]; bytes: number } | null;
  className: NezhaClassName;
  inputs: readonly string[];
  outputs: readonly string[];
  weightBytes: number;
}

function moveToExternal(
  initializers: OnnxInitializer[],
  name: string,
): { chunks: Uint8Array[]; bytes: number; tensors: Record<string, unknown>[] } {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const tensors = initializers.map((init): Record<string, unknown> => {
    if (init.raw_data.byteLength < EXTERNAL_MIN_BYTES) return { ...init };
    const pad = (EXTERNAL_ALIGNMENT - (offset % EXTERNAL_ALIGNMENT)) % EXTERNAL_ALIGNMENT;
    if (pad > 0) chunks.push(new Uint8Array(pad));
    offset += pad;
    chunks.push(init.raw_data);
    const entry = {
      name: init.name,
      dims: init.dims,
      data_type: init.data_type,
      data_location: externalDataLocation(),
      external_data: [
        { key: 'location', value: name },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(init.raw_data.byteLength) },
      ],
    };
    offset += init.raw_data.byteLength;
    return entry;
  });
  return { chunks, bytes: offset, tensors };
}

/** The graph and weights of `className` as ONNX bytes. */
export function exportNezhaOnnx(
  className: NezhaClassName,
  config: NezhaConfig,
  lookup: ParameterLookup,
  options: OnnxExportOptions,
): OnnxExport {
  const { graph, initializers } = buildNezhaGraph(className, config, lookup);
  const weightBytes = initializers.reduce((sum, init) => sum + init.raw_data.byteLength, 0);
  const external = weightBytes > (options.externalDataThreshold ?? EXTERNAL_DATA_THRESHOLD);
  let externalData: OnnxExport['externalData'] = null;
  let initializerProtos: Record<string, unknown>[] = initializers as unknown as Record<string, unknown>[];
  if (external) {
    const moved = moveToExternal(initializers, options.externalDataName);
    externalData = { name: options.externalDataName, chunks: moved.chunks, bytes: moved.bytes };
    initializerProtos = moved.tensors;
  }
  const model = encodeModel({
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: NEZHA_ONNX_OPSET }],
    producer_name: 'nezha-studio',
    producer_version: options.producerVersion ?? String(NEZHA_ONNX_EXPORTER_VERSION),
    doc_string: `${className}: HF transformers v4.35.2 NEZHA semantics (inputs int64, outputs float32)`,
    graph: { ...graph, initializer: initializerProtos },
    metadata_props: [
      { key: 'nezha_class', value: className },
      { key: 'nezha_config', value: config.toJsonText() },
      { key: 'nezha_onnx_exporter_version', value: String(NEZHA_ONNX_EXPORTER_VERSION) },
    ],
  });
  const inputs = (graph.input as { name: string }[]).map((v) => v.name);
  const outputs = (graph.output as { name: string }[]).map((v) => v.name);
  return { model, externalData, className, inputs, outputs, weightBytes };
}

/** A loaded tfjs model's parameters as the exporter's lookup (values read once, synchronously). */
export function modelParameterLookup(model: NezhaTaskModel): ParameterLookup {
  const parameters = model.namedParameters();
  return (name) => {
    const variable = parameters.get(name);
    if (variable === undefined) return undefined;
    return { shape: variable.shape, data: variable.dataSync() as Float32Array };
  };
}

/** exportNezhaOnnx of a loaded model. */
export function exportLoadedNezha(model: NezhaTaskModel, options: OnnxExportOptions): OnnxExport {
  return exportNezhaOnnx(model.className, model.config, modelParameterLookup(model), options);
}
