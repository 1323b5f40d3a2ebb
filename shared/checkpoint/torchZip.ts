/*
 * Random-access zip reading for torch.save archives (pytorch_model.bin). Only the central
 * directory and the records we need are read, through a RangeReader, so a 1.3 GB nezha-large
 * checkpoint is never unzipped into memory as a whole. torch writes STORED entries aligned to 64
 * bytes, with data descriptors (flag bit 3) and ZIP64 records for big archives; both are handled.
 * Deflated entries (a re-zipped archive) are inflated with fflate.
 */
import { inflateSync } from 'fflate';
import { CheckpointError, formatBytes } from './errors';
import type { RangeReader } from './source';

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate. */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Offset of the entry's local file header. */
  localHeaderOffset: number;
}

export interface ZipDirectory {
  entries: Map<string, ZipEntry>;
  /** Entries sorted by local header offset, so an entry's bytes end before the next one begins. */
  byOffset: ZipEntry[];
  /** Offset of the central directory (the end of the last entry's bytes). */
  centralDirectoryOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const MAX_COMMENT = 0xffff;
/** Deflated records (never written by torch) are inflated into memory only up to this size. */
const MAX_INFLATED_BYTES = 2 ** 31;
/** Start of a pre-1.6 torch.save file: PROTO 2, then LONG1 of the magic number 0x1950a86a20f9469cfc6c. */
const LEGACY_TORCH_MAGIC = [
  0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19,
];

const utf8 = new TextDecoder('utf-8');

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function safeNumber(value: bigint, what: string, file: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER))
    throw new CheckpointError(file, `zip ${what} ${value} is absurd; the file is corrupt`);
  return Number(value);
}

/** Reads the central directory (two or three range reads). */
export async function readZipDirectory(reader: RangeReader): Promise<ZipDirectory> {
  const file = reader.file;
  const size = reader.size;
  const notZip = (why: string): CheckpointError =>
    new CheckpointError(
      file,
      `${why}; a torch checkpoint (torch.save since 1.6) is a zip archive. The file is truncated or not a torch zip (download it again; a legacy pre-1.6 torch file must be re-saved with a newer torch)`,
    );
  if (size < 22) throw notZip(`file is only ${formatBytes(size)}, too short for a zip end record`);

  const tailStart = Math.max(0, size - (22 + MAX_COMMENT + 20));
  const tail = await reader.read(tailStart, size);
  const tailView = view(tail);
  let eocd = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (
      tailView.getUint32(i, true) === EOCD_SIGNATURE &&
      i + 22 + tailView.getUint16(i + 20, true) === tail.byteLength
    ) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    const head = await reader.read(0, Math.min(size, LEGACY_TORCH_MAGIC.length));
    if (LEGACY_TORCH_MAGIC.every((byte, i) => head[i] === byte)) {
      throw new CheckpointError(
        file,
        'is in the legacy torch serialization format (torch.save before PyTorch 1.6), which Nezha Studio does not read; re-save it with a newer torch (torch.save(torch.load(f), f)) or convert it to model.safetensors',
      );
    }
    throw notZip('no zip end-of-central-directory record at the end of the file');
  }

  let entryCount: number = tailView.getUint16(eocd + 10, true);
  let directorySize: number = tailView.getUint32(eocd + 12, true);
  let directoryOffset: number = tailView.getUint32(eocd + 16, true);
  const locator = eocd - 20;
  if (locator >= 0 && tailView.getUint32(locator, true) === ZIP64_LOCATOR_SIGNATURE) {
    const zip64Offset = safeNumber(tailView.getBigUint64(locator + 8, true), 'ZIP64 record offset', file);
    if (zip64Offset + 56 > size)
      throw notZip(`ZIP64 end record offset ${zip64Offset} is past the end of the file`);
    const record = view(await reader.read(zip64Offset, zip64Offset + 56));
    if (record.getUint32(0, true) !== ZIP64_EOCD_SIGNATURE)
      throw notZip(`no ZIP64 end record at offset ${zip64Offset}`);
    entryCount = safeNumber(record.getBigUint64(32, true), 'entry count', file);
    directorySize = safeNumber(record.getBigUint64(40, true), 'central directory size', file);
    directoryOffset = safeNumber(record.getBigUint64(48, true), 'central directory offset', file);
  }
  if (directoryOffset + directorySize > size) {
    throw notZip(
      `the central directory (${formatBytes(directorySize)} at offset ${directoryOffset}) runs past the end of the ${formatBytes(size)} file`,
    );
  }

  const directory = await reader.read(directoryOffset, directoryOffset + directorySize);
  const dv = view(directory);
  const entries = new Map<string, ZipEntry>();
  let at = 0;
  for (let index = 0; index < entryCount; index++) {
    if (at + 46 > directory.byteLength || dv.getUint32(at, true) !== CENTRAL_SIGNATURE) {
      throw notZip(`central directory entry ${index} of ${entryCount} is malformed`);
    }
    const method = dv.getUint16(at + 10, true);
    let compressedSize: number = dv.getUint32(at + 20, true);
    let uncompressedSize: number = dv.getUint32(at + 24, true);
    const nameLength = dv.getUint16(at + 28, true);
    const extraLength = dv.getUint16(at + 30, true);
    const commentLength = dv.getUint16(at + 32, true);
    let localHeaderOffset: number = dv.getUint32(at + 42, true);
    if (at + 46 + nameLength + extraLength > directory.byteLength)
      throw notZip(`central directory entry ${index} runs past the directory`);
    const name = utf8.decode(directory.subarray(at + 46, at + 46 + nameLength));
    // ZIP64 extended information: the 0xFFFFFFFF fields, in this order, are 64-bit here.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = dv.getUint16(extra, true);
      const length = dv.getUint16(extra + 2, true);
      if (id === 0x0001) {
        let field = extra + 4;
        const next = (what: string): number => {
          if (field + 8 > extra + 4 + length)
            throw notZip(`ZIP64 field of '${name}' is too short for its ${what}`);
          const value = safeNumber(dv.getBigUint64(field, true), what, file);
          field += 8;
          return value;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = next('size');
        if (compressedSize === 0xffffffff) compressedSize = next('compressed size');
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next('offset');
      }
      extra += 4 + length;
    }
    if (method !== 0 && method !== 8) {
      throw new CheckpointError(
        file,
        `zip entry '${name}' uses compression method ${method}; only stored (0) and deflate (8) are supported`,
      );
    }
    entries.set(name, { name, method, compressedSize, uncompressedSize, localHeaderOffset });
    at = extraEnd + commentLength;
  }
  const byOffset = [...entries.values()].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  return { entries, byOffset, centralDirectoryOffset: directoryOffset };
}

