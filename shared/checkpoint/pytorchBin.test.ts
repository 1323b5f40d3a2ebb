import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { floatToHalfBits } from './dtypes';
import { CheckpointError } from './errors';
import { inspectPytorchBin, readPytorchBin } from './pytorchBin';
import { readSafetensors } from './safetensors';
import { bytesRangeReader } from './source';
import { buildZip, PickleWriter, stateDictPickle } from './testing/torchArchive';
import { readZipDirectory } from './torchZip';
import { unpickle } from './unpickler';

const TINY = join(import.meta.dirname, '../../fixtures/nezha-tiny');
const keyListing = JSON.parse(readFileSync(join(TINY, 'goldens/state_dict_keys.json'), 'utf8')) as {
  folders: Record<string, { pytorch_model_bin_keys: Record<string, number[]> }>;
};

function fixture(path: string): Uint8Array {
  return new Uint8Array(readFileSync(join(TINY, path)));
}

function bits(data: ArrayBufferView): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

async function rejection(promise: Promise<unknown>): Promise<CheckpointError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return error as CheckpointError;
  }
  throw new Error('expected a CheckpointError, the promise resolved');
}

function f32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

describe('readPytorchBin on the fixtures', () => {
  it.each(['pretraining', 'sequence-classification'])(
    '%s: every tensor equals the safetensors one bit for bit',
    async (folder) => {
      const state = await readPytorchBin(
        bytesRangeReader(fixture(`${folder}/pytorch_model.bin`), 'pytorch_model.bin'),
      );
      const reference = readSafetensors(fixture(`${folder}/model.safetensors`));
      const listing = keyListing.folders[folder].pytorch_model_bin_keys;
      expect([...state.keys()]).toEqual(Object.keys(listing)); // state_dict() order
      for (const [name, record] of state) {
        expect(record.shape, name).toEqual(listing[name]);
        expect(record.storedDtype).toBe('F32');
        const expected =
          reference.get(name) ??
          reference.get(
            name.replace(
              'cls.predictions.decoder.',
              name.endsWith('weight') ? 'nezha.embeddings.word_embeddings.' : 'cls.predictions.',
            ),
          );
        expect(expected, name).toBeDefined();
        expect(bits(record.data).equals(bits(expected!.data)), name).toBe(true);
      }
    },
  );

  it('the tied decoder weight shares its storage with the word embeddings (one array, not a copy)', async () => {
    const state = await readPytorchBin(
      bytesRangeReader(fixture('pretraining/pytorch_model.bin'), 'pytorch_model.bin'),
    );
    expect(state.get('cls.predictions.decoder.weight')!.data).toBe(
      state.get('nezha.embeddings.word_embeddings.weight')!.data,
    );
    expect(state.get('cls.predictions.decoder.bias')!.data).toBe(state.get('cls.predictions.bias')!.data);
  });

  it('inspectPytorchBin lists keys, shapes and dtypes and reads no storage record', async () => {
    const bytes = fixture('pretraining/pytorch_model.bin');
    let bytesRead = 0;
    const reader = {
      file: 'pytorch_model.bin',
      size: bytes.byteLength,
      read: async (start: number, end: number) => {
        bytesRead += end - start;
        return bytes.subarray(start, end);
      },
    };
    const listing = await inspectPytorchBin(reader);
    expect(listing).toHaveLength(47);
    expect(listing[0]).toEqual({
      name: 'nezha.embeddings.word_embeddings.weight',
      dtype: 'F32',
      shape: [21128, 32],
    });
    expect(bytesRead).toBeLessThan(80_000); // the tail, the directory and data.pkl; the file is 2.9 MB
  });

  it('reports progress up to the storage bytes', async () => {
    const events: number[] = [];
    let total = 0;
    await readPytorchBin(
      bytesRangeReader(fixture('sequence-classification/pytorch_model.bin'), 'p.bin'),
      (p) => {
        events.push(p.bytesDone);
        total = p.bytesTotal;
      },
    );
    expect(events[0]).toBe(0);
    expect(events.at(-1)).toBe(total);
    expect(total).toBeGreaterThan(2_700_000);
    expect([...events].sort((a, b) => a - b)).toEqual(events);
  });
});

