import { DTYPE_BYTES, decodeTensorData, floatToHalfBits, shapeNumel } from './dtypes';
import { CheckpointError, formatBytes } from './errors';
import type { StateDict, TensorRecord } from './types';

/*
 * safetensors layout: [u64 LE header length N][N bytes of UTF-8 JSON][data section].
 * The JSON maps tensor name → {dtype, shape, data_offsets: [begin, end]} (offsets relative to the
 * data section) plus an optional "__metadata__" string → string map.
 *
 * Streaming use (e.g. the renderer over HTTP Range requests):
 *   1. read the first 8 bytes → safetensorsHeaderLength(first8, fileSize, file)
 *   2. read bytes [0, 8 + N) → parseSafetensorsHeader(prefix, fileSize, file)
 *   3. for each tensor read [info.fileStart, info.fileEnd) → decodeSafetensorsTensor(info, bytes, file)
 */

/** The python library refuses headers above 100 MB; so do we (a sane header is a few KB). */
export const MAX_SAFETENSORS_HEADER_BYTES = 100_000_000;

export interface SafetensorsTensorInfo {
  name: string;
  dtype: string;
  shape: number[];
  /** Byte range inside the data section, as written in the header. */
  dataOffsets: [number, number];
  /** Absolute byte range in the file: [8 + N + begin, 8 + N + end). */
  fileStart: number;
  fileEnd: number;
}

export interface SafetensorsHeader {
  /** N, the JSON header length in bytes (including the alignment padding). */
  headerLength: number;
  /** Absolute offset of the data section (8 + N). */
  dataStart: number;
  /** The "__metadata__" map, or null when the file has none. */
  metadata: Record<string, string> | null;
  /** Tensors in data-section order (which is the header's key order for library-written files). */
  tensors: SafetensorsTensorInfo[];
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });
const textEncoder = new TextEncoder();

/**
 * Reads N from the first 8 bytes and checks it against the file size. `fileSize` is the whole
 * file's size (from a stat or a Content-Range header).
 */
export function safetensorsHeaderLength(
  first8: Uint8Array,
  fileSize: number,
  file = 'model.safetensors',
): number {
  if (fileSize < 8 || first8.byteLength < 8) {
    throw new CheckpointError(
      file,
      `file is ${formatBytes(Math.min(fileSize, first8.byteLength))} long, too short to be safetensors (needs an 8-byte header length); the file is truncated or not safetensors`,
    );
  }
  const view = new DataView(first8.buffer, first8.byteOffset, 8);
  const length = view.getBigUint64(0, true);
  if (length > BigInt(MAX_SAFETENSORS_HEADER_BYTES)) {
    throw new CheckpointError(
      file,
      `header length field says ${formatBytes(length)}, more than the ${formatBytes(MAX_SAFETENSORS_HEADER_BYTES)} limit; the file is corrupt or not safetensors`,
    );
  }
  const headerLength = Number(length);
  if (8 + headerLength > fileSize) {
    throw new CheckpointError(
      file,
      `header length field says ${formatBytes(headerLength)} but the file is only ${formatBytes(fileSize)}; the file is truncated (download it again)`,
    );
  }
  return headerLength;
}

/**
 * Parses and validates the header. `prefix` must hold at least the first 8 + N bytes of the file;
 * `fileSize` is the whole file's size, so truncation and offset errors are caught before any
 * tensor is read.
 */
