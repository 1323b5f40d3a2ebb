import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from './errors';
import {
  decodeSafetensorsTensor,
  parseSafetensorsHeader,
  readSafetensors,
  readSafetensorsWithMetadata,
  safetensorsHeaderLength,
  writeSafetensors,
} from './safetensors';
import type { StateDict } from './types';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const TINY = join(FIXTURES, 'nezha-tiny');
const FOLDERS = [
  'pretraining',
  'base',
  'sequence-classification',
  'sequence-classification-regression',
  'sequence-classification-multilabel',
  'token-classification',
  'question-answering',
  'multiple-choice',
];

interface KeyListing {
  folders: Record<
    string,
    {
      safetensors_metadata: Record<string, string>;
      safetensors_keys: Record<string, { dtype: string; shape: number[] }>;
    }
  >;
}
const keyListing = JSON.parse(readFileSync(join(TINY, 'goldens/state_dict_keys.json'), 'utf8')) as KeyListing;

function fixtureBytes(path: string): Uint8Array {
  const buffer = readFileSync(path);
  // a fresh ArrayBuffer, so the test does not depend on Node's buffer pool offsets
  return new Uint8Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
}

/** Builds a safetensors file by hand from a header object and a data section (for broken-input tests). */
function craft(header: unknown, data: Uint8Array, headerLengthOverride?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLengthOverride ?? json.byteLength), true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}

function errorOf(fn: () => unknown): CheckpointError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return error as CheckpointError;
  }
  throw new Error('expected a CheckpointError, nothing was thrown');
}

describe('readSafetensors on the nezha-tiny fixtures', () => {
  it.each(FOLDERS)('%s: every key, shape, dtype and the metadata match state_dict_keys.json', (folder) => {
    const { stateDict, metadata } = readSafetensorsWithMetadata(
      fixtureBytes(join(TINY, folder, 'model.safetensors')),
    );
    const expected = keyListing.folders[folder];
    expect(metadata).toEqual(expected.safetensors_metadata);
    expect([...stateDict.keys()].sort()).toEqual(Object.keys(expected.safetensors_keys).sort());
    for (const [name, { dtype, shape }] of Object.entries(expected.safetensors_keys)) {
      const record = stateDict.get(name)!;
      expect(dtype).toBe('float32');
      expect(record.storedDtype).toBe('F32');
      expect(record.shape).toEqual(shape);
      expect(record.data).toBeInstanceOf(Float32Array);
      expect(record.data.length).toBe(shape.reduce((a, b) => a * b, 1));
    }
  });

  it('decodes the values in the file (checked against a DataView read of the raw bytes)', () => {
    const bytes = fixtureBytes(join(TINY, 'pretraining/model.safetensors'));
    const header = parseSafetensorsHeader(bytes, bytes.byteLength);
    const state = readSafetensors(bytes);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const info = header.tensors.find((t) => t.name === 'nezha.embeddings.LayerNorm.weight')!;
    const record = state.get(info.name)!;
    for (let i = 0; i < 32; i++) expect(record.data[i]).toBe(view.getFloat32(info.fileStart + 4 * i, true));
    // README: LayerNorm weights were drawn from U[0.5, 1.5)
    for (const value of record.data as Float32Array) expect(value >= 0.5 && value < 1.5).toBe(true);
    // and the padding row of the word embeddings is zero (HF init)
    const words = state.get('nezha.embeddings.word_embeddings.weight')!;
    expect(Array.from(words.data.subarray(0, 32) as Float32Array).every((v) => v === 0)).toBe(true);
    expect(Array.from(words.data.subarray(32, 64) as Float32Array).some((v) => v !== 0)).toBe(true);
  });

  it('reads unaligned input with one copy and gives identical values', () => {
    const bytes = fixtureBytes(join(TINY, 'base/model.safetensors'));
    const shifted = new Uint8Array(bytes.byteLength + 1);
    shifted.set(bytes, 1);
    const aligned = readSafetensors(bytes);
    const unaligned = readSafetensors(shifted.subarray(1));
    for (const [name, record] of aligned) expect(unaligned.get(name)!.data).toEqual(record.data);
  });

  it('streaming: header from the first bytes, then each tensor from its own byte range', () => {
    const bytes = fixtureBytes(join(TINY, 'token-classification/model.safetensors'));
    const headerLength = safetensorsHeaderLength(bytes.slice(0, 8), bytes.byteLength);
    const header = parseSafetensorsHeader(
      bytes.slice(0, 8 + headerLength),
      bytes.byteLength,
      'tc.safetensors',
    );
    expect(header.dataStart).toBe(8 + headerLength);
    const whole = readSafetensors(bytes);
    for (const info of header.tensors) {
      const record = decodeSafetensorsTensor(info, bytes.slice(info.fileStart, info.fileEnd));
      expect(record.data).toEqual(whole.get(info.name)!.data);
    }
    expect(() => parseSafetensorsHeader(bytes.slice(0, 100), bytes.byteLength, 'tc.safetensors')).toThrow(
      /tc\.safetensors: need the first .* bytes to parse the header/,
    );
  });
});

