/*
 * Test support: build pickles and torch-style zip archives byte by byte, so tests can craft
 * malicious, strided, ZIP64 or broken checkpoints that no fixture holds. Used only by *.test.ts.
 */

/** Appends pickle opcodes; every method returns `this` so a pickle reads top to bottom. */
export class PickleWriter {
  private readonly parts: number[] = [];

  op(...bytes: number[]): this {
    this.parts.push(...bytes);
    return this;
  }
  proto(version = 2): this {
    return this.op(0x80, version);
  }
  mark(): this {
    return this.op(0x28);
  }
  stop(): this {
    return this.op(0x2e);
  }
  emptyDict(): this {
    return this.op(0x7d);
  }
  emptyTuple(): this {
    return this.op(0x29);
  }
  tuple(): this {
    return this.op(0x74);
  }
  tuple2(): this {
    return this.op(0x86);
  }
  setItems(): this {
    return this.op(0x75);
  }
  reduce(): this {
    return this.op(0x52);
  }
  binPersId(): this {
    return this.op(0x51);
  }
  newFalse(): this {
    return this.op(0x89);
  }
  global(module: string, name: string): this {
    return this.op(0x63, ...new TextEncoder().encode(`${module}\n${name}\n`));
  }
  stackGlobal(module: string, name: string): this {
    return this.unicode(module).unicode(name).op(0x93);
  }
  unicode(text: string): this {
    const bytes = new TextEncoder().encode(text);
    const length = bytes.byteLength;
    return this.op(0x58, length & 0xff, (length >> 8) & 0xff, (length >> 16) & 0xff, length >>> 24, ...bytes);
  }
  int(value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setInt32(0, value, true);
    return this.op(0x4a, ...bytes);
  }
  /** A tuple of ints, built with MARK ... TUPLE. */
  intTuple(values: number[]): this {
    this.mark();
    for (const v of values) this.int(v);
    return this.tuple();
  }
  /** `_rebuild_tensor_v2(storage(...), offset, size, stride, False, OrderedDict())`. */
  tensor(
    storageType: string,
    key: string,
    numel: number,
    offset: number,
    size: number[],
    stride: number[],
  ): this {
    this.global('torch._utils', '_rebuild_tensor_v2');
    this.mark();
    this.mark()
      .unicode('storage')
      .global('torch', storageType)
      .unicode(key)
      .unicode('cpu')
      .int(numel)
      .tuple()
      .binPersId();
    this.int(offset).intTuple(size).intTuple(stride).newFalse();
    this.global('collections', 'OrderedDict').emptyTuple().reduce();
    return this.tuple().reduce();
  }
  bytes(): Uint8Array {
    return new Uint8Array(this.parts);
  }
}

/** A state-dict pickle: `{name: tensor, ...}` built from tensor specs. */
export function stateDictPickle(
  tensors: {
    name: string;
    storageType: string;
    key: string;
    numel: number;
    offset: number;
    size: number[];
    stride: number[];
  }[],
): Uint8Array {
  const p = new PickleWriter().proto().emptyDict().mark();
  for (const t of tensors)
    p.unicode(t.name).tensor(t.storageType, t.key, t.numel, t.offset, t.size, t.stride);
  return p.setItems().stop().bytes();
}

/**
 * A stored (uncompressed) zip with data descriptors like torch's writer, optionally with ZIP64
 * records (sizes/offsets moved to the ZIP64 extra field and a ZIP64 end record), which torch
 * writes for archives over 4 GiB and which we cannot otherwise test without gigabytes of data.
 * Record data is aligned to 64 bytes like torch's.
 */
