/*
 * Writing pytorch_model.bin the way torch.save (PyTorch 1.13, the `_use_new_zipfile_serialization`
 * format) writes a state dict: a zip of STORED records `<archive>/data.pkl`, `<archive>/data/<key>`
 * (sorted by key) and `<archive>/version`, each record's data aligned to 64 bytes with an "FB"
 * padding extra field, data descriptors, and ZIP64 end records. The pickle is what Python's
 * protocol-2 pickler emits for `{name: tensor}` (same opcodes, same memo numbering), so a state
 * dict read from a torch-written file is re-written byte for byte. Used to produce .bin files
 * for older tools and benchmarks; tensors sharing a data array share one storage, as in torch.
 */
import { shapeNumel } from './dtypes';
import { CheckpointError } from './errors';
import { encodeTensorData } from './safetensors';
import type { StateDict, TensorRecord } from './types';

const STORAGE_TYPES: Readonly<Record<string, string>> = {
  F32: 'FloatStorage',
  F16: 'HalfStorage',
  BF16: 'BFloat16Storage',
  F64: 'DoubleStorage',
  I64: 'LongStorage',
  I32: 'IntStorage',
  I16: 'ShortStorage',
  I8: 'CharStorage',
  U8: 'ByteStorage',
  BOOL: 'BoolStorage',
};

// ---------------------------------------------------------------------------------------------
// CRC-32 (zip), table-driven

let crcTable: Int32Array | null = null;

function table(): Int32Array {
  if (crcTable) return crcTable;
  crcTable = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crcTable[n] = c;
  }
  return crcTable;
}

/** Continues a CRC-32 over `bytes` (start with 0). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  const t = table();
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

// ---------------------------------------------------------------------------------------------
// The pickle

/** One tensor as torch.save describes it: a view of storage `storageKey`. */
export interface TorchSaveTensor {
  name: string;
  dtype: string;
  shape: number[];
  /** Storage key ("0", "1", ... in first-use order). */
  storageKey: string;
  /** Elements in the storage. */
  storageNumel: number;
}

class ProtocolTwoPickler {
  private readonly out: number[] = [];
  private readonly memo = new Map<string, number>();
  private readonly encoder = new TextEncoder();

  bytes(): Uint8Array {
    return new Uint8Array(this.out);
  }
  op(...bytes: number[]): void {
    for (const b of bytes) this.out.push(b);
  }
  private u32(value: number): number[] {
    return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
  }
  /** BINPUT / LONG_BINPUT the object just written, under an identity `id`. */
  put(id: string | null): void {
    const index = this.memo.size;
    if (id !== null) this.memo.set(id, index);
    else this.memo.set(`anonymous:${index}`, index);
    if (index < 256) this.op(0x71, index);
    else this.op(0x72, ...this.u32(index));
  }
  /** BINGET / LONG_BINGET when `id` was memoized; returns false when it was not. */
  get(id: string): boolean {
    const index = this.memo.get(id);
    if (index === undefined) return false;
    if (index < 256) this.op(0x68, index);
    else this.op(0x6a, ...this.u32(index));
    return true;
  }
  /** A str; `id` makes repeated uses of the same Python object a BINGET. */
  string(text: string, id: string | null): void {
    if (id !== null && this.get(id)) return;
    const bytes = this.encoder.encode(text);
    this.op(0x58, ...this.u32(bytes.byteLength));
    for (const b of bytes) this.out.push(b);
    this.put(id);
  }
  global(module: string, name: string): void {
    if (this.get(`global:${module}.${name}`)) return;
    this.op(0x63, ...this.encoder.encode(`${module}\n${name}\n`));
    this.put(`global:${module}.${name}`);
  }
  int(value: number): void {
    if (value >= 0 && value <= 0xff) this.op(0x4b, value);
    else if (value >= 0 && value <= 0xffff) this.op(0x4d, value & 0xff, value >> 8);
    else if (value >= -0x80000000 && value <= 0x7fffffff) this.op(0x4a, ...this.u32(value));
    else {
      // LONG1: little-endian two's complement, shortest form
      let big = BigInt(value);
      const bytes: number[] = [];
      while (true) {
        bytes.push(Number(big & 0xffn));
        big >>= 8n;
        if (
          (big === 0n && !(bytes[bytes.length - 1] & 0x80)) ||
          (big === -1n && bytes[bytes.length - 1] & 0x80)
        )
          break;
      }
      this.op(0x8a, bytes.length, ...bytes);
    }
  }
  /** A tuple of ints (size / stride): EMPTY_TUPLE, TUPLE1-3, or MARK ... TUPLE; memoized unless empty. */
  intTuple(values: number[]): void {
    if (values.length === 0) {
      this.op(0x29);
      return;
    }
    if (values.length > 3) this.op(0x28);
    for (const v of values) this.int(v);
    this.op(values.length === 1 ? 0x85 : values.length === 2 ? 0x86 : values.length === 3 ? 0x87 : 0x74);
    this.put(null);
  }
}