export function parseSafetensorsHeader(
  prefix: Uint8Array,
  fileSize: number,
  file = 'model.safetensors',
): SafetensorsHeader {
  const headerLength = safetensorsHeaderLength(prefix, fileSize, file);
  if (prefix.byteLength < 8 + headerLength) {
    throw new CheckpointError(
      file,
      `need the first ${formatBytes(8 + headerLength)} to parse the header but got ${formatBytes(prefix.byteLength)}`,
    );
  }
  let text: string;
  try {
    text = textDecoder.decode(prefix.subarray(8, 8 + headerLength));
  } catch {
    throw new CheckpointError(file, 'header is not valid UTF-8; the file is corrupt or not safetensors');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(
      file,
      `header is not valid JSON (${(error as Error).message}); the file is corrupt or not safetensors`,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CheckpointError(file, 'header JSON is not an object of tensor entries');
  }

  const dataStart = 8 + headerLength;
  const dataLength = fileSize - dataStart;
  let metadata: Record<string, string> | null = null;
  const tensors: SafetensorsTensorInfo[] = [];
  for (const [name, entry] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(entry, file);
      continue;
    }
    tensors.push(parseTensorEntry(name, entry, dataStart, file));
  }

  // The python library requires the tensors to tile the data section exactly, in offset order.
  const byOffset = [...tensors].sort(
    (a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1],
  );
  let expectedStart = 0;
  for (const info of byOffset) {
    const [begin, end] = info.dataOffsets;
    if (begin !== expectedStart) {
      throw new CheckpointError(
        file,
        begin < expectedStart
          ? `tensor '${info.name}' data_offsets [${begin}, ${end}] overlap the previous tensor (which ends at ${expectedStart})`
          : `tensor '${info.name}' data_offsets [${begin}, ${end}] leave a gap after byte ${expectedStart}; offsets must be contiguous`,
      );
    }
    if (end > dataLength) {
      throw new CheckpointError(
        file,
        `tensor '${info.name}' data_offsets [${begin}, ${end}] run past the end of the data section (${formatBytes(dataLength)}); the file is truncated (download it again)`,
      );
    }
    expectedStart = end;
  }
  if (expectedStart !== dataLength) {
    throw new CheckpointError(
      file,
      `tensors cover ${formatBytes(expectedStart)} of data but the file holds ${formatBytes(dataLength)} after the header; the file is corrupt`,
    );
  }
  return { headerLength, dataStart, metadata, tensors: byOffset };
}

function parseMetadata(entry: unknown, file: string): Record<string, string> {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new CheckpointError(file, '"__metadata__" must be an object of string values');
  }
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
    if (typeof value !== 'string') {
      throw new CheckpointError(
        file,
        `"__metadata__" key '${key}' must be a string, got ${JSON.stringify(value)}`,
      );
    }
    metadata[key] = value;
  }
  return metadata;
}

function parseTensorEntry(
  name: string,
  entry: unknown,
  dataStart: number,
  file: string,
): SafetensorsTensorInfo {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new CheckpointError(
      file,
      `header entry '${name}' is not an object with dtype, shape and data_offsets`,
    );
  }
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (typeof dtype !== 'string') {
    throw new CheckpointError(file, `tensor '${name}' has no string "dtype"`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new CheckpointError(
      file,
      `tensor '${name}' "shape" must be a list of non-negative integers, got ${JSON.stringify(shape)}`,
    );
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[0] > offsets[1]
  ) {
    throw new CheckpointError(
      file,
      `tensor '${name}' "data_offsets" must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`,
    );
  }
  const elementSize = DTYPE_BYTES[dtype];
  if (elementSize === undefined) {
    throw new CheckpointError(
      file,
      `tensor '${name}' has dtype ${dtype}, which Nezha Studio cannot read (supported: ${Object.keys(DTYPE_BYTES).join(', ')})`,
    );
  }
  const [begin, end] = offsets as [number, number];
  const expected = shapeNumel(shape) * elementSize;
  if (end - begin !== expected) {
    throw new CheckpointError(
      file,
      `tensor '${name}' is ${dtype} [${shape.join(', ')}], which needs ${formatBytes(expected)}, but data_offsets [${begin}, ${end}] span ${formatBytes(end - begin)}`,
    );
  }
  return {
    name,
    dtype,
    shape: shape as number[],
    dataOffsets: [begin, end],
    fileStart: dataStart + begin,
    fileEnd: dataStart + end,
  };
}

/** Decodes one tensor from its bytes, i.e. file bytes [info.fileStart, info.fileEnd). */
export function decodeSafetensorsTensor(
  info: SafetensorsTensorInfo,
  bytes: Uint8Array,
  file = 'model.safetensors',
): TensorRecord {
  const data = decodeTensorData(info.dtype, bytes, shapeNumel(info.shape), file, info.name);
  return { storedDtype: info.dtype, shape: [...info.shape], data };
}

/**
 * Reads a whole safetensors file held in memory. F32 tensors are views into `bytes` when aligned
 * (the library aligns the data section to 8), so this costs no copy: keep `bytes` alive.
 */
export function readSafetensors(bytes: Uint8Array, file = 'model.safetensors'): StateDict {
  return readSafetensorsWithMetadata(bytes, file).stateDict;
}

