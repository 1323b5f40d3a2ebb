import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectCheckpointFolder, loadCheckpointFolder } from '../../shared/checkpoint/folder';
import { readSafetensors } from '../../shared/checkpoint/safetensors';
import { fsCheckpointSource } from './fsCheckpointSource';

const PRETRAINING = join(import.meta.dirname, '../../fixtures/nezha-tiny/pretraining');
const scratch = mkdtempSync(join(tmpdir(), 'nezha-fs-source-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('fsCheckpointSource', () => {
  it('lists files, reads ranges, and loads a fixture folder like the in-memory bytes', async () => {
    const source = fsCheckpointSource(PRETRAINING);
    expect(await source.listFiles()).toEqual([
      'config.json',
      'model.safetensors',
      'pytorch_model.bin',
      'special_tokens_map.json',
      'tokenizer_config.json',
      'vocab.txt',
    ]);
    const whole = new Uint8Array(readFileSync(join(PRETRAINING, 'model.safetensors')));
    expect(await source.size('model.safetensors')).toBe(whole.byteLength);
    expect(
      Buffer.from(await source.read('model.safetensors', 8, 40)).equals(Buffer.from(whole.subarray(8, 40))),
    ).toBe(true);
    // a range past the end is cut at the end of the file
    expect(
      (await source.read('model.safetensors', whole.byteLength - 4, whole.byteLength + 100)).byteLength,
    ).toBe(4);

    const loaded = await loadCheckpointFolder(source);
    expect(loaded.format).toBe('safetensors');
    const reference = readSafetensors(whole);
    for (const [name, record] of reference) expect(loaded.stateDict.get(name)!.data).toEqual(record.data);
  });

  it('inspects a .bin-only folder and names the folder in errors', async () => {
    const folder = join(scratch, 'bin-only');
    mkdirSync(folder);
    copyFileSync(join(PRETRAINING, 'config.json'), join(folder, 'config.json'));
    copyFileSync(join(PRETRAINING, 'pytorch_model.bin'), join(folder, 'pytorch_model.bin'));
    const inspected = await inspectCheckpointFolder(fsCheckpointSource(folder));
    expect(inspected.format).toBe('pytorch-bin');
    expect(inspected.tensors).toHaveLength(47);

    writeFileSync(join(folder, 'config.json'), '{"hidden_size": 32');
    await expect(inspectCheckpointFolder(fsCheckpointSource(folder))).rejects.toThrow(
      new RegExp(`^${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/config\\.json:1:19: invalid JSON`),
    );
  });

  it('refuses paths that leave the folder', async () => {
    const source = fsCheckpointSource(PRETRAINING);
    await expect(source.read('../base/config.json')).rejects.toThrow(
      /not a file inside the checkpoint folder/,
    );
    await expect(source.size('/etc/passwd')).rejects.toThrow(/not a file inside the checkpoint folder/);
  });
});