describe('writeSafetensors', () => {
  const files = [
    ...FOLDERS.map((folder) => join(TINY, folder, 'model.safetensors')),
    join(FIXTURES, 'training/sequence_classification.grads.safetensors'),
    join(FIXTURES, 'training/token_classification.adamw3.safetensors'),
  ];
  it.each(files)('re-writing %s gives the same bytes as the python library', (path) => {
    const bytes = fixtureBytes(path);
    const { stateDict, metadata } = readSafetensorsWithMetadata(bytes);
    const written = writeSafetensors(stateDict, metadata);
    expect(written.byteLength).toBe(bytes.byteLength);
    expect(Buffer.from(written).equals(Buffer.from(bytes))).toBe(true);
  });

  it('sorts keys by dtype rank then name, pads the header with spaces to 8 bytes, and round-trips F16/BF16/I64/I32', () => {
    const halfValues = [
      0,
      -0,
      1,
      -2.5,
      65504,
      6.103515625e-5,
      5.960464477539063e-8,
      Infinity,
      -Infinity,
      0.333251953125,
    ];
    const state: StateDict = new Map([
      ['b.f32', { storedDtype: 'F32', shape: [2], data: new Float32Array([1.5, -3]) }],
      ['a.f32', { storedDtype: 'F32', shape: [1, 1], data: new Float32Array([7]) }],
      ['half', { storedDtype: 'F16', shape: [halfValues.length], data: new Float32Array(halfValues) }],
      ['brain', { storedDtype: 'BF16', shape: [3], data: new Float32Array([1, -0.5, 3.140625]) }],
      ['ids', { storedDtype: 'I64', shape: [3], data: new BigInt64Array([1n, -2n, 9007199254740993n]) }],
      ['i32', { storedDtype: 'I32', shape: [2], data: new Int32Array([-5, 6]) }],
      ['10', { storedDtype: 'F32', shape: [0], data: new Float32Array(0) }],
    ]);
    const bytes = writeSafetensors(state, { note: 'x' });
    const header = parseSafetensorsHeader(bytes, bytes.byteLength);
    expect(header.headerLength % 8).toBe(0);
    expect(header.tensors.map((t) => t.name)).toEqual([
      'ids',
      '10',
      'a.f32',
      'b.f32',
      'i32',
      'brain',
      'half',
    ]);
    const headerText = new TextDecoder().decode(bytes.subarray(8, 8 + header.headerLength));
    expect(
      headerText.startsWith(
        '{"__metadata__":{"note":"x"},"ids":{"dtype":"I64","shape":[3],"data_offsets":[0,24]}',
      ),
    ).toBe(true);
    expect(headerText.trimEnd().endsWith('}')).toBe(true);
    const back = readSafetensors(bytes);
    expect(back.get('half')!.storedDtype).toBe('F16');
    expect(Array.from(back.get('half')!.data as Float32Array)).toEqual(halfValues);
    expect(Object.is(back.get('half')!.data[1], -0)).toBe(true);
    expect(Array.from(back.get('brain')!.data as Float32Array)).toEqual([1, -0.5, 3.140625]);
    expect(back.get('ids')!.data).toEqual(new BigInt64Array([1n, -2n, 9007199254740993n]));
    expect(back.get('i32')!.data).toEqual(new Int32Array([-5, 6]));
    expect(back.get('10')!.shape).toEqual([0]);
    // F32 option widens the half types
    const widened = readSafetensors(writeSafetensors(state, null, { dtype: 'F32' }));
    expect(widened.get('half')!.storedDtype).toBe('F32');
  });

  it('rounds float32 to F16 and BF16 to nearest even', () => {
    const state: StateDict = new Map([
      [
        'h',
        { storedDtype: 'F16', shape: [3], data: new Float32Array([1 + 2 ** -11, 1 + 3 * 2 ** -11, 1e6]) },
      ],
      ['b', { storedDtype: 'BF16', shape: [2], data: new Float32Array([1 + 2 ** -8, 1 + 3 * 2 ** -8]) }],
    ]);
    const back = readSafetensors(writeSafetensors(state));
    expect(Array.from(back.get('h')!.data as Float32Array)).toEqual([1, 1 + 2 ** -9, Infinity]);
    expect(Array.from(back.get('b')!.data as Float32Array)).toEqual([1, 1 + 2 ** -6]);
  });
});