/** Like readSafetensors, also returning the `__metadata__` map. */
export function readSafetensorsWithMetadata(
  bytes: Uint8Array,
  file = 'model.safetensors',
): { stateDict: StateDict; metadata: Record<string, string> | null } {
  const header = parseSafetensorsHeader(bytes, bytes.byteLength, file);
  const stateDict: StateDict = new Map();
  for (const info of header.tensors) {
    stateDict.set(
      info.name,
      decodeSafetensorsTensor(info, bytes.subarray(info.fileStart, info.fileEnd), file),
    );
  }
  return { stateDict, metadata: header.metadata };
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Dtype order of the safetensors Rust library (enum declaration order); data is sorted by it, descending. */
const DTYPE_RANK: Readonly<Record<string, number>> = {
  BOOL: 0,
  U8: 1,
  I8: 2,
  I16: 3,
  U16: 4,
  F16: 5,
  BF16: 6,
  I32: 7,
  U32: 8,
  F32: 9,
  F64: 10,
  I64: 11,
  U64: 12,
};

/** What a writer needs to know about a tensor before it has the data. */
export interface SafetensorsEntryPlan {
  name: string;
  dtype: string;
  shape: number[];
}

export interface SafetensorsPlan {
  /** The first 8 + N bytes of the file: length prefix and padded JSON header. */
  headerBytes: Uint8Array;
  /** Entries in the order their data must follow the header, with absolute file offsets. */
  tensors: SafetensorsTensorInfo[];
  /** Total file size. */
  fileSize: number;
}

/** Compares strings by UTF-8 bytes, which is how Rust orders `String`s. */
function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(i) as number;
    if (ca !== cb) return ca - cb;
    if (ca > 0xffff) i++;
  }
  return a.length - b.length;
}

/**
 * Lays out a safetensors file the way the python/Rust library does: tensors sorted by dtype
 * (descending alignment) then name, "__metadata__" first in the header, compact JSON, and the
 * header padded with spaces to a multiple of 8 bytes. Use it to stream a big file: write
 * `headerBytes`, then each tensor's little-endian bytes in `tensors` order.
 */
export function planSafetensors(
  entries: readonly SafetensorsEntryPlan[],
  metadata?: Record<string, string> | null,
): SafetensorsPlan {
  const sorted = [...entries].sort((a, b) => {
    const rankA = DTYPE_RANK[a.dtype];
    const rankB = DTYPE_RANK[b.dtype];
    if (rankA === undefined || DTYPE_BYTES[a.dtype] === undefined)
      throw new CheckpointError('safetensors writer', `tensor '${a.name}' has unsupported dtype ${a.dtype}`);
    if (rankB === undefined || DTYPE_BYTES[b.dtype] === undefined)
      throw new CheckpointError('safetensors writer', `tensor '${b.name}' has unsupported dtype ${b.dtype}`);
    return rankB - rankA || compareUtf8(a.name, b.name);
  });
  const seen = new Set<string>();
  // JSON.stringify puts integer-like keys first whatever the insertion order, so build the text by hand.
  const parts: string[] = [];
  if (metadata) parts.push(`"__metadata__":${JSON.stringify(metadata)}`);
  let offset = 0;
  const laidOut: { entry: SafetensorsEntryPlan; begin: number; end: number }[] = [];
  for (const entry of sorted) {
    if (entry.name === '__metadata__')
      throw new CheckpointError('safetensors writer', `a tensor may not be called '__metadata__'`);
    if (seen.has(entry.name))
      throw new CheckpointError('safetensors writer', `tensor '${entry.name}' appears twice`);
    seen.add(entry.name);
    const length = shapeNumel(entry.shape) * DTYPE_BYTES[entry.dtype];
    laidOut.push({ entry, begin: offset, end: offset + length });
    parts.push(
      `${JSON.stringify(entry.name)}:{"dtype":${JSON.stringify(entry.dtype)},"shape":[${entry.shape.join(',')}],"data_offsets":[${offset},${offset + length}]}`,
    );
    offset += length;
  }
  const json = textEncoder.encode(`{${parts.join(',')}}`);
  const padding = (8 - (json.byteLength % 8)) % 8;
  const headerLength = json.byteLength + padding;
  const headerBytes = new Uint8Array(8 + headerLength);
  new DataView(headerBytes.buffer).setBigUint64(0, BigInt(headerLength), true);
  headerBytes.set(json, 8);
  headerBytes.fill(0x20, 8 + json.byteLength);
  const dataStart = 8 + headerLength;
  const tensors = laidOut.map(({ entry, begin, end }) => ({
    name: entry.name,
    dtype: entry.dtype,
    shape: [...entry.shape],
    dataOffsets: [begin, end] as [number, number],
    fileStart: dataStart + begin,
    fileEnd: dataStart + end,
  }));
  return { headerBytes, tensors, fileSize: dataStart + offset };
}

