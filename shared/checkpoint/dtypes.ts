import { CheckpointError } from './errors';
import type { TensorRecord } from './types';

/**
 * Element sizes of the dtypes we read, in safetensors spelling. Torch storages are mapped onto
 * these names too, so one decoder serves both formats.
 */
export const DTYPE_BYTES: Readonly<Record<string, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** True when typed-array views read little-endian data correctly (every platform we ship on). */
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

let halfToFloatTable: Float32Array | null = null;

/** All 65536 IEEE half values as float32, built once (256 KiB); decoding is then one lookup each. */
function halfTable(): Float32Array {
  if (halfToFloatTable) return halfToFloatTable;
  const table = new Float32Array(65536);
  const bits = new Uint32Array(table.buffer);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) {
      // zero or subnormal: mantissa * 2^-24, exact in float32
      table[h] = (sign ? -1 : 1) * mantissa * 5.960464477539063e-8;
    } else if (exponent === 31) {
      bits[h] = sign | 0x7f800000 | (mantissa << 13); // inf / NaN (payload kept)
    } else {
      bits[h] = sign | ((exponent + 112) << 23) | (mantissa << 13);
    }
  }
  halfToFloatTable = table;
  return table;
}

/** Converts one float32 to IEEE half bits (round to nearest even), for writers and tests. */
const scratchFloat = new Float32Array(1);
const scratchBits = new Uint32Array(scratchFloat.buffer);

export function floatToHalfBits(value: number): number {
  scratchFloat[0] = value;
  const x = scratchBits[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (rest > midpoint || (rest === midpoint && half & 1) ? half + 1 : half);
  }
  const half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  return sign | (rest > 0x1000 || (rest === 0x1000 && half & 1) ? half + 1 : half);
}

/**
 * Returns `bytes` as a Uint8Array whose byteOffset is a multiple of `alignment`: the same view
 * when it already is, otherwise one copy.
 */
function aligned(bytes: Uint8Array, alignment: number): Uint8Array {
  if (bytes.byteOffset % alignment === 0) return bytes;
  return bytes.slice();
}

/**
 * Decodes little-endian tensor bytes into the TensorRecord data type. F32, I32 and I64 become
 * views over `bytes` when they are aligned (no copy, no per-element work), otherwise one copy;
 * F16 and BF16 are widened to float32 in a single tight loop; F64 is narrowed to float32;
 * small integer and bool types widen to Int32Array.
 *
 * Views alias the caller's buffer: keep it alive, and copy before mutating.
 */
export function decodeTensorData(
  dtype: string,
  bytes: Uint8Array,
  numel: number,
  file: string,
  tensorName: string,
): TensorRecord['data'] {
  const size = DTYPE_BYTES[dtype];
  if (size === undefined) {
    throw new CheckpointError(
      file,
      `tensor '${tensorName}' has dtype ${dtype}, which Nezha Studio cannot read (supported: ${Object.keys(DTYPE_BYTES).join(', ')})`,
    );
  }
  if (bytes.byteLength !== numel * size) {
    throw new CheckpointError(
      file,
      `tensor '${tensorName}' (${dtype}, ${numel} elements) needs ${numel * size} bytes but ${bytes.byteLength} were given`,
    );
  }
  if (!HOST_IS_LITTLE_ENDIAN) return decodeWithDataView(dtype, bytes, numel);
  switch (dtype) {
    case 'F32': {
      const src = aligned(bytes, 4);
      return new Float32Array(src.buffer, src.byteOffset, numel);
    }
    case 'I32': {
      const src = aligned(bytes, 4);
      return new Int32Array(src.buffer, src.byteOffset, numel);
    }
    case 'I64': {
      const src = aligned(bytes, 8);
      return new BigInt64Array(src.buffer, src.byteOffset, numel);
    }
    case 'F16': {
      const src = aligned(bytes, 2);
      const halves = new Uint16Array(src.buffer, src.byteOffset, numel);
      const table = halfTable();
      const out = new Float32Array(numel);
      for (let i = 0; i < numel; i++) out[i] = table[halves[i]];
      return out;
    }
    case 'BF16': {
      const src = aligned(bytes, 2);
      const halves = new Uint16Array(src.buffer, src.byteOffset, numel);
      const out = new Float32Array(numel);
      // Int32Array: `h << 16` is already an int32, so the store needs no conversion
      const outBits = new Int32Array(out.buffer);
      for (let i = 0; i < numel; i++) outBits[i] = halves[i] << 16;
      return out;
    }
    case 'F64': {
      const src = aligned(bytes, 8);
      return Float32Array.from(new Float64Array(src.buffer, src.byteOffset, numel));
    }
    case 'I16': {
      const src = aligned(bytes, 2);
      return Int32Array.from(new Int16Array(src.buffer, src.byteOffset, numel));
    }
    case 'I8':
      return Int32Array.from(new Int8Array(bytes.buffer, bytes.byteOffset, numel));
    default: // U8, BOOL
      return Int32Array.from(bytes);
  }
}

/** Portable path for a big-endian host: read every element through a little-endian DataView. */
function decodeWithDataView(dtype: string, bytes: Uint8Array, numel: number): TensorRecord['data'] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'I64': {
      const out = new BigInt64Array(numel);
      for (let i = 0; i < numel; i++) out[i] = view.getBigInt64(i * 8, true);
      return out;
    }
    case 'I32':
    case 'I16':
    case 'I8':
    case 'U8':
    case 'BOOL': {
      const out = new Int32Array(numel);
      for (let i = 0; i < numel; i++) {
        out[i] =
          dtype === 'I32'
            ? view.getInt32(i * 4, true)
            : dtype === 'I16'
              ? view.getInt16(i * 2, true)
              : dtype === 'I8'
                ? view.getInt8(i)
                : view.getUint8(i);
      }
      return out;
    }
    default: {
      const out = new Float32Array(numel);
      const bits = new Uint32Array(out.buffer);
      const table = dtype === 'F16' ? halfTable() : null;
      for (let i = 0; i < numel; i++) {
        if (dtype === 'F32') out[i] = view.getFloat32(i * 4, true);
        else if (dtype === 'F64') out[i] = view.getFloat64(i * 8, true);
        else if (table) out[i] = table[view.getUint16(i * 2, true)];
        else bits[i] = view.getUint16(i * 2, true) << 16;
      }
      return out;
    }
  }
}

/** Number of elements of a shape (1 for a scalar). */
export function shapeNumel(shape: readonly number[]): number {
  let numel = 1;
  for (const dim of shape) numel *= dim;
  return numel;
}