export function buildZip(records: [string, Uint8Array][], options: { zip64?: boolean } = {}): Uint8Array {
  const zip64 = options.zip64 ?? false;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const push = (bytes: Uint8Array): void => {
    chunks.push(bytes);
    offset += bytes.byteLength;
  };
  const central: Uint8Array[] = [];
  for (const [name, data] of records) {
    const nameBytes = new TextEncoder().encode(name);
    const localOffset = offset;
    // pad the extra field so data starts on a 64-byte boundary
    const base = localOffset + 30 + nameBytes.byteLength + 4;
    const pad = (64 - (base % 64)) % 64;
    const local = new Uint8Array(30 + nameBytes.byteLength + 4 + pad);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, zip64 ? 45 : 20, true);
    lv.setUint16(6, 0x0808, true); // data descriptor + UTF-8
    lv.setUint16(26, nameBytes.byteLength, true);
    lv.setUint16(28, 4 + pad, true);
    local.set(nameBytes, 30);
    lv.setUint16(30 + nameBytes.byteLength, 0xcafe, true); // padding extra field id
    lv.setUint16(32 + nameBytes.byteLength, pad, true);
    push(local);
    push(data);
    const descriptor = new Uint8Array(zip64 ? 24 : 16);
    const dv = new DataView(descriptor.buffer);
    dv.setUint32(0, 0x08074b50, true);
    if (zip64) {
      dv.setBigUint64(8, BigInt(data.byteLength), true);
      dv.setBigUint64(16, BigInt(data.byteLength), true);
    } else {
      dv.setUint32(8, data.byteLength, true);
      dv.setUint32(12, data.byteLength, true);
    }
    push(descriptor);

    const extra = zip64 ? 4 + 24 : 0;
    const entry = new Uint8Array(46 + nameBytes.byteLength + extra);
    const cv = new DataView(entry.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 45, true);
    cv.setUint16(6, zip64 ? 45 : 20, true);
    cv.setUint16(8, 0x0808, true);
    cv.setUint32(20, zip64 ? 0xffffffff : data.byteLength, true);
    cv.setUint32(24, zip64 ? 0xffffffff : data.byteLength, true);
    cv.setUint16(28, nameBytes.byteLength, true);
    cv.setUint16(30, extra, true);
    cv.setUint32(42, zip64 ? 0xffffffff : localOffset, true);
    entry.set(nameBytes, 46);
    if (zip64) {
      const at = 46 + nameBytes.byteLength;
      cv.setUint16(at, 0x0001, true);
      cv.setUint16(at + 2, 24, true);
      cv.setBigUint64(at + 4, BigInt(data.byteLength), true);
      cv.setBigUint64(at + 12, BigInt(data.byteLength), true);
      cv.setBigUint64(at + 20, BigInt(localOffset), true);
    }
    central.push(entry);
  }
  const directoryOffset = offset;
  for (const entry of central) push(entry);
  const directorySize = offset - directoryOffset;
  if (zip64) {
    const record = new Uint8Array(56);
    const rv = new DataView(record.buffer);
    rv.setUint32(0, 0x06064b50, true);
    rv.setBigUint64(4, 44n, true);
    rv.setUint16(12, 45, true);
    rv.setUint16(14, 45, true);
    rv.setBigUint64(24, BigInt(records.length), true);
    rv.setBigUint64(32, BigInt(records.length), true);
    rv.setBigUint64(40, BigInt(directorySize), true);
    rv.setBigUint64(48, BigInt(directoryOffset), true);
    const recordOffset = offset;
    push(record);
    const locator = new Uint8Array(20);
    const lv = new DataView(locator.buffer);
    lv.setUint32(0, 0x07064b50, true);
    lv.setBigUint64(8, BigInt(recordOffset), true);
    lv.setUint32(16, 1, true);
    push(locator);
  }
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, zip64 ? 0xffff : records.length, true);
  ev.setUint16(10, zip64 ? 0xffff : records.length, true);
  ev.setUint32(12, zip64 ? 0xffffffff : directorySize, true);
  ev.setUint32(16, zip64 ? 0xffffffff : directoryOffset, true);
  push(end);
  const out = new Uint8Array(offset);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
