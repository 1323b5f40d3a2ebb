import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from './errors';
import {
  inspectCheckpointFolder,
  loadCheckpointFolder,
  streamCheckpointFolder,
  type LoadProgress,
} from './folder';
import { readSafetensors, writeSafetensors } from './safetensors';
import { memoryCheckpointSource, type CheckpointSource } from './source';
import { buildZip, stateDictPickle } from './testing/torchArchive';
import type { StateDict } from './types';

const TINY = join(import.meta.dirname, '../../fixtures/nezha-tiny');
const keyListing = JSON.parse(readFileSync(join(TINY, 'goldens/state_dict_keys.json'), 'utf8')) as {
  folders: Record<
    string,
    {
      safetensors_keys: Record<string, { shape: number[] }>;
      pytorch_model_bin_keys?: Record<string, number[]>;
    }
  >;
};

function folderFiles(folder: string, skip: string[] = []): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const name of readdirSync(join(TINY, folder))) {
    if (!skip.includes(name)) files.set(name, new Uint8Array(readFileSync(join(TINY, folder, name))));
  }
  return files;
}

/** Wraps a source to count the bytes read. */
function counting(source: CheckpointSource): { source: CheckpointSource; bytesRead: () => number } {
  let total = 0;
  return {
    source: {
      ...source,
      read: async (file, start, end) => {
        const bytes = await source.read(file, start, end);
        total += bytes.byteLength;
        return bytes;
      },
    },
    bytesRead: () => total,
  };
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

function bits(data: ArrayBufferView): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function expectSameTensors(actual: StateDict, expected: StateDict): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [name, record] of expected) {
    expect(actual.get(name)!.shape).toEqual(record.shape);
    expect(bits(actual.get(name)!.data).equals(bits(record.data)), name).toBe(true);
  }
}

/** Splits a state dict into `count` safetensors shards plus an HF-style index. */
function shardSafetensors(state: StateDict, count: number): Map<string, Uint8Array> {
  const names = [...state.keys()];
  const files = new Map<string, Uint8Array>();
  const weightMap: Record<string, string> = {};
  let totalSize = 0;
  for (let s = 0; s < count; s++) {
    const shardName = `model-${String(s + 1).padStart(5, '0')}-of-${String(count).padStart(5, '0')}.safetensors`;
    const part: StateDict = new Map();
    for (let i = s; i < names.length; i += count) {
      part.set(names[i], state.get(names[i])!);
      weightMap[names[i]] = shardName;
      totalSize += state.get(names[i])!.data.byteLength;
    }
    files.set(shardName, writeSafetensors(part, { format: 'pt' }));
  }
  files.set(
    'model.safetensors.index.json',
    new TextEncoder().encode(
      JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2),
    ),
  );
  return files;
}

