/** A tensor read from a checkpoint file, already converted to float32 (or int64 kept as BigInt64Array). */
export interface TensorRecord {
  /** Dtype as stored on disk: F32, F16, BF16, I64, ... (safetensors spelling). */
  storedDtype: string;
  shape: number[];
  data: Float32Array | BigInt64Array | Int32Array;
}

/** Parameter name → tensor, in the checkpoint's key order. */
export type StateDict = Map<string, TensorRecord>;