/** The data.pkl torch.save writes for `{name: tensor, ...}` (plain dict, protocol 2). */
export function torchStateDictPickle(tensors: readonly TorchSaveTensor[]): Uint8Array {
  const p = new ProtocolTwoPickler();
  p.op(0x80, 0x02); // PROTO 2
  p.op(0x7d); // EMPTY_DICT
  p.put('state_dict');
  // _batch_setitems: batches of 1000; a batch of one item uses SETITEM
  for (let start = 0; start < tensors.length; start += 1000) {
    const batch = tensors.slice(start, start + 1000);
    if (batch.length > 1) p.op(0x28);
    for (const t of batch) {
      const storageType = STORAGE_TYPES[t.dtype];
      if (!storageType)
        throw new CheckpointError(
          'pytorch_model.bin writer',
          `tensor '${t.name}' has dtype ${t.dtype}, which torch storages cannot hold here`,
        );
      p.string(t.name, null);
      p.global('torch._utils', '_rebuild_tensor_v2');
      p.op(0x28); // MARK: the 6 arguments
      // persistent id ('storage', storage_type, key, location, numel)
      p.op(0x28);
      p.string('storage', 'const:storage');
      p.global('torch', storageType);
      p.string(t.storageKey, `storage-key:${t.storageKey}`);
      p.string('cpu', 'const:cpu');
      p.int(t.storageNumel);
      p.op(0x74); // TUPLE
      p.put(null);
      p.op(0x51); // BINPERSID
      p.int(0); // storage_offset
      p.intTuple(t.shape);
      p.intTuple(contiguousStride(t.shape));
      p.op(0x89); // requires_grad False
      p.global('collections', 'OrderedDict');
      p.op(0x29, 0x52); // EMPTY_TUPLE, REDUCE: backward_hooks = OrderedDict()
      p.put(null);
      p.op(0x74); // TUPLE (the arguments)
      p.put(null);
      p.op(0x52); // REDUCE
      p.put(null);
    }
    p.op(batch.length > 1 ? 0x75 : 0x73); // SETITEMS / SETITEM
  }
  p.op(0x2e); // STOP
  return p.bytes();
}

function contiguousStride(shape: number[]): number[] {
  const stride = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    stride[d] = step;
    step *= shape[d];
  }
  return stride;
}

// ---------------------------------------------------------------------------------------------
// The zip

interface WrittenRecord {
  name: Uint8Array;
  offset: number;
  size: number;
  crc: number;
}

/**
 * Appends torch-style STORED zip records through a synchronous sink (a file descriptor write, or
 * an in-memory list). Record data may be given in chunks, so a big file streams.
 */
export class TorchZipWriter {
  private offset = 0;
  private readonly records: WrittenRecord[] = [];
  private readonly encoder = new TextEncoder();

  constructor(private readonly sink: (bytes: Uint8Array) => void) {}

  private emit(bytes: Uint8Array): void {
    this.sink(bytes);
    this.offset += bytes.byteLength;
  }

  /** Writes one record; `chunks` must add up to `size` bytes. */
  addRecord(name: string, size: number, chunks: Iterable<Uint8Array>): void {
    if (this.offset + size >= 0xffffffff || size >= 0xffffffff) {
      throw new CheckpointError(
        'pytorch_model.bin writer',
        `record '${name}' would pass 4 GiB; shard the checkpoint (files over 4 GiB are not written)`,
      );
    }
    const nameBytes = this.encoder.encode(name);
    const start = this.offset + 30 + nameBytes.byteLength + 4;
    const padding = (64 - (start % 64)) % 64;
    const header = new Uint8Array(30 + nameBytes.byteLength + 4 + padding);
    const view = new DataView(header.buffer);
    view.setUint32(0, 0x04034b50, true);
    view.setUint16(6, 0x0808, true); // data descriptor follows; UTF-8 name
    view.setUint16(26, nameBytes.byteLength, true);
    view.setUint16(28, 4 + padding, true);
    header.set(nameBytes, 30);
    const extra = 30 + nameBytes.byteLength;
    header[extra] = 0x46; // 'F'
    header[extra + 1] = 0x42; // 'B'
    view.setUint16(extra + 2, padding, true);
    header.fill(0x5a, extra + 4); // 'Z'
    const recordOffset = this.offset;
    this.emit(header);
    let crc = 0;
    let written = 0;
    for (const chunk of chunks) {
      crc = crc32(chunk, crc);
      written += chunk.byteLength;
      this.emit(chunk);
    }
    if (written !== size)
      throw new CheckpointError(
        'pytorch_model.bin writer',
        `record '${name}' got ${written} bytes, expected ${size}`,
      );
    const descriptor = new Uint8Array(16);
    const dv = new DataView(descriptor.buffer);
    dv.setUint32(0, 0x08074b50, true);
    dv.setUint32(4, crc, true);
    dv.setUint32(8, size, true);
    dv.setUint32(12, size, true);
    this.emit(descriptor);
    this.records.push({ name: nameBytes, offset: recordOffset, size, crc });
  }

