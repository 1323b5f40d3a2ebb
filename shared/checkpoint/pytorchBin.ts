/*
 * pytorch_model.bin (torch.save zip format): `<archive>/data.pkl` is a pickle of the state dict
 * whose tensors point at storages `<archive>/data/<key>`. The pickle goes through the restricted
 * unpickler (the security boundary); storages are read one record at a time.
 */
import { DTYPE_BYTES, decodeTensorData, shapeNumel } from './dtypes';
import { CheckpointError, formatBytes } from './errors';
import type { RangeReader } from './source';
import { readZipDirectory, readZipEntry, type ZipDirectory } from './torchZip';
import type { StateDict, TensorRecord } from './types';
import { PickleGlobal, unpickle, type PickleDict, type TorchTensorRef } from './unpickler';

export interface PytorchBinIndex {
  directory: ZipDirectory;
  /** Folder inside the zip that holds data.pkl, e.g. "pytorch_model". */
  archive: string;
  /** Tensors in pickle (state_dict) order. */
  tensors: Map<string, TorchTensorRef>;
  /** Keys whose values are not tensors (e.g. `_extra_state`), skipped. */
  skippedKeys: string[];
}

export interface TensorListing {
  name: string;
  /** safetensors spelling: F32, F16, BF16, I64, ... */
  dtype: string;
  shape: number[];
}

const textDecoder = new TextDecoder();

/** Reads the zip directory and the pickle (no tensor data): keys, shapes, dtypes and storage refs. */
export async function readPytorchBinIndex(reader: RangeReader): Promise<PytorchBinIndex> {
  const file = reader.file;
  const directory = await readZipDirectory(reader);
  const pickleEntry = [...directory.entries.keys()].find(
    (name) => name === 'data.pkl' || /^[^/]+\/data\.pkl$/.test(name),
  );
  if (!pickleEntry) {
    throw new CheckpointError(
      file,
      `no '<archive>/data.pkl' record in the zip (records: ${[...directory.entries.keys()].slice(0, 5).join(', ')}${directory.entries.size > 5 ? ', ...' : ''}); this is not a torch.save checkpoint`,
    );
  }
  const archive = pickleEntry.includes('/') ? pickleEntry.slice(0, pickleEntry.lastIndexOf('/')) : '';
  const prefix = archive ? `${archive}/` : '';

  const byteorderEntry = `${prefix}byteorder`;
  if (directory.entries.has(byteorderEntry)) {
    const order = textDecoder.decode(await readZipEntry(reader, directory, byteorderEntry)).trim();
    if (order !== 'little') {
      throw new CheckpointError(
        file,
        `the checkpoint was saved on a '${order}'-endian machine; only little-endian checkpoints are supported (re-save it with torch on x86 or ARM)`,
      );
    }
  }

  const pickleBytes = await readZipEntry(reader, directory, pickleEntry);
  const root = unpickle(pickleBytes, { file: `${file}: data.pkl` });
  const stateDict = findStateDict(root);
  if (!stateDict) {
    throw new CheckpointError(
      file,
      `data.pkl holds a ${describeRoot(root)}, not a state dict of tensors; save the model with torch.save(model.state_dict())`,
    );
  }
  const tensors = new Map<string, TorchTensorRef>();
  const skippedKeys: string[] = [];
  for (const [key, value] of stateDict) {
    if (isTensor(value)) tensors.set(String(key), value);
    else skippedKeys.push(String(key));
  }
  return { directory, archive, tensors, skippedKeys };
}

function isTensor(value: unknown): value is TorchTensorRef {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'tensor';
}

function describeRoot(root: unknown): string {
  if (root instanceof Map) return 'dict without tensors';
  if (Array.isArray(root)) return 'list';
  if (root instanceof PickleGlobal) return `'${root.qualifiedName}'`;
  return root === null ? 'None' : typeof root;
}

/** The state dict itself, or one nested under a common training-checkpoint key. */
function findStateDict(root: unknown): PickleDict | null {
  if (!(root instanceof Map)) return null;
  if ([...root.values()].some(isTensor)) return root;
  for (const key of ['state_dict', 'model_state_dict', 'model', 'module']) {
    const nested = root.get(key);
    if (nested instanceof Map && [...nested.values()].some(isTensor)) return nested;
  }
  return null;
}

/** Keys, shapes and dtypes of a .bin without reading tensor data. */
export async function inspectPytorchBin(reader: RangeReader): Promise<TensorListing[]> {
  const index = await readPytorchBinIndex(reader);
  return [...index.tensors].map(([name, tensor]) => ({
    name,
    dtype: tensor.dtype,
    shape: [...tensor.shape],
  }));
}

export interface ReadProgress {
  /** Bytes of this file read so far and in all. */
  bytesDone: number;
  bytesTotal: number;
}

/** Receives each tensor as it is decoded; may be async (e.g. to upload it and let it go). */
export type TensorSink = (name: string, record: TensorRecord) => void | Promise<void>;

/**
 * Streams every tensor of a pytorch_model.bin to `onTensor`, one storage record at a time, so a
 * caller that uploads and drops tensors never holds the whole checkpoint. Order: by storage
 * (first use in the pickle), which for torch.save files is the state_dict order except that
 * aliases follow the tensor they share storage with. Tensors sharing a storage view (the tied
 * MLM decoder weight and the word embeddings) are given the same data array; strided and offset
 * views are gathered into contiguous arrays. Pass `index` when you already read it.
 */
