import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPytorchBin } from './pytorchBin';
import { bytesRangeReader } from './source';
import { crc32, writePytorchBin } from './torchSave';
import type { StateDict } from './types';

const TINY = join(import.meta.dirname, '../../fixtures/nezha-tiny');

describe('writePytorchBin', () => {
  it.each(['pretraining', 'sequence-classification'])(
    '%s: re-writing the state dict read from the torch-written file gives the same bytes',
    async (folder) => {
      const original = new Uint8Array(readFileSync(join(TINY, folder, 'pytorch_model.bin')));
      const state = await readPytorchBin(bytesRangeReader(original, 'pytorch_model.bin'));
      const written = writePytorchBin(state);
      expect(written.byteLength).toBe(original.byteLength);
      expect(Buffer.from(written).equals(Buffer.from(original))).toBe(true);
    },
  );

  it('round-trips F16, BF16, I64, I32 and scalar tensors, aliases sharing one storage, and >1000 keys', async () => {
    const shared = new Float32Array([1, 2, 3, 4]);
    const state: StateDict = new Map([
      ['w', { storedDtype: 'F32', shape: [2, 2], data: shared }],
      ['alias', { storedDtype: 'F32', shape: [2, 2], data: shared }],
      ['half', { storedDtype: 'F16', shape: [3], data: new Float32Array([0.5, -1, 65504]) }],
      ['brain', { storedDtype: 'BF16', shape: [1, 1, 1, 2], data: new Float32Array([1, -3]) }],
      ['ids', { storedDtype: 'I64', shape: [2], data: new BigInt64Array([7n, -(1n << 40n)]) }],
      ['i32', { storedDtype: 'I32', shape: [1], data: new Int32Array([-9]) }],
      ['scalar', { storedDtype: 'F32', shape: [], data: new Float32Array([42]) }],
    ]);
    for (let i = 0; i < 1000; i++)
      state.set(`extra.${i}`, { storedDtype: 'F32', shape: [1], data: new Float32Array([i]) });
    const back = await readPytorchBin(bytesRangeReader(writePytorchBin(state, 'model'), 'model.bin'));
    expect([...back.keys()]).toEqual([...state.keys()]);
    expect(back.get('alias')!.data).toBe(back.get('w')!.data);
    expect(Array.from(back.get('w')!.data as Float32Array)).toEqual([1, 2, 3, 4]);
    expect(back.get('half')!.storedDtype).toBe('F16');
    expect(Array.from(back.get('half')!.data as Float32Array)).toEqual([0.5, -1, 65504]);
    expect(back.get('brain')!.shape).toEqual([1, 1, 1, 2]);
    expect(Array.from(back.get('brain')!.data as Float32Array)).toEqual([1, -3]);
    expect(back.get('ids')!.data).toEqual(new BigInt64Array([7n, -(1n << 40n)]));
    expect(back.get('i32')!.data).toEqual(new Int32Array([-9]));
    expect(back.get('scalar')!.shape).toEqual([]);
    expect(back.get('extra.999')!.data[0]).toBe(999);
  });

  it('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    const bytes = new TextEncoder().encode('123456789');
    expect(crc32(bytes.subarray(4), crc32(bytes.subarray(0, 4)))).toBe(0xcbf43926);
  });
});
