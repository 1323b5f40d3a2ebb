import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CliError } from './command';
import {
  parseBackendChoice,
  parseEngineChoice,
  startNodeBackend,
  startNodeEngine,
  type NodeBackend,
} from './nodeBackend';

describe('startNodeBackend', () => {
  it('auto starts wasm on this machine and says that it is the fastest that started', async () => {
    expect(await startNodeBackend('auto', 'eval')).toEqual({
      backend: 'wasm',
      note: 'eval: backend wasm (auto: the fastest that started here)',
    });
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]).toBe(3);
  });

  it('auto falls back to cpu when wasm does not start, saying why', async () => {
    const tried: NodeBackend[] = [];
    const started = await startNodeBackend('auto', 'infer', async (name) => {
      tried.push(name);
      return name === 'wasm' ? 'no .wasm binary' : null;
    });
    expect(tried).toEqual(['wasm', 'cpu']);
    expect(started).toEqual({
      backend: 'cpu',
      note: 'infer: backend cpu (auto: after wasm failed to start: no .wasm binary)',
    });
  });

  it('an explicit backend that fails is an error; no backend starting at all names each failure', async () => {
    await expect(startNodeBackend('wasm', 'eval', async () => 'boom')).rejects.toThrow(
      new CliError('eval: the tfjs wasm backend failed to start: boom'),
    );
    await expect(startNodeBackend('auto', 'eval', async (name) => `${name} broke`)).rejects.toThrow(
      'eval: no tfjs backend started (wasm failed to start: wasm broke; cpu failed to start: cpu broke); run `nezha-studio doctor`',
    );
  });

  it('--backend takes auto, cpu or wasm', () => {
    expect(parseBackendChoice('auto', 'eval')).toBe('auto');
    expect(parseBackendChoice('cpu', 'eval')).toBe('cpu');
    expect(() => parseBackendChoice('webgpu', 'train')).toThrow(
      'train: --backend must be one of auto, cpu, wasm, got "webgpu"',
    );
  });
});

describe('startNodeEngine (eval / infer: onnxruntime-node or tfjs)', () => {
  it('auto prefers onnxruntime-node where the command asks for it and it loads here', async () => {
    expect(await startNodeEngine('auto', 'eval', { autoPrefersOnnx: true })).toEqual({
      engine: 'onnx',
      note: 'eval: backend onnx (auto: onnxruntime-node loaded)',
    });
  });

  it('auto falls back to tfjs, saying why, when onnxruntime-node does not load', async () => {
    const started = await startNodeEngine('auto', 'eval', {
      autoPrefersOnnx: true,
      probeOnnx: async () => 'libonnxruntime.so.1: cannot open shared object file',
      start: async () => null,
    });
    expect(started).toEqual({
      engine: 'wasm',
      note: 'eval: backend wasm (auto: onnxruntime-node failed to load: libonnxruntime.so.1: cannot open shared object file)',
    });
  });

  it('auto stays on tfjs for a command that does not prefer onnx; an explicit onnx that fails is an error', async () => {
    const tfjs = await startNodeEngine('auto', 'infer', { autoPrefersOnnx: false, start: async () => null });
    expect(tfjs.engine).toBe('wasm');
    await expect(
      startNodeEngine('onnx', 'infer', { autoPrefersOnnx: false, probeOnnx: async () => 'no binding' }),
    ).rejects.toThrow('infer: onnxruntime-node failed to load: no binding; use --backend wasm (or cpu)');
  });

  it('--backend takes auto, onnx, cpu or wasm for eval and infer', () => {
    expect(parseEngineChoice('onnx', 'eval')).toBe('onnx');
    expect(() => parseEngineChoice('webgpu', 'eval')).toThrow(
      'eval: --backend must be one of auto, onnx, cpu, wasm, got "webgpu"',
    );
    expect(() => parseBackendChoice('onnx', 'train')).toThrow(
      'train: --backend must be one of auto, cpu, wasm',
    );
  });
});
