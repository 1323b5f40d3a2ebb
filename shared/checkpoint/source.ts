/**
 * Random access to the files of one checkpoint folder. Callers implement it for their platform
 * (Node fs in electron/services/fsCheckpointSource.ts, fetch with Range requests in the renderer,
 * an in-memory map in tests and for dropped files); the readers only ever ask for byte ranges.
 */
export interface CheckpointSource {
  /** Shown before file names in errors, e.g. the folder path. Optional. */
  readonly name?: string;
  /** File names relative to the folder, '/'-separated. */
  listFiles(): Promise<string[]>;
  /** Size of a file in bytes. */
  size(file: string): Promise<number>;
  /** Bytes [start, end) of a file (the whole file when both are omitted; `end` defaults to the size). */
  read(file: string, start?: number, end?: number): Promise<Uint8Array>;
}

/** A CheckpointSource over files already in memory (tests, drag-and-drop, generated folders). */
export function memoryCheckpointSource(
  files: ReadonlyMap<string, Uint8Array>,
  name?: string,
): CheckpointSource {
  const get = (file: string): Uint8Array => {
    const bytes = files.get(file);
    if (!bytes) throw new Error(`${name ? `${name}/` : ''}${file}: no such file in the checkpoint folder`);
    return bytes;
  };
  return {
    name,
    listFiles: async () => [...files.keys()],
    size: async (file) => get(file).byteLength,
    read: async (file, start = 0, end) => {
      const bytes = get(file);
      return bytes.subarray(start, end ?? bytes.byteLength);
    },
  };
}

/** Random access to one file, as the zip and safetensors readers need it. */
export interface RangeReader {
  readonly file: string;
  readonly size: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

/** A RangeReader over one file of a CheckpointSource. */
export async function sourceRangeReader(source: CheckpointSource, file: string): Promise<RangeReader> {
  const size = await source.size(file);
  return { file, size, read: (start, end) => source.read(file, start, end) };
}

/** A RangeReader over bytes in memory. */
export function bytesRangeReader(bytes: Uint8Array, file: string): RangeReader {
  return { file, size: bytes.byteLength, read: async (start, end) => bytes.subarray(start, end) };
}
