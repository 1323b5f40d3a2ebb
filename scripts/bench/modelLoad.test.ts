import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fsCheckpointSource } from '../../electron/services/fsCheckpointSource';
import { loadCheckpointFolder } from '../../shared/checkpoint/folder';
import { makeBaseCheckpoint } from '../make-base-checkpoint';
import {
  measureModelLoadInThisProcess,
  modelLoadRows,
  runModelLoadBench,
  type ModelLoadMeasurement,
} from './modelLoad';

const scratch = mkdtempSync(join(tmpdir(), 'nezha-bench-model-load-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('bench "model load (wasm)"', () => {
  it('streams a checkpoint into NezhaModel on WASM, runs forward passes and leaves no tensors after dispose()', async () => {
    const folder = join(scratch, 'tiny');
    // Tiny sizes but the real vocab (the bench's input ids go up to 20671); .bin beside it is ignored.
    await makeBaseCheckpoint(folder, {
      hiddenSize: 32,
      numHiddenLayers: 2,
      numAttentionHeads: 4,
      intermediateSize: 64,
      formats: ['safetensors', 'bin'],
    });
    const m = await measureModelLoadInThisProcess(folder, {
      batches: [
        { batch: 1, warmRuns: 1 },
        { batch: 2, warmRuns: 0 },
      ],
    });

    const { stateDict } = await loadCheckpointFolder(fsCheckpointSource(folder));
    const baseParameters = [...stateDict]
      .filter(([key]) => key.startsWith('nezha.'))
      .reduce((n, [, record]) => n + record.shape.reduce((a, b) => a * b, 1), 0);
    expect(m.tensors).toBe(stateDict.size); // every safetensors tensor streamed, none of the .bin
    expect(m.parameters).toBe(baseParameters); // NezhaModel keeps the nezha.* weights only
    expect(m.fileBytes).toBe(statSync(join(folder, 'model.safetensors')).size);
    expect(m.wasm.threadsAsked).toBe(2);
    expect(m.wasm.threads).toBeGreaterThanOrEqual(1);
    expect(m.loadMs).toBeGreaterThan(0);
    expect(m.peakRssAfterLoadMb).toBeGreaterThanOrEqual(m.baselineRssMb * 0.99);
    expect(m.peakRssAfterForwardMb).toBeGreaterThanOrEqual(m.peakRssAfterLoadMb);
    expect(m.forward.map((f) => [f.batch, f.runs, f.warmMs === null])).toEqual([
      [1, 2, false],
      [2, 1, true],
    ]);
    expect(m.tensorsAfterDispose).toBe(m.tensorsBeforeLoad);
  });

  it('reports ratios against the fs read, the file size and the batch-1 pass', () => {
    const m: ModelLoadMeasurement = {
      wasm: { simd: true, multithread: false, threadsAsked: 2, threads: 1 },
      fileBytes: 400 * 2 ** 20,
      tensors: 205,
      parameters: 101.9e6,
      loadMs: 6000,
      baselineRssMb: 100,
      peakRssAfterLoadMb: 600,
      peakRssAfterForwardMb: 800,
      forward: [
        { batch: 1, firstMs: 3000, warmMs: 2000, runs: 3 },
        { batch: 8, firstMs: 12000, warmMs: null, runs: 1 },
      ],
      tensorsBeforeLoad: 3,
      tensorsAfterDispose: 5,
    };
    const rows = modelLoadRows(m, 2000);
    const byName = (prefix: string) => rows.find((r) => r.name.startsWith(prefix))!;
    expect(byName('WASM threads').value).toBe(1);
    expect(byName('load model.safetensors').ratio).toBe(3);
    expect(byName('load: peak RSS of the process').ratio).toBe(1.5);
    expect(byName('load: peak RSS above').ratio).toBe(1.25);
    expect(byName('forward 1 ×').value).toBe(2);
    expect(byName('forward 1 ×').ratio).toBeUndefined();
    expect(byName('forward 8 ×').value).toBe(12);
    expect(byName('forward 8 ×').ratio).toBe(12000 / 16000);
    expect(byName('tensors left').value).toBe(2);
  });

  it('says which file is missing when the folder has no model.safetensors', async () => {
    await expect(runModelLoadBench(join(scratch, 'nothing-here'))).rejects.toThrow(
      /nothing-here\/model\.safetensors does not exist; pass a folder with model\.safetensors to --checkpoint/,
    );
  });
});