describe('hand-built torch archives', () => {
  const storage = f32Bytes([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

  it('strided views, storage offsets, shared storages, F16/BF16/I64 storages, ZIP64 records', async () => {
    const half = new Uint16Array([1, -2, 0.5, 65504].map(floatToHalfBits));
    const bf16 = new Uint16Array([0x3f80, 0xc040]);
    const longs = new BigInt64Array([5n, -7n, 1n << 40n]);
    const pickle = stateDictPickle([
      // a [2,3] row-major matrix starting at element 1 of storage 0
      {
        name: 'matrix',
        storageType: 'FloatStorage',
        key: '0',
        numel: 10,
        offset: 1,
        size: [2, 3],
        stride: [3, 1],
      },
      // its transpose, [3,2] with stride [1,3]: non-contiguous
      {
        name: 'transposed',
        storageType: 'FloatStorage',
        key: '0',
        numel: 10,
        offset: 1,
        size: [3, 2],
        stride: [1, 3],
      },
      // every other element from 4: stride 2
      {
        name: 'strided',
        storageType: 'FloatStorage',
        key: '0',
        numel: 10,
        offset: 4,
        size: [3],
        stride: [2],
      },
      { name: 'scalar', storageType: 'FloatStorage', key: '0', numel: 10, offset: 9, size: [], stride: [] },
      {
        name: 'half',
        storageType: 'HalfStorage',
        key: '1',
        numel: 4,
        offset: 0,
        size: [2, 2],
        stride: [2, 1],
      },
      { name: 'bf16', storageType: 'BFloat16Storage', key: '2', numel: 2, offset: 0, size: [2], stride: [1] },
      {
        name: 'ids',
        storageType: 'LongStorage',
        key: '3',
        numel: 3,
        offset: 0,
        size: [1, 3],
        stride: [3, 1],
      },
    ]);
    for (const zip64 of [false, true]) {
      const zip = buildZip(
        [
          ['model/data.pkl', pickle],
          ['model/byteorder', new TextEncoder().encode('little')],
          ['model/data/0', storage],
          ['model/data/1', new Uint8Array(half.buffer)],
          ['model/data/2', new Uint8Array(bf16.buffer)],
          ['model/data/3', new Uint8Array(longs.buffer)],
          ['model/version', new TextEncoder().encode('3\n')],
        ],
        { zip64 },
      );
      const state = await readPytorchBin(bytesRangeReader(zip, 'crafted.bin'));
      expect(Array.from(state.get('matrix')!.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(Array.from(state.get('transposed')!.data as Float32Array)).toEqual([1, 4, 2, 5, 3, 6]);
      expect(state.get('transposed')!.shape).toEqual([3, 2]);
      expect(Array.from(state.get('strided')!.data as Float32Array)).toEqual([4, 6, 8]);
      expect(state.get('scalar')!.shape).toEqual([]);
      expect(Array.from(state.get('scalar')!.data as Float32Array)).toEqual([9]);
      expect(state.get('half')!.storedDtype).toBe('F16');
      expect(Array.from(state.get('half')!.data as Float32Array)).toEqual([1, -2, 0.5, 65504]);
      expect(Array.from(state.get('bf16')!.data as Float32Array)).toEqual([1, -3]);
      expect(state.get('ids')!.data).toEqual(longs);
      expect(state.get('ids')!.storedDtype).toBe('I64');
    }
  });

  it('a zip with a missing data record is refused, naming the record and tensor', async () => {
    const pickle = stateDictPickle([
      { name: 'w', storageType: 'FloatStorage', key: '0', numel: 10, offset: 0, size: [10], stride: [1] },
      { name: 'v', storageType: 'FloatStorage', key: '1', numel: 10, offset: 0, size: [10], stride: [1] },
    ]);
    const zip = buildZip([
      ['archive/data.pkl', pickle],
      ['archive/data/0', storage],
    ]);
    const error = await rejection(readPytorchBin(bytesRangeReader(zip, 'pytorch_model.bin')));
    expect(error.message).toBe(
      "pytorch_model.bin: tensor 'v' uses storage record 'archive/data/1', which is missing from the zip; the file is incomplete (download it again)",
    );
  });

  it('a storage record shorter than the pickle says, or a view past its end, is refused', async () => {
    const short = buildZip([
      [
        'archive/data.pkl',
        stateDictPickle([
          { name: 'w', storageType: 'FloatStorage', key: '0', numel: 20, offset: 0, size: [20], stride: [1] },
        ]),
      ],
      ['archive/data/0', storage],
    ]);
    expect((await rejection(readPytorchBin(bytesRangeReader(short, 'p.bin')))).message).toMatch(
      /storage record '0' holds 40 bytes but the pickle says 20 F32 elements \(80 bytes\)/,
    );
    const past = buildZip([
      [
        'archive/data.pkl',
        stateDictPickle([
          {
            name: 'w',
            storageType: 'FloatStorage',
            key: '0',
            numel: 10,
            offset: 5,
            size: [3, 2],
            stride: [2, 1],
          },
        ]),
      ],
      ['archive/data/0', storage],
    ]);
    expect((await rejection(readPytorchBin(bytesRangeReader(past, 'p.bin')))).message).toMatch(
      /tensor 'w' \[3, 2\] with stride \[2, 1\] and offset 5 reaches element 10 of a 10-element storage/,
    );
  });

  it('a truncated or non-zip file gives one clear error', async () => {
    const bytes = fixture('pretraining/pytorch_model.bin');
    const truncated = await rejection(
      readPytorchBin(bytesRangeReader(bytes.subarray(0, 1_000_000), 'pytorch_model.bin')),
    );
    expect(truncated.message).toMatch(
      /^pytorch_model\.bin: no zip end-of-central-directory record at the end of the file; .*truncated/,
    );
    const tiny = await rejection(readPytorchBin(bytesRangeReader(new Uint8Array(10), 'x.bin')));
    expect(tiny.message).toMatch(/too short for a zip end record/);
    // a record whose bytes were cut: directory intact but the data region shortened
    const zip = buildZip([
      [
        'archive/data.pkl',
        stateDictPickle([
          { name: 'w', storageType: 'FloatStorage', key: '0', numel: 10, offset: 0, size: [10], stride: [1] },
        ]),
      ],
      ['archive/data/0', storage],
    ]);
    const view = new DataView(zip.buffer);
    // point the central directory's size of data/0 at more bytes than are there
    const cd = zip.byteLength - 22 - (46 + 'archive/data/0'.length);
    view.setUint32(cd + 20, 4000, true);
    const cut = await rejection(readPytorchBin(bytesRangeReader(zip, 'cut.bin')));
    expect(cut.message).toMatch(/zip record 'archive\/data\/0' needs 4,000 bytes .* truncated or corrupt/);
  });

  it('a legacy (pre-1.6) torch.save file is named as such', async () => {
    const legacy = new Uint8Array(200);
    legacy.set([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]);
    const error = await rejection(readPytorchBin(bytesRangeReader(legacy, 'pytorch_model.bin')));
    expect(error.message).toMatch(
      /^pytorch_model\.bin: is in the legacy torch serialization format \(torch\.save before PyTorch 1\.6\)/,
    );
  });

  it('reads a re-zipped (deflated) archive, and refuses a record that inflates short', async () => {
    const pickle = stateDictPickle([
      {
        name: 'w',
        storageType: 'FloatStorage',
        key: '0',
        numel: 10,
        offset: 2,
        size: [2, 2],
        stride: [2, 1],
      },
    ]);
    const zipped = zipSync({ 'archive/data.pkl': pickle, 'archive/data/0': storage }, { level: 6 });
    const state = await readPytorchBin(bytesRangeReader(zipped, 'rezipped.bin'));
    expect(Array.from(state.get('w')!.data as Float32Array)).toEqual([2, 3, 4, 5]);
    // claim a larger uncompressed size in the central directory: the inflated data comes up short
    const directory = await readZipDirectory(bytesRangeReader(zipped, 'rezipped.bin'));
    const entryNameAt = Buffer.from(zipped).lastIndexOf(Buffer.from('archive/data/0'));
    new DataView(zipped.buffer, zipped.byteOffset).setUint32(entryNameAt - 46 + 24, 400, true);
    expect(directory.entries.get('archive/data/0')!.method).toBe(8);
    const error = await rejection(readPytorchBin(bytesRangeReader(zipped, 'rezipped.bin')));
    expect(error.message).toMatch(/zip record 'archive\/data\/0' inflates to 40 bytes, expected 400 bytes/);
  });

  it('a big-endian archive is refused', async () => {
    const zip = buildZip([
      ['archive/data.pkl', stateDictPickle([])],
      ['archive/byteorder', new TextEncoder().encode('big')],
    ]);
    expect((await rejection(readPytorchBin(bytesRangeReader(zip, 'p.bin')))).message).toMatch(
      /saved on a 'big'-endian machine/,
    );
  });
});

describe('the restricted unpickler refuses code execution', () => {
  const file = 'pytorch_model.bin: data.pkl';
  const refuse = (pickle: Uint8Array): string => {
    try {
      unpickle(pickle, { file });
    } catch (error) {
      expect(error).toBeInstanceOf(CheckpointError);
      return (error as Error).message;
    }
    throw new Error('the pickle was accepted');
  };

  it('GLOBAL os.system (the classic exploit) names the global and the file', () => {
    // cos\nsystem\n(S'echo pwned'\ntR.  as protocol 2: GLOBAL, BINUNICODE, TUPLE1, REDUCE, STOP
    const pickle = new PickleWriter()
      .proto()
      .global('os', 'system')
      .unicode('echo pwned')
      .op(0x85)
      .reduce()
      .stop()
      .bytes();
    expect(refuse(pickle)).toMatch(
      /^pytorch_model\.bin: data\.pkl: global 'os\.system' is not allowed; only torch tensor-rebuild globals are/,
    );
  });

  it.each([
    ['builtins', 'eval'],
    ['subprocess', 'Popen'],
    ['posix', 'system'],
    ['torch', 'load'],
    ['torch._utils', '_rebuild_device_tensor_from_numpy'],
    ['collections', 'defaultdict'],
  ])('STACK_GLOBAL %s.%s is refused', (module, name) => {
    const pickle = new PickleWriter()
      .proto(4)
      .stackGlobal(module, name)
      .unicode('x')
      .op(0x85)
      .reduce()
      .stop()
      .bytes();
    expect(refuse(pickle)).toContain(`global '${module}.${name}' is not allowed`);
  });

  it('a state dict hiding os.system inside a tensor entry is refused before any tensor is built', async () => {
    const pickle = new PickleWriter()
      .proto()
      .emptyDict()
      .mark()
      .unicode('w')
      .global('os', 'system')
      .unicode('rm -rf /')
      .op(0x85)
      .reduce()
      .setItems()
      .stop()
      .bytes();
    const zip = buildZip([['archive/data.pkl', pickle]]);
    const error = await rejection(readPytorchBin(bytesRangeReader(zip, 'pytorch_model.bin')));
    expect(error.message).toMatch(/^pytorch_model\.bin: data\.pkl: global 'os\.system' is not allowed/);
  });

  it('REDUCE on a non-callable or a type marker is refused', () => {
    expect(
      refuse(new PickleWriter().proto().unicode('os.system').emptyTuple().reduce().stop().bytes()),
    ).toMatch(/REDUCE at byte \d+ calls a string/);
    expect(
      refuse(new PickleWriter().proto().global('torch', 'FloatStorage').emptyTuple().reduce().stop().bytes()),
    ).toMatch(/calls 'torch\.FloatStorage', which is a type marker/);
  });

  it('unknown and legacy instance-building opcodes are refused', () => {
    // INST (i) would import and call a class named in the stream
    expect(
      refuse(new Uint8Array([0x80, 0x02, 0x28, 0x69, ...new TextEncoder().encode('os\nsystem\n'), 0x2e])),
    ).toMatch(/unsupported pickle opcode 0x69 \('i'\) at byte 3/);
    expect(refuse(new Uint8Array([0x80, 0x02, 0xff]))).toMatch(/unsupported pickle opcode 0xff at byte 2/);
    // EXT1 (extension registry lookup) is refused too
    expect(refuse(new Uint8Array([0x80, 0x02, 0x82, 0x01, 0x2e]))).toMatch(/unsupported pickle opcode 0x82/);
  });

  it('persistent ids other than storages are refused', () => {
    const pickle = new PickleWriter()
      .proto()
      .mark()
      .unicode('module')
      .unicode('x')
      .tuple()
      .binPersId()
      .stop()
      .bytes();
    expect(refuse(pickle)).toMatch(/persistent id at byte \d+ is \('module', \.\.\.\); only \('storage'/);
  });

  it('truncated and malformed pickles give clear errors, not crashes', () => {
    expect(refuse(new Uint8Array([0x80, 0x02, 0x58, 0xff, 0xff, 0x00, 0x00, 0x41]))).toMatch(
      /pickle ends in the middle of a string/,
    );
    expect(refuse(new Uint8Array([0x80, 0x02, 0x7d]))).toMatch(/without a STOP opcode/);
    expect(refuse(new Uint8Array([0x80, 0x02, 0x68, 0x05, 0x2e]))).toMatch(
      /memo slot 5 that was never written/,
    );
    expect(refuse(new Uint8Array([0x80, 0x02, 0x61, 0x2e]))).toMatch(/pops an empty stack/);
  });

  it('a list of 300,000 items (APPENDS) is built without overflowing the call stack', () => {
    const items = new Uint8Array(300_000).fill(0x4e); // NONE
    const pickle = new Uint8Array([0x80, 0x02, 0x5d, 0x28, ...items, 0x65, 0x2e]);
    expect((unpickle(pickle, { file }) as unknown[]).length).toBe(300_000);
  });

  it('accepts what torch writes: OrderedDict with _metadata BUILD state, LONG1, BINFLOAT, memo', () => {
    const p = new PickleWriter()
      .proto()
      .global('collections', 'OrderedDict')
      .op(0x71, 0)
      .emptyTuple()
      .reduce();
    p.mark()
      .unicode('a')
      .op(0x8a, 2, 0x00, 0x01)
      .unicode('b')
      .op(0x47, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0)
      .setItems();
    p.emptyDict().unicode('_metadata').emptyDict().op(0x73).op(0x62); // BUILD {'_metadata': {}}
    const value = unpickle(p.stop().bytes(), { file }) as Map<string, unknown>;
    expect(value).toBeInstanceOf(Map);
    expect([...value]).toEqual([
      ['a', 256],
      ['b', 1.5],
    ]);
  });
});
