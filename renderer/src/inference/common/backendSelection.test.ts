import { describe, expect, it } from 'vitest';
import {
  backendLabel,
  describeAdapter,
  isSoftwareAdapter,
  planBackends,
  type AdapterDescription,
  type EnvironmentProbe,
} from './backendSelection';

const nvidia: AdapterDescription = {
  vendor: 'nvidia',
  architecture: 'hopper',
  device: '',
  description: '',
  isFallbackAdapter: false,
};
// What headless Chromium with --enable-unsafe-webgpu reports on a machine without a GPU.
const swiftshader: AdapterDescription = {
  vendor: 'google',
  architecture: 'swiftshader',
  device: '',
  description: '',
  isFallbackAdapter: false,
};

function probe(
  webgpu: EnvironmentProbe['webgpu'],
  wasm: Partial<EnvironmentProbe['wasm']> = {},
): EnvironmentProbe {
  return { webgpu, wasm: { supported: true, simd: true, threads: true, hardwareConcurrency: 8, ...wasm } };
}

describe('isSoftwareAdapter', () => {
  it('accepts a hardware adapter', () => {
    expect(isSoftwareAdapter(nvidia)).toBe(false);
  });
  it('rejects SwiftShader by architecture even when not flagged as fallback', () => {
    expect(isSoftwareAdapter(swiftshader)).toBe(true);
  });
  it('rejects an adapter flagged isFallbackAdapter', () => {
    expect(isSoftwareAdapter({ ...nvidia, isFallbackAdapter: true })).toBe(true);
  });
  it('rejects Mesa llvmpipe named only in the description', () => {
    expect(
      isSoftwareAdapter({ ...nvidia, vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }),
    ).toBe(true);
  });
});

describe('planBackends (auto)', () => {
  it('prefers a hardware WebGPU adapter, then WASM, then CPU', () => {
    const plan = planBackends('auto', probe({ adapter: nvidia }));
    expect(plan.map((c) => c.backend)).toEqual(['webgpu', 'wasm', 'cpu']);
    expect(plan[0].reason).toContain('NVIDIA hopper');
  });

  it('skips a software fallback adapter and says so', () => {
    const plan = planBackends('auto', probe({ adapter: swiftshader }));
    expect(plan.map((c) => c.backend)).toEqual(['wasm', 'cpu']);
    expect(plan[0].reason).toMatch(/software fallback/);
    expect(plan[0].threads).toBe(8);
  });

  it('uses one WASM thread when the page is not cross-origin isolated', () => {
    const plan = planBackends('auto', probe({ unavailable: 'navigator.gpu is missing' }, { threads: false }));
    expect(plan[0]).toMatchObject({ backend: 'wasm', threads: 1 });
    expect(plan[0].reason).toMatch(/navigator.gpu is missing/);
    expect(plan[0].reason).toMatch(/not cross-origin isolated/);
  });

  it('falls back to CPU only when WebAssembly is missing', () => {
    const plan = planBackends('auto', probe({ unavailable: 'no adapter' }, { supported: false }));
    expect(plan.map((c) => c.backend)).toEqual(['cpu']);
  });
});

describe('planBackends (forced)', () => {
  it('forcing webgpu accepts a software adapter (for testing)', () => {
    const plan = planBackends('webgpu', probe({ adapter: swiftshader }));
    expect(plan.map((c) => c.backend)).toEqual(['webgpu', 'wasm', 'cpu']);
    expect(plan[0].reason).toMatch(/forced.*software adapter/);
  });
  it('forcing webgpu without WebGPU explains the fallback', () => {
    const plan = planBackends('webgpu', probe({ unavailable: 'navigator.gpu is missing' }));
    expect(plan[0].backend).toBe('wasm');
    expect(plan[0].reason).toMatch(/forced in settings but navigator.gpu is missing/);
  });
  it('forcing wasm never tries WebGPU, even on a hardware adapter', () => {
    expect(planBackends('wasm', probe({ adapter: nvidia })).map((c) => c.backend)).toEqual(['wasm', 'cpu']);
  });
  it('forcing cpu gives CPU only', () => {
    expect(planBackends('cpu', probe({ adapter: nvidia })).map((c) => c.backend)).toEqual(['cpu']);
  });
});

describe('labels', () => {
  it('formats each backend for the status bar', () => {
    expect(
      backendLabel({ backend: 'webgpu', reason: '', adapter: describeAdapter(nvidia), failures: [] }),
    ).toBe('WebGPU (NVIDIA hopper)');
    expect(backendLabel({ backend: 'wasm', reason: '', threads: 2, simd: true, failures: [] })).toBe(
      'WASM (2 threads, SIMD)',
    );
    expect(backendLabel({ backend: 'wasm', reason: '', threads: 1, simd: false, failures: [] })).toBe(
      'WASM (1 thread)',
    );
    expect(backendLabel({ backend: 'cpu', reason: '', failures: [] })).toBe('CPU');
  });
  it('prefers the adapter description over the architecture', () => {
    expect(describeAdapter({ ...nvidia, description: 'NVIDIA GeForce RTX 4090' })).toBe(
      'NVIDIA GeForce RTX 4090',
    );
  });
});