  /** Central directory, ZIP64 end record and locator, and the end record, as torch writes them. */
  finish(): void {
    const directoryOffset = this.offset;
    for (const record of this.records) {
      const entry = new Uint8Array(46 + record.name.byteLength);
      const view = new DataView(entry.buffer);
      view.setUint32(0, 0x02014b50, true);
      view.setUint16(8, 0x0808, true);
      view.setUint32(16, record.crc, true);
      view.setUint32(20, record.size, true);
      view.setUint32(24, record.size, true);
      view.setUint16(28, record.name.byteLength, true);
      view.setUint32(42, record.offset, true);
      entry.set(record.name, 46);
      this.emit(entry);
    }
    const directorySize = this.offset - directoryOffset;
    const zip64Offset = this.offset;
    const tail = new Uint8Array(56 + 20 + 22);
    const view = new DataView(tail.buffer);
    view.setUint32(0, 0x06064b50, true);
    view.setBigUint64(4, 44n, true);
    view.setUint16(12, 0x031e, true); // made by: unix, 3.0
    view.setUint16(14, 0x002d, true); // needed: 4.5 (ZIP64)
    view.setBigUint64(24, BigInt(this.records.length), true);
    view.setBigUint64(32, BigInt(this.records.length), true);
    view.setBigUint64(40, BigInt(directorySize), true);
    view.setBigUint64(48, BigInt(directoryOffset), true);
    view.setUint32(56, 0x07064b50, true);
    view.setBigUint64(64, BigInt(zip64Offset), true);
    view.setUint32(72, 1, true);
    view.setUint32(76, 0x06054b50, true);
    view.setUint16(84, this.records.length, true);
    view.setUint16(86, this.records.length, true);
    view.setUint32(88, directorySize, true);
    view.setUint32(92, directoryOffset, true);
    this.emit(tail);
  }
}

/**
 * Assigns storages the way torch.save does: one per distinct data array (aliases such as the
 * tied decoder weight share their source's storage), keys "0", "1", ... in state-dict order.
 */
export function planTorchSave(state: StateDict): {
  tensors: TorchSaveTensor[];
  storages: Map<string, TensorRecord>;
} {
  const keyOf = new Map<TensorRecord['data'], string>();
  const storages = new Map<string, TensorRecord>();
  const tensors: TorchSaveTensor[] = [];
  for (const [name, record] of state) {
    const dtype =
      record.data instanceof BigInt64Array
        ? 'I64'
        : record.data instanceof Int32Array
          ? 'I32'
          : record.storedDtype === 'F16' || record.storedDtype === 'BF16'
            ? record.storedDtype
            : 'F32';
    let key = keyOf.get(record.data);
    if (key === undefined) {
      key = String(storages.size);
      keyOf.set(record.data, key);
      storages.set(key, { ...record, storedDtype: dtype });
    }
    tensors.push({
      name,
      dtype,
      shape: [...record.shape],
      storageKey: key,
      storageNumel: shapeNumel(storages.get(key)!.shape),
    });
  }
  return { tensors, storages };
}

/** A whole pytorch_model.bin in memory. `archive` is the folder inside the zip (torch: the file stem). */
export function writePytorchBin(state: StateDict, archive = 'pytorch_model'): Uint8Array {
  const { tensors, storages } = planTorchSave(state);
  const chunks: Uint8Array[] = [];
  const writer = new TorchZipWriter((bytes) => chunks.push(bytes));
  const pickle = torchStateDictPickle(tensors);
  writer.addRecord(`${archive}/data.pkl`, pickle.byteLength, [pickle]);
  for (const key of [...storages.keys()].sort()) {
    const record = storages.get(key)!;
    const bytes = encodeTensorData(record, record.storedDtype, `storage ${key}`);
    writer.addRecord(`${archive}/data/${key}`, bytes.byteLength, [bytes]);
  }
  const version = new TextEncoder().encode('3\n');
  writer.addRecord(`${archive}/version`, version.byteLength, [version]);
  writer.finish();
  const total = chunks.reduce((sum, c) => sum + c.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
