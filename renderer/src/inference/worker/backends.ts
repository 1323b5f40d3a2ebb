/**
 * Probing the environment and starting a tfjs backend inside the worker. The decision itself is
 * the pure `planBackends` (backendSelection.ts); this file only gathers facts and acts on them.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// The .wasm binaries ship with the build (hashed under assets/) and are served by the app itself:
// nothing is fetched from a CDN, so the app works offline.
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import {
  describeAdapter,
  planBackends,
  type AdapterDescription,
  type BackendCandidate,
  type BackendPreference,
  type BackendStatus,
  type EnvironmentProbe,
} from '../common/backendSelection';

// Minimal WebGPU typings: the DOM lib in TS 5.9 has no navigator.gpu and @webgpu/types is not a dependency.
interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface GpuAdapterLike {
  info?: GpuAdapterInfoLike;
  isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<GpuAdapterInfoLike>;
}
interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: 'high-performance' | 'low-power';
  }): Promise<GpuAdapterLike | null>;
}

const adapterTimeoutMs = 5000;

async function probeWebgpu(): Promise<EnvironmentProbe['webgpu']> {
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) return { unavailable: 'this browser exposes no WebGPU (navigator.gpu is missing)' };
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await Promise.race([
      gpu.requestAdapter({ powerPreference: 'high-performance' }),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${adapterTimeoutMs} ms`)), adapterTimeoutMs),
      ),
    ]);
  } catch (error) {
    return { unavailable: `requesting a WebGPU adapter failed: ${(error as Error).message}` };
  }
  if (!adapter)
    return { unavailable: 'WebGPU exists but no adapter is available (GPU blocklisted or absent)' };
  const info: GpuAdapterInfoLike = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
  const description: AdapterDescription = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    // Newer Chromium reports it on the info object, older on the adapter.
    isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false),
  };
  return { adapter: description };
}

export async function probeEnvironment(): Promise<EnvironmentProbe> {
  const webgpu = await probeWebgpu();
  const supported = typeof WebAssembly === 'object';
  const simd = supported ? Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) : false;
  const threads =
    supported && globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function'
      ? Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))
      : false;
  return {
    webgpu,
    wasm: { supported, simd, threads, hardwareConcurrency: logicalCores },
  };
}

let wasmConfigured = false;
/** Read before letWasmSeeEveryCore changes what this worker's navigator reports. */
const logicalCores = navigator.hardwareConcurrency || 1;

function configureWasm(threads: number) {
  // Both calls only take effect before the WASM backend's first initialisation.
  if (wasmConfigured) return;
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlainUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
  });
  // tfjs starts only half the cores by default; inference here is the app's main job.
  setThreadsCount(threads);
  letWasmSeeEveryCore(threads);
  wasmConfigured = true;
}

/**
 * tfjs-backend-wasm's C++ caps its thread pool at `navigator.hardwareConcurrency / 2` (it assumes
 * two hyperthreads per core; tfjs-backend-wasm cc/backend.cc), read once when the module starts,
 * whatever setThreadsCount asks for. On a 2-core machine that means 1 thread, and 2 threads measured
 * ~1.8x faster here. The module reads the count through this worker's navigator, so it is shown
 * twice the requested thread count before the module starts; the pool stays within the 8 workers
 * tfjs pre-creates. Only this inference worker's navigator is affected.
 */
function letWasmSeeEveryCore(threads: number) {
  const proto = Object.getPrototypeOf(navigator) as object;
  const descriptor = Object.getOwnPropertyDescriptor(proto, 'hardwareConcurrency');
  if (!descriptor?.configurable) return;
  Object.defineProperty(proto, 'hardwareConcurrency', { configurable: true, get: () => threads * 2 });
}

/** A one-op smoke test: a backend that registers but cannot run kernels counts as failed. */
async function smokeTest() {
  const sum = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)));
  const value = (await sum.data())[0];
  sum.dispose();
  if (value !== 3) throw new Error(`1 + 2 gave ${value}`);
}

async function start(candidate: BackendCandidate): Promise<void> {
  if (candidate.backend === 'wasm') configureWasm(candidate.threads ?? 1);
  // tfjs reports why a backend failed to initialise only through console.warn; keep its words.
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' '));
    warn.apply(console, args);
  };
  let ok: boolean;
  try {
    ok = await tf.setBackend(candidate.backend);
  } finally {
    console.warn = warn;
  }
  if (!ok) {
    const why = warnings
      .map((w) => w.split('\n')[0])
      .filter(Boolean)
      .join('; ');
    throw new Error(`tf.setBackend('${candidate.backend}') failed${why ? `: ${why}` : ''}`);
  }
  await tf.ready();
  await smokeTest();
}

/** Probe, plan and start the first backend that works. Throws only if even CPU fails. */
export async function selectBackend(preference: BackendPreference): Promise<BackendStatus> {
  const probe = await probeEnvironment();
  const plan = planBackends(preference, probe);
  const failures: BackendStatus['failures'] = [];
  for (const candidate of plan) {
    try {
      await start(candidate);
    } catch (error) {
      failures.push({ backend: candidate.backend, error: (error as Error)?.message ?? String(error) });
      continue;
    }
    const status: BackendStatus = { backend: candidate.backend, reason: candidate.reason, failures };
    if (candidate.backend === 'webgpu' && 'adapter' in probe.webgpu)
      status.adapter = describeAdapter(probe.webgpu.adapter);
    if (candidate.backend === 'wasm') {
      status.threads = getThreadsCount();
      status.simd = probe.wasm.simd;
      const requested = candidate.threads ?? 1;
      if (status.threads < requested)
        status.reason += `; tfjs caps WASM threads at half the logical cores, max 8 (${status.threads} of ${requested} run)`;
    }
    return status;
  }
  throw new Error(
    `No tfjs backend could start: ${failures.map((f) => `${f.backend}: ${f.error}`).join('; ')}`,
  );
}
