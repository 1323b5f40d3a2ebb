/*
 * Mixed precision, honestly: tfjs-core 4.22 has no float16 dtype and its CPU, WASM and WebGPU
 * backends compute every float kernel in float32 (WebGPU's shader-f16 feature is not used by
 * tfjs-backend-webgpu 4.22). So a request for mixed precision is recorded and fp32 is reported as
 * what ran; the UI shows `note`.
 */

export interface ComputePrecision {
  /** What the kernels computed in. */
  used: 'fp32';
  /** Whether the person asked for mixed precision. */
  mixedPrecisionRequested: boolean;
  backend: string;
  /** One sentence for the status line. */
  note: string;
}

export function detectComputePrecision(backend: string, mixedPrecisionRequested: boolean): ComputePrecision {
  const note = mixedPrecisionRequested
    ? `fp32 used: mixed precision was requested, but the tfjs ${backend} backend has no float16 kernels (tfjs-core 4.22 has no float16 dtype)`
    : 'fp32 used';
  return { used: 'fp32', mixedPrecisionRequested, backend, note };
}
