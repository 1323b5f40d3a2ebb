/*
 * A restricted pickle reader for torch checkpoints: the security boundary for pytorch_model.bin.
 *
 * A pickle is a program for a stack machine that may import and call any Python callable; a
 * malicious checkpoint uses that to run code (os.system, builtins.eval, ...). This reader never
 * executes anything: it interprets the opcodes torch.save emits, builds plain JS values, and
 * resolves only a fixed allow-list of globals (OrderedDict, the torch tensor-rebuild functions,
 * torch storage types and dtypes) to inert descriptions. Any other global, any REDUCE/NEWOBJ on
 * something that is not an allowed callable, and any opcode not listed here is refused with an
 * error naming the file and the offending global or opcode.
 */
import { CheckpointError } from './errors';

/** A reference to a Python global that passed the allow-list. */
export class PickleGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** A persistent-id storage reference: ('storage', storage_type, key, location, numel). */
export interface TorchStorageRef {
  kind: 'storage';
  /** Storage dtype in safetensors spelling (F32, F16, BF16, I64, ...). */
  dtype: string;
  /** Name of the record in the zip: `<archive>/data/<key>`. */
  key: string;
  location: string;
  /** Number of elements of the storage. */
  numel: number;
}

/** What _rebuild_tensor_v2 (and friends) describe: a strided view of a storage. */
export interface TorchTensorRef {
  kind: 'tensor';
  storage: TorchStorageRef;
  storageOffset: number;
  shape: number[];
  stride: number[];
  /** dtype of the tensor (from the storage, or the explicit dtype argument of _rebuild_tensor_v3). */
  dtype: string;
}

/** A Python dict/OrderedDict: keys in insertion order. */
export type PickleDict = Map<unknown, unknown>;