describe('loadCheckpointFolder', () => {
  it('loads a safetensors folder: config, 45 tensors, progress to the file size', async () => {
    const files = folderFiles('pretraining');
    const events: LoadProgress[] = [];
    const loaded = await loadCheckpointFolder(memoryCheckpointSource(files), {
      onProgress: (p) => events.push(p),
    });
    expect(loaded.format).toBe('safetensors'); // preferred over the pytorch_model.bin beside it
    expect(loaded.files).toEqual(['model.safetensors']);
    expect(loaded.configFile).toBe('config.json');
    expect((loaded.config as { hidden_size: number }).hidden_size).toBe(32);
    expect(loaded.metadata).toEqual({ format: 'pt' });
    expectSameTensors(loaded.stateDict, readSafetensors(files.get('model.safetensors')!));
    expect(loaded.stateDict.size).toBe(45);
    expect(events.at(-1)).toEqual({
      bytesDone: files.get('model.safetensors')!.byteLength,
      bytesTotal: files.get('model.safetensors')!.byteLength,
      file: 'model.safetensors',
    });
    for (let i = 1; i < events.length; i++)
      expect(events[i].bytesDone).toBeGreaterThanOrEqual(events[i - 1].bytesDone);
  });

  it('loads a folder that has only pytorch_model.bin (like sijunhe/nezha-cn-base), equal to the safetensors', async () => {
    const reference = readSafetensors(folderFiles('sequence-classification').get('model.safetensors')!);
    const loaded = await loadCheckpointFolder(
      memoryCheckpointSource(folderFiles('sequence-classification', ['model.safetensors'])),
    );
    expect(loaded.format).toBe('pytorch-bin');
    expect(loaded.metadata).toBeNull();
    expectSameTensors(loaded.stateDict, reference);
  });

  it('loads sharded safetensors made by splitting a fixture into 3 shards', async () => {
    const whole = folderFiles('pretraining');
    const state = readSafetensors(whole.get('model.safetensors')!);
    const files = new Map([['config.json', whole.get('config.json')!], ...shardSafetensors(state, 3)]);
    const events: LoadProgress[] = [];
    const loaded = await loadCheckpointFolder(memoryCheckpointSource(files), {
      onProgress: (p) => events.push(p),
    });
    expect(loaded.format).toBe('safetensors-sharded');
    expect(loaded.files).toEqual([
      'model.safetensors.index.json',
      'model-00001-of-00003.safetensors',
      'model-00002-of-00003.safetensors',
      'model-00003-of-00003.safetensors',
    ]);
    expectSameTensors(loaded.stateDict, state);
    const shardBytes = loaded.files.slice(1).reduce((sum, f) => sum + files.get(f)!.byteLength, 0);
    expect(events.at(-1)!.bytesDone).toBe(shardBytes);
    expect(new Set(events.map((e) => e.file)).size).toBe(3);
  });

  it('loads a pytorch_model.bin.index.json with its shard', async () => {
    const whole = folderFiles('pretraining');
    const bin = whole.get('pytorch_model.bin')!;
    const keys = Object.keys(keyListing.folders.pretraining.pytorch_model_bin_keys!);
    const index = {
      metadata: {},
      weight_map: Object.fromEntries(keys.map((k) => [k, 'pytorch_model-00001-of-00001.bin'])),
    };
    const files = new Map([
      ['config.json', whole.get('config.json')!],
      ['pytorch_model-00001-of-00001.bin', bin],
      ['pytorch_model.bin.index.json', new TextEncoder().encode(JSON.stringify(index))],
    ]);
    const loaded = await loadCheckpointFolder(memoryCheckpointSource(files));
    expect(loaded.format).toBe('pytorch-bin-sharded');
    expect([...loaded.stateDict.keys()]).toEqual(keys);
  });

  it('loads a .bin checkpoint split into 2 torch-zip shards (built in the test)', async () => {
    const whole = folderFiles('sequence-classification');
    const state = readSafetensors(whole.get('model.safetensors')!);
    const names = [...state.keys()];
    const weightMap: Record<string, string> = {};
    const files = new Map([['config.json', whole.get('config.json')!]]);
    for (let s = 0; s < 2; s++) {
      const shard = `pytorch_model-0000${s + 1}-of-00002.bin`;
      const part = names.filter((_, i) => i % 2 === s);
      const pickle = stateDictPickle(
        part.map((name, key) => {
          const shape = state.get(name)!.shape;
          const stride = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
          const numel = shape.reduce((a, b) => a * b, 1);
          return {
            name,
            storageType: 'FloatStorage',
            key: String(key),
            numel,
            offset: 0,
            size: shape,
            stride,
          };
        }),
      );
      const records: [string, Uint8Array][] = [['shard/data.pkl', pickle]];
      part.forEach((name, key) => {
        const data = state.get(name)!.data;
        records.push([`shard/data/${key}`, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)]);
        weightMap[name] = shard;
      });
      files.set(shard, buildZip(records, { zip64: s === 1 }));
    }
    files.set(
      'pytorch_model.bin.index.json',
      new TextEncoder().encode(JSON.stringify({ weight_map: weightMap })),
    );
    const loaded = await loadCheckpointFolder(memoryCheckpointSource(files));
    expect(loaded.format).toBe('pytorch-bin-sharded');
    expect(loaded.files).toEqual([
      'pytorch_model.bin.index.json',
      'pytorch_model-00001-of-00002.bin',
      'pytorch_model-00002-of-00002.bin',
    ]);
    expectSameTensors(loaded.stateDict, state);
  });

  it('can be cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      loadCheckpointFolder(memoryCheckpointSource(folderFiles('base')), { signal: controller.signal }),
    ).rejects.toThrow(/abort/i);
  });
});

describe('streamCheckpointFolder', () => {
  it.each([
    ['pretraining', [] as string[], 45],
    ['pretraining', ['model.safetensors'], 47],
  ])('%s without %j: hands over every tensor once, awaiting an async sink', async (folder, skip, count) => {
    const files = folderFiles(folder, skip);
    const reference = await loadCheckpointFolder(memoryCheckpointSource(files));
    const seen: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const streamed = await streamCheckpointFolder(
      memoryCheckpointSource(files),
      async (name, record, file) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        expect(bits(record.data).equals(bits(reference.stateDict.get(name)!.data)), name).toBe(true);
        expect(file).toBe(reference.files[0]);
        seen.push(name);
        inFlight--;
      },
    );
    expect(maxInFlight).toBe(1);
    expect(streamed.tensorCount).toBe(count);
    expect([...seen].sort()).toEqual([...reference.stateDict.keys()].sort());
    expect(streamed.format).toBe(reference.format);
    if (skip.length) {
      // storage order: the tied alias follows the word embeddings it shares storage with
      expect(seen.slice(0, 2)).toEqual([
        'nezha.embeddings.word_embeddings.weight',
        'cls.predictions.decoder.weight',
      ]);
    }
  });
});