describe('F16 and BF16 decoding', () => {
  it('decodes every one of the 65536 half bit patterns like the IEEE formula', () => {
    const halves = new Uint16Array(65536);
    for (let i = 0; i < 65536; i++) halves[i] = i;
    const bytes = new Uint8Array(halves.buffer);
    const record = decodeSafetensorsTensor(
      {
        name: 'all',
        dtype: 'F16',
        shape: [65536],
        dataOffsets: [0, bytes.byteLength],
        fileStart: 0,
        fileEnd: bytes.byteLength,
      },
      bytes,
    );
    for (let h = 0; h < 65536; h++) {
      const sign = h & 0x8000 ? -1 : 1;
      const exponent = (h >> 10) & 0x1f;
      const mantissa = h & 0x3ff;
      const expected =
        exponent === 0
          ? sign * mantissa * 2 ** -24
          : exponent === 31
            ? mantissa
              ? NaN
              : sign * Infinity
            : sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
      if (!Object.is(record.data[h], expected))
        throw new Error(`half 0x${h.toString(16)}: got ${record.data[h]}, expected ${expected}`);
    }
  });

  it('decodes BF16 as the top 16 bits of a float32', () => {
    const bits = new Uint16Array([0x3f80, 0xc000, 0x7f80, 0x0001, 0x8000]);
    const bytes = new Uint8Array(bits.buffer);
    const record = decodeSafetensorsTensor(
      { name: 'b', dtype: 'BF16', shape: [5], dataOffsets: [0, 10], fileStart: 0, fileEnd: 10 },
      bytes,
    );
    expect(Array.from(record.data as Float32Array)).toEqual([1, -2, Infinity, 9.183549615799121e-41, -0]);
  });
});

describe('broken safetensors files give one clear error', () => {
  const data = new Uint8Array(16);
  const good = {
    a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] },
  };

  it('truncated file (last bytes missing)', () => {
    const bytes = fixtureBytes(join(TINY, 'base/model.safetensors'));
    const error = errorOf(() =>
      readSafetensors(bytes.subarray(0, bytes.byteLength - 100), 'base/model.safetensors'),
    );
    expect(error.message).toMatch(
      /^base\/model\.safetensors: tensor '.*' data_offsets \[\d+, \d+\] run past the end of the data section .*truncated/,
    );
  });

  it('header length longer than the file', () => {
    const bytes = craft(good, data, 10_000);
    expect(errorOf(() => readSafetensors(bytes, 'm.safetensors')).message).toMatch(
      /^m\.safetensors: header length field says 10,000 bytes but the file is only \d+ bytes; the file is truncated/,
    );
  });

  it('absurd header length', () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 62n, true);
    expect(errorOf(() => readSafetensors(bytes)).message).toMatch(/more than the 100,000,000 bytes limit/);
  });

  it('file shorter than 8 bytes', () => {
    expect(errorOf(() => readSafetensors(new Uint8Array(3))).message).toMatch(/too short to be safetensors/);
  });

  it('offsets out of range', () => {
    const header = { ...good, b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } };
    const error = errorOf(() => readSafetensors(craft(header, data.subarray(0, 12))));
    expect(error.message).toMatch(
      /tensor 'b' data_offsets \[8, 16\] run past the end of the data section \(4 bytes\)|tensor 'b' data_offsets \[8, 16\] run past/,
    );
  });

  it('wrong byte length for dtype × shape', () => {
    const header = { a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } };
    expect(errorOf(() => readSafetensors(craft(header, data.subarray(0, 8)))).message).toMatch(
      /tensor 'a' is F32 \[3\], which needs 12 bytes, but data_offsets \[0, 8\] span 8 bytes/,
    );
  });

  it('gaps, overlaps and trailing bytes', () => {
    const gap = {
      a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] },
    };
    expect(errorOf(() => readSafetensors(craft(gap, data))).message).toMatch(
      /tensor 'b' data_offsets \[8, 16\] leave a gap after byte 4/,
    );
    const overlap = {
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
    };
    expect(errorOf(() => readSafetensors(craft(overlap, data))).message).toMatch(
      /overlap the previous tensor/,
    );
    const short = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    expect(errorOf(() => readSafetensors(craft(short, data))).message).toMatch(
      /tensors cover 8 bytes of data but the file holds 16 bytes/,
    );
  });

  it('bad JSON, bad dtype, bad shape, bad metadata', () => {
    const json = new TextEncoder().encode('{"a": {');
    const bytes = new Uint8Array(8 + json.byteLength);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(json.byteLength), true);
    bytes.set(json, 8);
    expect(errorOf(() => readSafetensors(bytes)).message).toMatch(/header is not valid JSON/);
    expect(
      errorOf(() => readSafetensors(craft({ a: { dtype: 'C64', shape: [2], data_offsets: [0, 16] } }, data)))
        .message,
    ).toMatch(/tensor 'a' has dtype C64, which Nezha Studio cannot read/);
    expect(
      errorOf(() => readSafetensors(craft({ a: { dtype: 'F32', shape: [-4], data_offsets: [0, 16] } }, data)))
        .message,
    ).toMatch(/tensor 'a' "shape" must be a list of non-negative integers/);
    expect(
      errorOf(() => readSafetensors(craft({ __metadata__: { format: 1 }, ...good }, data))).message,
    ).toMatch(/"__metadata__" key 'format' must be a string/);
  });
});