export async function streamPytorchBin(
  reader: RangeReader,
  onTensor: TensorSink,
  onProgress?: (progress: ReadProgress) => void,
  index?: PytorchBinIndex,
): Promise<PytorchBinIndex> {
  const file = reader.file;
  index ??= await readPytorchBinIndex(reader);
  const prefix = index.archive ? `${index.archive}/` : '';

  // Storage keys in first-use order, each read once.
  const users = new Map<string, string[]>();
  for (const [name, tensor] of index.tensors) {
    const list = users.get(tensor.storage.key);
    if (list) list.push(name);
    else users.set(tensor.storage.key, [name]);
  }
  const recordName = (key: string): string => `${prefix}data/${key}`;
  for (const key of users.keys()) {
    if (!index.directory.entries.has(recordName(key))) {
      throw new CheckpointError(
        file,
        `tensor '${users.get(key)![0]}' uses storage record '${recordName(key)}', which is missing from the zip; the file is incomplete (download it again)`,
      );
    }
  }
  const bytesTotal = [...users.keys()].reduce(
    (sum, key) => sum + index.directory.entries.get(recordName(key))!.compressedSize,
    0,
  );
  let bytesDone = 0;
  onProgress?.({ bytesDone, bytesTotal });

  for (const [key, names] of users) {
    const raw = await readZipEntry(reader, index.directory, recordName(key));
    const decoded = new Map<string, TensorRecord['data']>();
    for (const name of names) {
      const tensor = index.tensors.get(name)!;
      const signature = `${tensor.dtype}|${tensor.storageOffset}|${tensor.shape.join(',')}|${tensor.stride.join(',')}`;
      let data = decoded.get(signature);
      if (!data) {
        data = materialize(tensor, raw, file, name);
        decoded.set(signature, data);
      }
      await onTensor(name, { storedDtype: tensor.dtype, shape: [...tensor.shape], data });
    }
    bytesDone += index.directory.entries.get(recordName(key))!.compressedSize;
    onProgress?.({ bytesDone, bytesTotal });
  }
  return index;
}

/** Reads every tensor of a pytorch_model.bin into a StateDict in state_dict (pickle) order. */
export async function readPytorchBin(
  reader: RangeReader,
  onProgress?: (progress: ReadProgress) => void,
): Promise<StateDict> {
  const records = new Map<string, TensorRecord>();
  const index = await streamPytorchBin(reader, (name, record) => void records.set(name, record), onProgress);
  const stateDict: StateDict = new Map();
  for (const name of index.tensors.keys()) stateDict.set(name, records.get(name)!);
  return stateDict;
}

/** A tensor's data from its storage bytes: a slice when contiguous, a strided gather otherwise. */
function materialize(
  tensor: TorchTensorRef,
  storageBytes: Uint8Array,
  file: string,
  name: string,
): TensorRecord['data'] {
  const { storage, storageOffset, shape, stride, dtype } = tensor;
  const elementSize = DTYPE_BYTES[dtype];
  if (elementSize === undefined)
    throw new CheckpointError(file, `tensor '${name}' has dtype ${dtype}, which is not supported`);
  if (
    DTYPE_BYTES[storage.dtype] !== undefined &&
    storage.dtype !== dtype &&
    DTYPE_BYTES[storage.dtype] !== elementSize
  ) {
    throw new CheckpointError(file, `tensor '${name}' is ${dtype} but its storage is ${storage.dtype}`);
  }
  const storageBytesNeeded = storage.numel * DTYPE_BYTES[storage.dtype];
  if (storageBytes.byteLength < storageBytesNeeded) {
    throw new CheckpointError(
      file,
      `storage record '${storage.key}' holds ${formatBytes(storageBytes.byteLength)} but the pickle says ${storage.numel} ${storage.dtype} elements (${formatBytes(storageBytesNeeded)}); the file is corrupt`,
    );
  }
  const storageElements = Math.floor(storageBytes.byteLength / elementSize);
  const numel = shapeNumel(shape);
  if (numel > 0) {
    let last = storageOffset;
    for (let d = 0; d < shape.length; d++) last += (shape[d] - 1) * stride[d];
    if (last >= storageElements) {
      throw new CheckpointError(
        file,
        `tensor '${name}' [${shape.join(', ')}] with stride [${stride.join(', ')}] and offset ${storageOffset} reaches element ${last} of a ${storageElements}-element storage '${storage.key}'; the file is corrupt`,
      );
    }
  }
  if (isContiguous(shape, stride)) {
    const start = storageOffset * elementSize;
    return decodeTensorData(
      dtype,
      storageBytes.subarray(start, start + numel * elementSize),
      numel,
      file,
      name,
    );
  }
  // Non-contiguous: decode the reachable span once, then gather element by element.
  const whole = decodeTensorData(
    dtype,
    storageBytes.subarray(0, storageElements * elementSize),
    storageElements,
    file,
    name,
  );
  const out = new (whole.constructor as { new (length: number): typeof whole })(numel);
  const rank = shape.length;
  const counter = new Array<number>(rank).fill(0);
  let source = storageOffset;
  for (let i = 0; i < numel; i++) {
    (out as Float32Array)[i] = (whole as Float32Array)[source];
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]++;
      source += stride[d];
      if (counter[d] < shape[d]) break;
      source -= stride[d] * shape[d];
      counter[d] = 0;
    }
  }
  return out;
}

function isContiguous(shape: number[], stride: number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}
