import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fsCheckpointSource } from '../electron/services/fsCheckpointSource';
import { loadCheckpointFolder } from '../shared/checkpoint/folder';
import { baseConfig, makeBaseCheckpoint, pretrainingEntries } from './make-base-checkpoint';
import { readPytorchBin } from '../shared/checkpoint/pytorchBin';
import { planSafetensors } from '../shared/checkpoint/safetensors';
import { bytesRangeReader } from '../shared/checkpoint/source';
import { readZipDirectory, readZipEntry } from '../shared/checkpoint/torchZip';

const PRETRAINING = join(import.meta.dirname, '../fixtures/nezha-tiny/pretraining');
const scratch = mkdtempSync(join(tmpdir(), 'nezha-make-base-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const tiny = { hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 64 };

describe('make-base-checkpoint', () => {
  it('with the tiny sizes, writes the same safetensors header and tokenizer files as HF did for the fixture', async () => {
    const folder = join(scratch, 'tiny');
    const result = await makeBaseCheckpoint(folder, tiny);
    const written = readFileSync(join(folder, 'model.safetensors'));
    const fixture = readFileSync(join(PRETRAINING, 'model.safetensors'));
    expect(result.tensors).toBe(45);
    expect(written.byteLength).toBe(fixture.byteLength);
    const headerEnd = 8 + Number(fixture.readBigUInt64LE(0));
    expect(written.subarray(0, headerEnd).equals(fixture.subarray(0, headerEnd))).toBe(true);
    for (const file of ['vocab.txt', 'special_tokens_map.json']) {
      expect(readFileSync(join(folder, file)).equals(readFileSync(join(PRETRAINING, file))), file).toBe(true);
    }
    // model_max_length follows max_position_embeddings: 512 here, 128 in the fixture
    expect(readFileSync(join(folder, 'tokenizer_config.json'), 'utf8')).toBe(
      readFileSync(join(PRETRAINING, 'tokenizer_config.json'), 'utf8').replace(
        '"model_max_length": 128',
        '"model_max_length": 512',
      ),
    );

    const loaded = await loadCheckpointFolder(fsCheckpointSource(folder));
    expect(loaded.config).toMatchObject({
      model_type: 'nezha',
      hidden_size: 32,
      num_hidden_layers: 2,
      max_relative_position: 64,
    });
    const words = loaded.stateDict.get('nezha.embeddings.word_embeddings.weight')!.data as Float32Array;
    expect(words.subarray(0, 32).every((v) => v === 0)).toBe(true); // padding row
    let sumSq = 0;
    for (let i = 32; i < words.length; i++) sumSq += words[i] * words[i];
    expect(Math.sqrt(sumSq / (words.length - 32))).toBeCloseTo(0.02, 3);
    const ln = loaded.stateDict.get('nezha.encoder.layer.1.output.LayerNorm.weight')!.data as Float32Array;
    expect(ln.every((v) => v > 0.9 && v < 1.1)).toBe(true);
  });

  it('--bin writes a torch.save pytorch_model.bin: the pickle HF wrote for the tiny sizes, same values as the safetensors', async () => {
    const folder = join(scratch, 'tiny-bin');
    const result = await makeBaseCheckpoint(folder, { ...tiny, formats: ['safetensors', 'bin'] });
    const written = new Uint8Array(readFileSync(join(folder, 'pytorch_model.bin')));
    const fixture = new Uint8Array(readFileSync(join(PRETRAINING, 'pytorch_model.bin')));
    expect(result.binBytes).toBe(written.byteLength);
    expect(written.byteLength).toBe(fixture.byteLength); // same records, same alignment
    const pickleOf = async (bytes: Uint8Array): Promise<Uint8Array> => {
      const reader = bytesRangeReader(bytes, 'pytorch_model.bin');
      return readZipEntry(reader, await readZipDirectory(reader), 'pytorch_model/data.pkl');
    };
    expect(Buffer.from(await pickleOf(written)).equals(Buffer.from(await pickleOf(fixture)))).toBe(true);

    const bin = await readPytorchBin(bytesRangeReader(written, 'pytorch_model.bin'));
    const safetensors = (await loadCheckpointFolder(fsCheckpointSource(folder))).stateDict;
    expect(bin.size).toBe(47);
    expect(bin.get('cls.predictions.decoder.weight')!.data).toBe(
      bin.get('nezha.embeddings.word_embeddings.weight')!.data,
    );
    for (const [name, record] of safetensors) expect(bin.get(name)!.data, name).toEqual(record.data);
  });

  it('is deterministic for a seed and differs between seeds', async () => {
    const a = join(scratch, 'a');
    const b = join(scratch, 'b');
    const c = join(scratch, 'c');
    await makeBaseCheckpoint(a, { ...tiny, seed: 7 });
    await makeBaseCheckpoint(b, { ...tiny, seed: 7 });
    await makeBaseCheckpoint(c, { ...tiny, seed: 8 });
    const bytes = (f: string) => readFileSync(join(f, 'model.safetensors'));
    expect(bytes(a).equals(bytes(b))).toBe(true);
    expect(bytes(a).equals(bytes(c))).toBe(false);
  });

  it('the base layout is NEZHA-base: 102 M parameters, ~410 MB (planned, not written)', () => {
    const plan = planSafetensors(pretrainingEntries(baseConfig()), { format: 'pt' });
    expect(plan.tensors).toHaveLength(4 + 12 * 16 + 2 + 1 + 4 + 2);
    expect(plan.fileSize).toBeGreaterThan(409_000_000);
    expect(plan.fileSize).toBeLessThan(411_000_000);
  });
});