/**
 * Reads one entry's uncompressed bytes. The entry's local header and data are fetched in one
 * read: an entry's bytes end where the next entry (or the central directory) begins.
 */
export async function readZipEntry(
  reader: RangeReader,
  directory: ZipDirectory,
  name: string,
): Promise<Uint8Array> {
  const file = reader.file;
  const entry = directory.entries.get(name);
  if (!entry)
    throw new CheckpointError(
      file,
      `zip record '${name}' is missing; the archive is incomplete or not a torch checkpoint`,
    );
  const index = directory.byOffset.indexOf(entry);
  const end =
    index + 1 < directory.byOffset.length
      ? directory.byOffset[index + 1].localHeaderOffset
      : directory.centralDirectoryOffset;
  const start = entry.localHeaderOffset;
  if (start + 30 > end || end > reader.size) {
    throw new CheckpointError(
      file,
      `zip record '${name}' at offset ${start} lies outside the archive; the file is corrupt`,
    );
  }
  // Start the read on a 64-byte boundary: torch aligns record data to 64 bytes in the file, so
  // the data then sits aligned in the returned buffer and F32 tensors can be zero-copy views.
  const readStart = start - (start % 64);
  const chunk = (await reader.read(readStart, end)).subarray(start - readStart);
  const dv = view(chunk);
  if (dv.getUint32(0, true) !== LOCAL_SIGNATURE) {
    throw new CheckpointError(
      file,
      `zip record '${name}' has no local header at offset ${start}; the file is corrupt`,
    );
  }
  const dataStart = 30 + dv.getUint16(26, true) + dv.getUint16(28, true);
  if (dataStart + entry.compressedSize > chunk.byteLength) {
    throw new CheckpointError(
      file,
      `zip record '${name}' needs ${formatBytes(entry.compressedSize)} at offset ${start + dataStart} but only ${formatBytes(Math.max(0, chunk.byteLength - dataStart))} are there; the file is truncated or corrupt`,
    );
  }
  const data = chunk.subarray(dataStart, dataStart + entry.compressedSize);
  if (entry.method === 0) return data;
  if (entry.uncompressedSize > MAX_INFLATED_BYTES) {
    throw new CheckpointError(
      file,
      `zip record '${name}' is deflated and claims ${formatBytes(entry.uncompressedSize)}; compressed records over ${formatBytes(MAX_INFLATED_BYTES)} are refused (torch writes them uncompressed; re-save the checkpoint with torch.save)`,
    );
  }
  let inflated: Uint8Array;
  try {
    // The output buffer has the declared size, so a zip bomb cannot grow past it.
    inflated = inflateSync(data, { out: new Uint8Array(entry.uncompressedSize) });
  } catch (error) {
    throw new CheckpointError(
      file,
      `zip record '${name}' could not be inflated (${(error as Error).message}); the file is corrupt`,
    );
  }
  if (inflated.byteLength !== entry.uncompressedSize) {
    throw new CheckpointError(
      file,
      `zip record '${name}' inflates to ${formatBytes(inflated.byteLength)}, expected ${formatBytes(entry.uncompressedSize)}`,
    );
  }
  return inflated;
}