/** The little-endian bytes of a tensor as it will be stored (a view when no conversion is needed). */
export function encodeTensorData(record: TensorRecord, dtype: string, name: string): Uint8Array {
  const numel = shapeNumel(record.shape);
  if (record.data.length !== numel) {
    throw new CheckpointError(
      'safetensors writer',
      `tensor '${name}' has shape [${record.shape.join(', ')}] (${numel} elements) but ${record.data.length} values`,
    );
  }
  const data = record.data;
  if (dtype === 'F32') {
    const floats = data instanceof Float32Array ? data : Float32Array.from(data as Int32Array);
    return new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength);
  }
  if (dtype === 'I64') {
    const longs =
      data instanceof BigInt64Array
        ? data
        : BigInt64Array.from(Array.from(data as ArrayLike<number>, (v) => BigInt(Math.trunc(v))));
    return new Uint8Array(longs.buffer, longs.byteOffset, longs.byteLength);
  }
  if (dtype === 'I32') {
    const ints = data instanceof Int32Array ? data : Int32Array.from(data as Float32Array);
    return new Uint8Array(ints.buffer, ints.byteOffset, ints.byteLength);
  }
  if (dtype === 'F16' || dtype === 'BF16') {
    if (data instanceof BigInt64Array)
      throw new CheckpointError(
        'safetensors writer',
        `tensor '${name}' holds int64 values and cannot be stored as ${dtype}`,
      );
    const floats = data instanceof Float32Array ? data : Float32Array.from(data);
    const out = new Uint16Array(numel);
    if (dtype === 'BF16') {
      const bits = new Uint32Array(floats.buffer, floats.byteOffset, numel);
      for (let i = 0; i < numel; i++) {
        const x = bits[i];
        // round to nearest even, keeping NaN a NaN
        out[i] = (x & 0x7fffffff) > 0x7f800000 ? (x >>> 16) | 0x40 : (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
      }
    } else {
      for (let i = 0; i < numel; i++) out[i] = floatToHalfBits(floats[i]);
    }
    return new Uint8Array(out.buffer);
  }
  throw new CheckpointError(
    'safetensors writer',
    `tensor '${name}': writing dtype ${dtype} is not supported (use F32, F16, BF16, I32 or I64)`,
  );
}

/** Which dtype a record is written as: its stored dtype when we can write it, else F32 / I64 / I32 by data type. */
function outputDtype(record: TensorRecord): string {
  if (record.data instanceof BigInt64Array) return 'I64';
  if (record.data instanceof Int32Array) return record.storedDtype === 'I64' ? 'I64' : 'I32';
  return record.storedDtype === 'F16' || record.storedDtype === 'BF16' ? record.storedDtype : 'F32';
}

export interface WriteSafetensorsOptions {
  /**
   * 'stored' (default): F16/BF16 tensors are written back in their stored dtype, float32 data as
   * F32, int64 as I64. 'F32': every floating tensor is written as F32.
   */
  dtype?: 'stored' | 'F32';
}

/**
 * Serialises a state dict exactly as the safetensors library does (see planSafetensors), so a
 * state dict read from a library-written file round-trips to identical bytes.
 */
export function writeSafetensors(
  state: StateDict,
  metadata?: Record<string, string> | null,
  options: WriteSafetensorsOptions = {},
): Uint8Array {
  const dtypes = new Map<string, string>();
  for (const [name, record] of state) {
    const stored = outputDtype(record);
    dtypes.set(name, options.dtype === 'F32' && (stored === 'F16' || stored === 'BF16') ? 'F32' : stored);
  }
  const plan = planSafetensors(
    [...state].map(([name, record]) => ({ name, dtype: dtypes.get(name) as string, shape: record.shape })),
    metadata,
  );
  const out = new Uint8Array(plan.fileSize);
  out.set(plan.headerBytes, 0);
  for (const info of plan.tensors) {
    out.set(encodeTensorData(state.get(info.name) as TensorRecord, info.dtype, info.name), info.fileStart);
  }
  return out;
}
