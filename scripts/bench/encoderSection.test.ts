import { describe, expect, it } from 'vitest';
import { sections } from '../bench';
import type { EncoderChildResult } from './encoder';
import { browserRows, nodeRows } from './encoderSection';

const timing = (ms: number) => ({ ms, runs: 3, warmupMs: ms * 2 });

describe('bench section "encoder"', () => {
  it('is registered', () => {
    expect(sections.map((s) => s.name)).toContain('encoder');
  });

  it('puts each tfjs line against its ORT counterpart as the ratio, and the profile against the forward', () => {
    const result: EncoderChildResult = {
      preset: 'small',
      parameters: 8_634_624,
      wasmThreads: 1,
      ortThreads: 2,
      exportMs: 900,
      shapes: [{ batch: 8, sequence: 128, tfjsWasm: timing(600), ortNode: timing(40), maxAbsDiff: 2e-6 }],
      profile: [{ kernel: 'BatchMatMul', ms: 300, calls: 41 }],
      profileTotalMs: 450,
    };
    const rows = nodeRows(result);
    const tfjs = rows.find((r) => r.name.includes('tfjs-wasm, Node'))!;
    expect(tfjs).toMatchObject({ value: 600, ratio: 15, reference: 'onnxruntime-node, 2 threads (40.0 ms)' });
    expect(tfjs.name).toBe('small (8.6M) 8×128: tfjs-wasm, Node (1 thread; 3 runs)');
    expect(rows.find((r) => r.name.includes('tf.profile: BatchMatMul (41 calls)'))).toMatchObject({
      ratio: 0.5,
    });
  });

  it('names a failed or skipped Chromium measurement instead of inventing a number', () => {
    const rows = browserRows(
      {
        chromium: '156',
        presets: [
          {
            preset: 'base',
            shapes: [
              {
                batch: 1,
                sequence: 48,
                tfjsWasm: { ms: 400, runs: 5, backend: 'tfjs WASM in the worker (2 threads, SIMD)' },
                ortWasm: { ms: 100, runs: 5, backend: 'onnxruntime-web WASM (2 threads)' },
                tfjsWebgpu: { error: 'skipped: budget spent' },
                ortWebgpu: { error: 'no adapter' },
              },
            ],
          },
        ],
      },
      new Map([['base', 102_000_000]]),
    );
    expect(rows[0]).toMatchObject({ value: 400, ratio: 4 });
    expect(
      rows.some((r) => r.name.includes('tfjs WebGPU failed: skipped: budget spent') && Number.isNaN(r.value)),
    ).toBe(true);
    expect(rows.some((r) => r.name.includes('onnxruntime-web WebGPU failed: no adapter'))).toBe(true);
  });
});