describe('loadCheckpointFolder errors: one line naming the file and the problem', () => {
  it('missing config.json', async () => {
    const error = await rejection(
      loadCheckpointFolder(memoryCheckpointSource(folderFiles('base', ['config.json']), 'nezha-cn-base')),
    );
    expect(error.message).toMatch(
      /^nezha-cn-base\/config\.json: missing: a Hugging Face checkpoint folder needs config\.json/,
    );
    expect(error.message).not.toContain('\n');
  });

  it('invalid JSON in config.json, with line and column', async () => {
    const files = folderFiles('base');
    files.set(
      'config.json',
      new TextEncoder().encode('{\n  "hidden_size": 32,\n  "vocab_size": 21128,,\n}\n'),
    );
    const error = await rejection(loadCheckpointFolder(memoryCheckpointSource(files)));
    expect(error.message).toMatch(/^config\.json:3:23: invalid JSON \(.+\); fix or replace the file$/);
  });

  it('no weight file', async () => {
    const files = folderFiles('base', ['model.safetensors']);
    files.set('tf_model.h5', new Uint8Array(4));
    const error = await rejection(loadCheckpointFolder(memoryCheckpointSource(files)));
    expect(error.message).toMatch(
      /^config\.json: no weight file next to it: expected model\.safetensors, pytorch_model\.bin .*found tf_model\.h5/,
    );
  });

  it('truncated model.safetensors', async () => {
    const files = folderFiles('base');
    const bytes = files.get('model.safetensors')!;
    files.set('model.safetensors', bytes.subarray(0, bytes.byteLength - 1000));
    const error = await rejection(loadCheckpointFolder(memoryCheckpointSource(files, 'base')));
    expect(error.message).toMatch(
      /^base\/model\.safetensors: tensor '.+' data_offsets .* run past the end of the data section .*truncated/,
    );
  });

  it('truncated pytorch_model.bin', async () => {
    const files = folderFiles('pretraining', ['model.safetensors']);
    files.set('pytorch_model.bin', files.get('pytorch_model.bin')!.subarray(0, 2_000_000));
    const error = await rejection(loadCheckpointFolder(memoryCheckpointSource(files)));
    expect(error.message).toMatch(/^pytorch_model\.bin: no zip end-of-central-directory record/);
  });

  it('index.json naming a missing shard, or a key its shard lacks', async () => {
    const whole = folderFiles('pretraining');
    const state = readSafetensors(whole.get('model.safetensors')!);
    const files = new Map([['config.json', whole.get('config.json')!], ...shardSafetensors(state, 2)]);
    const missing = new Map(files);
    missing.delete('model-00002-of-00002.safetensors');
    expect((await rejection(loadCheckpointFolder(memoryCheckpointSource(missing)))).message).toMatch(
      /^model\.safetensors\.index\.json: weight_map names shard 'model-00002-of-00002\.safetensors' \(for '.+'\), which is missing from the folder/,
    );
    const index = JSON.parse(new TextDecoder().decode(files.get('model.safetensors.index.json')!));
    index.weight_map['nezha.extra.weight'] = 'model-00001-of-00002.safetensors';
    files.set('model.safetensors.index.json', new TextEncoder().encode(JSON.stringify(index)));
    expect((await rejection(loadCheckpointFolder(memoryCheckpointSource(files)))).message).toMatch(
      /weight_map puts 'nezha\.extra\.weight' in 'model-00001-of-00002\.safetensors', but that shard has no such tensor/,
    );
  });
});

describe('inspectCheckpointFolder', () => {
  it.each(['pretraining', 'token-classification'])(
    '%s: lists keys and shapes from the safetensors header only',
    async (folder) => {
      const { source, bytesRead } = counting(memoryCheckpointSource(folderFiles(folder)));
      const inspected = await inspectCheckpointFolder(source);
      expect(inspected.format).toBe('safetensors');
      const expected = keyListing.folders[folder].safetensors_keys;
      expect(inspected.tensors.map((t) => t.name).sort()).toEqual(Object.keys(expected).sort());
      for (const t of inspected.tensors) {
        expect(t.shape).toEqual(expected[t.name].shape);
        expect(t.dtype).toBe('F32');
        expect(t.file).toBe('model.safetensors');
      }
      expect(inspected.weightBytes).toBeGreaterThan(2_700_000);
      expect(bytesRead()).toBeLessThan(10_000); // config + header, of a 2.8 MB folder
    },
  );

  it('lists a pytorch_model.bin from the pickle without reading storages', async () => {
    const { source, bytesRead } = counting(
      memoryCheckpointSource(folderFiles('pretraining', ['model.safetensors'])),
    );
    const inspected = await inspectCheckpointFolder(source);
    expect(inspected.format).toBe('pytorch-bin');
    const expected = keyListing.folders.pretraining.pytorch_model_bin_keys!;
    expect(inspected.tensors.map((t) => [t.name, t.shape])).toEqual(Object.entries(expected));
    expect(bytesRead()).toBeLessThan(80_000);
  });

  it('gives the same errors as loading', async () => {
    await expect(
      inspectCheckpointFolder(memoryCheckpointSource(folderFiles('base', ['config.json']))),
    ).rejects.toThrow(/^config\.json: missing/);
  });
});
