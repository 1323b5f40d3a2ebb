/**
 * Which tfjs backend the inference worker should use, decided by pure functions over what the
 * environment offers (probed in the worker), so the policy is unit-tested without a browser.
 *
 * Policy: WebGPU on a real (hardware) adapter first; a software fallback adapter (SwiftShader,
 * llvmpipe, WARP…) is slower than WASM, so it is skipped unless the person forces WebGPU. Then WASM
 * (threads when the page is cross-origin isolated, SIMD when the engine has it), then plain JS (CPU).
 */
import type { Settings } from '../../../../shared/ipc';

export type BackendName = 'webgpu' | 'wasm' | 'cpu';
export type BackendPreference = Settings['backend'];

/** The fields of GPUAdapterInfo we look at (plus the older `adapter.isFallbackAdapter`). */
export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

export interface EnvironmentProbe {
  /** The adapter requestAdapter() gave, or why there is none (no navigator.gpu, no adapter). */
  webgpu: { adapter: AdapterDescription } | { unavailable: string };
  wasm: {
    /** WebAssembly exists at all. */
    supported: boolean;
    simd: boolean;
    /** crossOriginIsolated and SharedArrayBuffer: the threaded WASM build can run. */
    threads: boolean;
    hardwareConcurrency: number;
  };
}

export interface BackendCandidate {
  backend: BackendName;
  /** Why this backend is tried, in words for the status bar tooltip. */
  reason: string;
  /** WASM only: threads to start (1 = no thread pool). */
  threads?: number;
}

const softwareAdapterPattern = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

/** True when the adapter renders on the CPU: flagged as fallback, or a known software rasteriser. */
export function isSoftwareAdapter(adapter: AdapterDescription): boolean {
  if (adapter.isFallbackAdapter) return true;
  return [adapter.vendor, adapter.architecture, adapter.device, adapter.description].some((field) =>
    softwareAdapterPattern.test(field),
  );
}

const vendorNames: Record<string, string> = {
  nvidia: 'NVIDIA',
  amd: 'AMD',
  ati: 'AMD',
  intel: 'Intel',
  apple: 'Apple',
  google: 'Google',
  qualcomm: 'Qualcomm',
  arm: 'ARM',
  microsoft: 'Microsoft',
};

/** "NVIDIA hopper", "NVIDIA GeForce RTX 4090", "Google swiftshader": whatever the adapter tells us. */
export function describeAdapter(adapter: AdapterDescription): string {
  const vendor = vendorNames[adapter.vendor.toLowerCase()] ?? adapter.vendor;
  const detail = adapter.description || adapter.device || adapter.architecture;
  if (detail && vendor && detail.toLowerCase().includes(vendor.toLowerCase())) return detail;
  return [vendor, detail].filter(Boolean).join(' ') || 'unknown adapter';
}

function wasmCandidate(probe: EnvironmentProbe, why: string): BackendCandidate | null {
  if (!probe.wasm.supported) return null;
  const threads = probe.wasm.threads ? Math.max(1, probe.wasm.hardwareConcurrency) : 1;
  const threading = probe.wasm.threads
    ? `${threads} threads`
    : 'single thread: the page is not cross-origin isolated, so SharedArrayBuffer is unavailable';
  return { backend: 'wasm', reason: `${why} (${threading})`, threads };
}

const cpuCandidate = (why: string): BackendCandidate => ({ backend: 'cpu', reason: why });

/**
 * The backends to try, in order; the worker initialises the first that works and falls through
 * the rest when one fails to start (each entry says why it is there).
 */
export function planBackends(preference: BackendPreference, probe: EnvironmentProbe): BackendCandidate[] {
  const plan: BackendCandidate[] = [];
  const adapter = 'adapter' in probe.webgpu ? probe.webgpu.adapter : null;
  const noWebgpu = 'unavailable' in probe.webgpu ? probe.webgpu.unavailable : '';

  if (preference === 'webgpu') {
    if (adapter) {
      const software = isSoftwareAdapter(adapter) ? ', a software adapter' : '';
      plan.push({
        backend: 'webgpu',
        reason: `WebGPU forced in settings (${describeAdapter(adapter)}${software})`,
      });
    }
    const why = adapter ? 'WebGPU failed to start' : `WebGPU forced in settings but ${noWebgpu}`;
    const wasm = wasmCandidate(probe, why);
    if (wasm) plan.push(wasm);
    plan.push(cpuCandidate(`${why}; WASM unavailable`));
    return plan;
  }
  if (preference === 'wasm') {
    const wasm = wasmCandidate(probe, 'WASM chosen in settings');
    if (wasm) plan.push(wasm);
    plan.push(cpuCandidate(wasm ? 'WASM failed to start' : 'WASM chosen in settings but unsupported here'));
    return plan;
  }
  if (preference === 'cpu') return [cpuCandidate('CPU chosen in settings')];

  // auto
  let whyNotWebgpu: string;
  if (adapter && !isSoftwareAdapter(adapter)) {
    plan.push({ backend: 'webgpu', reason: `hardware WebGPU adapter (${describeAdapter(adapter)})` });
    whyNotWebgpu = 'WebGPU failed to start';
  } else if (adapter) {
    whyNotWebgpu = `the only WebGPU adapter is a software fallback (${describeAdapter(adapter)}), slower than WASM`;
  } else {
    whyNotWebgpu = noWebgpu;
  }
  const wasm = wasmCandidate(probe, whyNotWebgpu);
  if (wasm) plan.push(wasm);
  plan.push(cpuCandidate(`${whyNotWebgpu}; WASM unavailable or failed to start`));
  return plan;
}

/** What the worker reports once a backend is running. */
export interface BackendStatus {
  backend: BackendName;
  reason: string;
  /** WebGPU: adapter description. */
  adapter?: string;
  /** WASM: the thread count actually in use and whether SIMD is on. */
  threads?: number;
  simd?: boolean;
  /** Each candidate that failed before this one, with the error. */
  failures: { backend: BackendName; error: string }[];
}

/** The status bar's label: "WebGPU (NVIDIA ampere)", "WASM (2 threads, SIMD)", "CPU". */
export function backendLabel(status: BackendStatus): string {
  switch (status.backend) {
    case 'webgpu':
      return status.adapter ? `WebGPU (${status.adapter})` : 'WebGPU';
    case 'wasm': {
      const threads = status.threads ?? 1;
      const parts = [threads === 1 ? '1 thread' : `${threads} threads`];
      if (status.simd) parts.push('SIMD');
      return `WASM (${parts.join(', ')})`;
    }
    case 'cpu':
      return 'CPU';
  }
}