/** torch storage class names → dtype (safetensors spelling). */
export const TORCH_STORAGE_DTYPES: Readonly<Record<string, string>> = {
  FloatStorage: 'F32',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  DoubleStorage: 'F64',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

/** torch dtype objects (torch.float32, ...) → dtype (safetensors spelling). */
const TORCH_DTYPES: Readonly<Record<string, string>> = {
  float32: 'F32',
  float: 'F32',
  float16: 'F16',
  half: 'F16',
  bfloat16: 'BF16',
  float64: 'F64',
  double: 'F64',
  int64: 'I64',
  long: 'I64',
  int32: 'I32',
  int: 'I32',
  int16: 'I16',
  short: 'I16',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
};

const TENSOR_REBUILDERS = new Set([
  '_rebuild_tensor',
  '_rebuild_tensor_v2',
  '_rebuild_tensor_v3',
  '_rebuild_parameter',
]);

/** The allow-list. Returns null for anything not on it. */
function allowedGlobal(module: string, name: string): PickleGlobal | null {
  if (module === 'collections' && name === 'OrderedDict') return new PickleGlobal(module, name);
  if (module === 'torch._utils' && TENSOR_REBUILDERS.has(name)) return new PickleGlobal(module, name);
  if (module === 'torch' && (name in TORCH_STORAGE_DTYPES || name in TORCH_DTYPES))
    return new PickleGlobal(module, name);
  return null;
}

/** Mark on the stack (MARK opcode). */
const MARK = Symbol('mark');

export interface UnpickleOptions {
  /** File name for errors, e.g. "pytorch_model.bin: data.pkl". */
  file: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/**
 * Interprets a pickle (protocol 2-5, as torch.save writes) and returns the value STOP returns:
 * dicts become Map, lists and tuples arrays, ints numbers (bigint beyond 2^53), strings strings,
 * tensors TorchTensorRef. Throws CheckpointError for anything outside the allow-list.
 */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions): unknown {
  const file = options.file;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;

  const fail = (detail: string): never => {
    throw new CheckpointError(file, detail);
  };
  const need = (count: number, what: string): void => {
    if (pos + count > bytes.byteLength) {
      fail(
        `pickle ends in the middle of ${what} at byte ${pos} (needs ${count} more bytes, ${bytes.byteLength - pos} left); the file is truncated or corrupt`,
      );
    }
  };
  const u8 = (): number => {
    need(1, 'an argument');
    return bytes[pos++];
  };
  const u16 = (): number => {
    need(2, 'an argument');
    const v = view.getUint16(pos, true);
    pos += 2;
    return v;
  };
  const u32 = (): number => {
    need(4, 'an argument');
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const i32 = (): number => {
    need(4, 'an argument');
    const v = view.getInt32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = (): number => {
    need(8, 'an argument');
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER))
      fail(`length ${v} at byte ${pos - 8} is absurd; the pickle is corrupt`);
    return Number(v);
  };
  const take = (count: number, what: string): Uint8Array => {
    need(count, what);
    const out = bytes.subarray(pos, pos + count);
    pos += count;
    return out;
  };
  const text = (count: number): string => {
    const raw = take(count, 'a string');
    try {
      return utf8.decode(raw);
    } catch {
      return fail(`string at byte ${pos - count} is not valid UTF-8; the pickle is corrupt`);
    }
  };
  const readLine = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail(`pickle ends inside a text line at byte ${pos}; the file is truncated`);
    const line = latin1.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return line;
  };
  const pop = (): unknown => {
    if (stack.length === 0) fail(`pickle pops an empty stack at byte ${pos}; the pickle is corrupt`);
    const value = stack.pop();
    if (value === MARK) fail(`pickle pops a MARK at byte ${pos}; the pickle is corrupt`);
    return value;
  };
  const top = (): unknown => {
    if (stack.length === 0) fail(`pickle reads an empty stack at byte ${pos}; the pickle is corrupt`);
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const mark = marks.pop();
    if (mark === undefined) fail(`pickle has no MARK to pop at byte ${pos}; the pickle is corrupt`);
    const items = stack.splice(mark as number);
    items.shift(); // the MARK itself
    return items;
  };
  const resolveGlobal = (module: string, name: string): PickleGlobal => {
    const allowed = allowedGlobal(module, name);
    if (!allowed) {
      fail(
        `global '${module}.${name}' is not allowed; only torch tensor-rebuild globals are (collections.OrderedDict, torch._utils._rebuild_tensor*, torch.*Storage). Nothing was executed. Do not load this file unless you trust its source; convert it to safetensors with a trusted tool.`,
      );
    }
    return allowed as PickleGlobal;
  };
  const memoGet = (index: number): unknown => {
    if (!memo.has(index))
      fail(`pickle reads memo slot ${index} that was never written (byte ${pos}); the pickle is corrupt`);
    return memo.get(index);
  };
  const asDict = (value: unknown, opcode: string): PickleDict => {
    if (!(value instanceof Map))
      fail(`${opcode} at byte ${pos - 1} targets a ${describe(value)}, not a dict`);
    return value as PickleDict;
  };
  const asList = (value: unknown, opcode: string): unknown[] => {
    if (!Array.isArray(value)) fail(`${opcode} at byte ${pos - 1} targets a ${describe(value)}, not a list`);
    return value as unknown[];
  };

  const call = (callable: unknown, args: unknown, opcode: string): unknown => {
    if (!(callable instanceof PickleGlobal)) {
      return fail(
        `${opcode} at byte ${pos - 1} calls a ${describe(callable)}; only allowed torch globals may be called. Nothing was executed.`,
      );
    }
    if (!Array.isArray(args))
      return fail(
        `${opcode} at byte ${pos - 1} passes ${describe(args)} as arguments to '${callable.qualifiedName}'`,
      );
    const g = callable as PickleGlobal;
    if (g.module === 'collections' && g.name === 'OrderedDict') {
      const dict: PickleDict = new Map();
      if (args.length > 0 && Array.isArray(args[0])) {
        for (const pair of args[0] as unknown[]) {
          if (Array.isArray(pair) && pair.length === 2) dict.set(pair[0], pair[1]);
        }
      }
      return dict;
    }
    if (g.module === 'torch._utils') return rebuildTensor(g.name, args, fail);
    return fail(
      `${opcode} at byte ${pos - 1} calls '${g.qualifiedName}', which is a type marker, not a callable`,
    );
  };

  while (true) {
    if (pos >= bytes.byteLength)
      fail(`pickle ends at byte ${pos} without a STOP opcode; the file is truncated`);
    const opcodeAt = pos;
    const opcode = bytes[pos++];
    switch (opcode) {
      case 0x80: // PROTO
        if (u8() > 5) fail(`pickle protocol ${bytes[pos - 1]} is newer than 5`);
        break;
      case 0x95: // FRAME: length of the next frame; frames are just a hint
        u64();
        break;
      case 0x2e: // STOP
        if (stack.length === 0 || stack[stack.length - 1] === MARK)
          fail(`pickle STOPs with nothing to return at byte ${opcodeAt}`);
        return stack[stack.length - 1];
      case 0x28: // MARK
        marks.push(stack.length);
        stack.push(MARK);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x8f: // EMPTY_SET (protocol 4)
        stack.push([]);
        break;
      case 0x58: // BINUNICODE
        stack.push(text(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(u8()));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text(u64()));
        break;
      case 0x54: // BINSTRING (python 2 str)
        stack.push(latin1.decode(take(i32(), 'a string')));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1.decode(take(u8(), 'a string')));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32(), 'bytes').slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8(), 'bytes').slice());
        break;
      case 0x8e: // BINBYTES8
        stack.push(take(u64(), 'bytes').slice());
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(decodeLong(take(u8(), 'a long integer')));
        break;
      case 0x8b: {
        // LONG4
        const length = i32();
        if (length < 0 || length > 1 << 20) fail(`LONG4 length ${length} at byte ${opcodeAt} is absurd`);
        stack.push(decodeLong(take(length, 'a long integer')));
        break;
      }
      case 0x47: // BINFLOAT (big-endian double)
        need(8, 'a float');
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        const a = pop();
        stack.push([a, b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push([a, b, c]);
        break;
      }
      case 0x74: // TUPLE
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x91: // FROZENSET
        stack.push(popMark());
        break;
      case 0x90: {
        // ADDITEMS (set.update)
        const items = popMark();
        appendAll(asList(top(), 'ADDITEMS'), items);
        break;
      }
      case 0x61: {
        // APPEND
        const value = pop();
        asList(top(), 'APPEND').push(value);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        appendAll(asList(top(), 'APPENDS'), items);
        break;
      }
      case 0x64: {
        // DICT
        const items = popMark();
        if (items.length % 2) fail(`DICT at byte ${opcodeAt} has an odd number of items`);
        const dict: PickleDict = new Map();
        for (let i = 0; i < items.length; i += 2) dict.set(items[i], items[i + 1]);
        stack.push(dict);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        asDict(top(), 'SETITEM').set(key, value);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        if (items.length % 2) fail(`SETITEMS at byte ${opcodeAt} has an odd number of items`);
        const dict = asDict(top(), 'SETITEMS');
        for (let i = 0; i < items.length; i += 2) dict.set(items[i], items[i + 1]);
        break;
      }
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = readLine();
        const name = readLine();
        stack.push(resolveGlobal(module, name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string')
          fail(`STACK_GLOBAL at byte ${opcodeAt} needs two strings`);
        stack.push(resolveGlobal(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE: callable(*args)
        const args = pop();
        const callable = pop();
        stack.push(call(callable, args, 'REDUCE'));
        break;
      }
      case 0x81: {
        // NEWOBJ: cls.__new__(cls, *args)
        const args = pop();
        const cls = pop();
        if (!(cls instanceof PickleGlobal) || cls.qualifiedName !== 'collections.OrderedDict') {
          fail(
            `NEWOBJ at byte ${opcodeAt} instantiates ${cls instanceof PickleGlobal ? `'${cls.qualifiedName}'` : `a ${describe(cls)}`}; only collections.OrderedDict may be created. Nothing was executed.`,
          );
        }
        stack.push(call(cls, args, 'NEWOBJ'));
        break;
      }
      case 0x62: {
        // BUILD: obj.__setstate__(state). OrderedDict state_dicts carry a `_metadata` attribute;
        // we keep it on the side and ignore every other state.
        const state = pop();
        const target = top();
        if (target instanceof Map) {
          if (state instanceof Map && state.has('_metadata')) pickleAttributes.set(target, state);
        } else if (!isTensorRef(target)) {
          fail(
            `BUILD at byte ${opcodeAt} sets state on a ${describe(target)}; only dicts and tensors accept state`,
          );
        }
        break;
      }
      case 0x51: {
        // BINPERSID: torch's persistent_load
        const pid = pop();
        stack.push(persistentLoad(pid, fail, opcodeAt));
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
        stack.push(memoGet(u8()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(memoGet(u32()));
        break;
      case 0x30: // POP
        if (stack[stack.length - 1] === MARK) {
          stack.pop();
          marks.pop();
        } else pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      default:
        fail(
          `unsupported pickle opcode 0x${opcode.toString(16).padStart(2, '0')}${opcode >= 0x20 && opcode < 0x7f ? ` ('${String.fromCharCode(opcode)}')` : ''} at byte ${opcodeAt}; torch.save never writes it, so the file is corrupt or not a torch checkpoint. Nothing was executed.`,
        );
    }
  }
}

/** push(...items) overflows the call stack for a few hundred thousand items; a loop does not. */
function appendAll(target: unknown[], items: unknown[]): void {
  for (const item of items) target.push(item);
}

/** Attributes set by BUILD on dicts (state_dict._metadata), kept out of the dict itself. */
export const pickleAttributes = new WeakMap<PickleDict, PickleDict>();

function isTensorRef(value: unknown): value is TorchTensorRef {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'tensor';
}

function describe(value: unknown): string {
  if (value === null) return 'None';
  if (value instanceof Map) return 'dict';
  if (Array.isArray(value)) return 'list/tuple';
  if (value instanceof PickleGlobal) return `global '${value.qualifiedName}'`;
  if (isTensorRef(value)) return 'tensor';
  return typeof value;
}

/** Little-endian two's-complement integer (LONG1/LONG4). */
function decodeLong(raw: Uint8Array): number | bigint {
  if (raw.byteLength === 0) return 0;
  let value = 0n;
  for (let i = raw.byteLength - 1; i >= 0; i--) value = (value << 8n) | BigInt(raw[i]);
  if (raw[raw.byteLength - 1] & 0x80) value -= 1n << BigInt(raw.byteLength * 8);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function persistentLoad(pid: unknown, fail: (detail: string) => never, at: number): TorchStorageRef {
  if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) {
    return fail(
      `persistent id at byte ${at} is ${Array.isArray(pid) ? `('${String(pid[0])}', ...)` : describe(pid)}; only ('storage', type, key, location, numel) is allowed`,
    );
  }
  const [, storageType, key, location, numel] = pid as unknown[];
  if (!(storageType instanceof PickleGlobal) || storageType.module !== 'torch') {
    return fail(`storage at byte ${at} has type ${describe(storageType)}, not a torch storage type`);
  }
  const dtype = TORCH_STORAGE_DTYPES[storageType.name] ?? TORCH_DTYPES[storageType.name];
  if (!dtype)
    return fail(`storage at byte ${at} has type 'torch.${storageType.name}', which is not supported`);
  if (typeof key !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(key)) {
    return fail(`storage at byte ${at} has key ${JSON.stringify(key)}; expected a plain record name`);
  }
  if (!isCount(numel))
    return fail(`storage '${key}' has element count ${String(numel)}; expected a non-negative integer`);
  return { kind: 'storage', dtype, key, location: String(location), numel };
}

function rebuildTensor(name: string, args: unknown[], fail: (detail: string) => never): unknown {
  if (name === '_rebuild_parameter') {
    // _rebuild_parameter(data, requires_grad, backward_hooks): the parameter is just its data
    if (!isTensorRef(args[0]))
      return fail(`torch._utils._rebuild_parameter expects a tensor, got ${describe(args[0])}`);
    return args[0];
  }
  // _rebuild_tensor(storage, offset, size, stride)
  // _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks[, metadata])
  // _rebuild_tensor_v3(storage, offset, size, stride, requires_grad, backward_hooks, dtype[, metadata])
  const [storage, offset, size, stride] = args;
  const where = `torch._utils.${name}`;
  if (typeof storage !== 'object' || storage === null || (storage as { kind?: unknown }).kind !== 'storage') {
    return fail(`${where} expects a storage as first argument, got ${describe(storage)}`);
  }
  if (!isCount(offset))
    return fail(`${where}: storage offset ${String(offset)} is not a non-negative integer`);
  if (!Array.isArray(size) || !size.every(isCount))
    return fail(`${where}: size ${JSON.stringify(size)} is not a list of non-negative integers`);
  if (!Array.isArray(stride) || stride.length !== size.length || !stride.every(isCount)) {
    return fail(
      `${where}: stride ${JSON.stringify(stride)} does not match size [${(size as number[]).join(', ')}]`,
    );
  }
  const storageRef = storage as TorchStorageRef;
  let dtype = storageRef.dtype;
  if (name === '_rebuild_tensor_v3') {
    const dtypeArg = args[6];
    if (!(dtypeArg instanceof PickleGlobal) || !(dtypeArg.name in TORCH_DTYPES)) {
      return fail(`${where}: dtype argument ${describe(dtypeArg)} is not a torch dtype`);
    }
    dtype = TORCH_DTYPES[dtypeArg.name];
  }
  const tensor: TorchTensorRef = {
    kind: 'tensor',
    storage: storageRef,
    storageOffset: offset as number,
    shape: size as number[],
    stride: stride as number[],
    dtype,
  };
  return tensor;
}
